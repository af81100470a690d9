package io.kairos.cluster.aeron;

import io.kairos.spi.cluster.ClusterTransport.PlacementGroupRecord;
import io.kairos.spi.scheduling.FixedPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A kernel's placement groups in the control store's {@link PlacementGroupTable}, for
 * {@link AeronClusterTransport#recordPlacementGroup}: the kernel's group id becomes a table id unique in the cluster
 * (mixed with the member's incarnation), member names become the table's node ids, and the record is created,
 * prepared and committed, or left as it was. Control thread only.
 */
final class PlacementRecords {
    private PlacementRecords() {
    }

    /** The table's id of a member's group: its incarnation and the kernel's group id, mixed. */
    static long tableId(final long incarnation, final long groupId) {
        final long id = (incarnation * 0x9E3779B97F4A7C15L + groupId) & Long.MAX_VALUE;
        return id == 0 ? 1 : id;
    }

    /**
     * Creates (the first time), prepares and commits the group's listed bundles.
     *
     * @param members the live members' incarnations by name, this member's included
     * @throws IllegalArgumentException if the table refuses the group for good (its name is taken, a limit)
     * @throws IllegalStateException    if it may take it later (a node is dead or has no room there, no answer)
     */
    static void record(final ControlClient control, final long incarnation, final Map<String, Long> members,
                       final PlacementGroupRecord group) {
        final long id = tableId(incarnation, group.groupId());
        final PlacementGroupClient table = control.placementGroups();
        final Map<Integer, Long> placements = new TreeMap<>();
        for (final Map.Entry<Integer, String> p : group.placements().entrySet()) {
            final Long node = members.get(p.getValue());
            if (node == null) {
                throw new IllegalStateException("node '" + p.getValue() + "' is not a live member");
            }
            placements.put(p.getKey(), node);
        }
        if (group.create()) {
            create(table, id, group);
        }
        try {
            table.prepare(id, placements);
            table.commit(id);
        } catch (final ControlRejection e) {
            undo(table, id, group.create());
            throw new IllegalStateException("the control store did not reserve placement group " + group.groupId()
                + ": " + e.getMessage(), e);
        } catch (final RuntimeException e) {
            undo(table, id, group.create());
            throw new IllegalStateException("the control store did not answer for placement group " + group.groupId()
                + ": " + e.getMessage(), e);
        }
    }

    private static void create(final PlacementGroupClient table, final long id, final PlacementGroupRecord group) {
        final List<Map<String, Long>> bundles = new ArrayList<>(group.bundles().size());
        for (final Map<String, Double> bundle : group.bundles()) {
            final Map<String, Long> fixed = new LinkedHashMap<>();
            bundle.forEach((name, units) -> fixed.put(name, FixedPoint.fromUnits(units, "bundle resource '" + name + "'")));
            bundles.add(fixed);
        }
        final PlacementGroupTable.Strategy strategy = PlacementGroupTable.Strategy.valueOf(group.strategy().name());
        try {
            table.create(id, group.name(), strategy, bundles);
        } catch (final ControlRejection e) {
            if (e.status() == ControlStatus.CONFLICT && exists(table, id)) {
                table.remove(id);  // left by an attempt whose clean-up did not reach the store: start afresh
                table.create(id, group.name(), strategy, bundles);
                return;
            }
            if (e.status() == ControlStatus.CONFLICT || e.status() == ControlStatus.INVALID) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static boolean exists(final PlacementGroupClient table, final long id) {
        try {
            return table.get(id) != null;
        } catch (final ControlRejection e) {
            return false;
        }
    }

    /** After a refusal: a new group is removed again, bundles placed again are released. */
    private static void undo(final PlacementGroupClient table, final long id, final boolean created) {
        try {
            if (created) {
                table.remove(id);
            } else {
                table.abort(id);
            }
        } catch (final RuntimeException e) {
            // the record stays; a later attempt removes it (create) or the group's removal does
        }
    }

    /** Removes a group's record; one that is not there is forgotten already. */
    static void forget(final ControlClient control, final long incarnation, final long groupId) {
        try {
            control.placementGroups().remove(tableId(incarnation, groupId));
        } catch (final ControlRejection e) {
            // not there
        }
    }
}
