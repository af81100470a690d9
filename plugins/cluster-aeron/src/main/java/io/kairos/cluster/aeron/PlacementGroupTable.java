package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The control store's placement-group table, the role of Ray's GCS placement-group table: groups of resource bundles
 * and, per bundle, a two-phase reservation record. A kernel schedules a group as Ray's GCS does, all or nothing:
 * {@link #create} it, {@link #prepare} every bundle on the node it chose (one command, so either every listed bundle
 * is PREPARED or none is), then {@link #commit} (every bundle COMMITTED) or {@link #abort} (every PREPARED bundle
 * released); {@link #remove} releases everything. The table refuses a reservation that breaks the strategy's node
 * constraint (STRICT_SPREAD: distinct nodes; STRICT_PACK: one node), one on an unknown or dead node, and one that would
 * reserve more of a resource on a node than the node's total (bundles of every group on that node together).
 * A node that is declared dead or leaves loses its reservations ({@link #releaseNode}): its bundles go back to
 * UNRESERVED and their groups to RESCHEDULING, for the kernel to place again.
 * <p>
 * Deterministic (sorted maps only, no clock) and part of {@link ControlState}'s snapshot. Not thread-safe: the
 * clustered service's thread owns it.
 */
public final class PlacementGroupTable {
    /** Most placement groups in the table. */
    public static final int MAX_GROUPS = 100_000;
    /** Most bundles in one group. */
    public static final int MAX_BUNDLES = 1_000;
    /** Most resources in one bundle. */
    public static final int MAX_RESOURCES_PER_BUNDLE = ControlState.MAX_RESOURCES_PER_NODE;

    /** How the bundles of a group are placed; the STRICT ones are enforced by the table. */
    public enum Strategy {
        /** Bundles on as few nodes as possible (soft). */
        PACK,
        /** Bundles on distinct nodes where possible (soft). */
        SPREAD,
        /** Every bundle on one node (enforced). */
        STRICT_PACK,
        /** Every bundle on a distinct node (enforced). */
        STRICT_SPREAD;

        private static final Strategy[] BY_CODE = values();

        static Strategy fromCode(final int code) {
            if (code < 0 || code >= BY_CODE.length) {
                throw new ControlRejection(ControlStatus.INVALID, "strategy: unknown code " + code + ", 0.." +
                    (BY_CODE.length - 1));
            }
            return BY_CODE[code];
        }
    }

    /** A group's state, as Ray's GCS names them. */
    public enum GroupState {
        /** Created; some bundles are not reserved yet (or were aborted). */
        PENDING,
        /** Every bundle is reserved, some only PREPARED. */
        PREPARED,
        /** Every bundle is COMMITTED: the group is ready. */
        CREATED,
        /** It was ready, and a node holding a bundle left: the bundles on it must be placed again. */
        RESCHEDULING;

        private static final GroupState[] BY_CODE = values();

        static GroupState fromCode(final int code) {
            if (code < 0 || code >= BY_CODE.length) {
                throw new ControlRejection(ControlStatus.MALFORMED, "group state: unknown code " + code);
            }
            return BY_CODE[code];
        }
    }

    /** A bundle's reservation. */
    public enum Reservation {
        /** Held on no node. */
        UNRESERVED,
        /** Held on a node, first phase: a commit or an abort follows. */
        PREPARED,
        /** Held on a node for good (until the group is removed or the node leaves). */
        COMMITTED;

        private static final Reservation[] BY_CODE = values();

        static Reservation fromCode(final int code) {
            if (code < 0 || code >= BY_CODE.length) {
                throw new ControlRejection(ControlStatus.MALFORMED, "reservation: unknown code " + code);
            }
            return BY_CODE[code];
        }
    }

    /**
     * One bundle of a group as the table holds it.
     *
     * @param resources   what it reserves, fixed point (1/10000 of a unit), read-only.
     * @param reservation its reservation's phase.
     * @param nodeId      the node holding it; meaningful only when reserved.
     */
    public record Bundle(Map<String, Long> resources, Reservation reservation, long nodeId) {
    }

    /**
     * A placement group's record.
     *
     * @param groupId  its id, unique in the cluster (chosen by the creator, e.g. the kernel's group id).
     * @param name     its name, unique among named groups; empty if unnamed.
     * @param strategy how its bundles are placed.
     * @param state    where it is in its life.
     * @param bundles  its bundles, in index order, read-only.
     */
    public record Group(long groupId, String name, Strategy strategy, GroupState state, List<Bundle> bundles) {
    }

    private final TreeMap<Long, Group> groups = new TreeMap<>();
    private final TreeMap<String, Long> byName = new TreeMap<>();
    /** Resources reserved (PREPARED or COMMITTED) on each node, by node id: derived, rebuilt on load. */
    private final TreeMap<Long, TreeMap<String, Long>> reserved = new TreeMap<>();

    /**
     * Creates a group with every bundle UNRESERVED, in state PENDING.
     *
     * @param groupId  unique id.
     * @param name     unique among named groups, at most {@link ControlState#MAX_NAME_BYTES} UTF-8 bytes; empty for
     *                 none.
     * @param strategy placement strategy.
     * @param bundles  1 to {@link #MAX_BUNDLES} bundles, each 1 to {@link #MAX_RESOURCES_PER_BUNDLE} resources of
     *                 amounts &gt; 0.
     * @throws ControlRejection CONFLICT if the id or name is taken, INVALID if a field is out of its limits.
     */
    public void create(final long groupId, final String name, final Strategy strategy,
                       final List<Map<String, Long>> bundles) {
        ControlState.checkLength("placement group name", name, ControlState.MAX_NAME_BYTES);
        Objects.requireNonNull(strategy, "strategy");
        if (bundles.isEmpty()) {
            throw new ControlRejection(ControlStatus.INVALID, "bundles: none, a placement group needs 1 to " +
                MAX_BUNDLES);
        }
        if (bundles.size() > MAX_BUNDLES) {
            throw new ControlRejection(ControlStatus.INVALID, "bundles: " + bundles.size() + " entries, limit " +
                MAX_BUNDLES);
        }
        final List<Bundle> made = new ArrayList<>(bundles.size());
        for (int i = 0; i < bundles.size(); i++) {
            final Map<String, Long> resources = bundles.get(i);
            final String field = "bundle " + i;
            if (resources.isEmpty()) {
                throw new ControlRejection(ControlStatus.INVALID, field + ": no resources");
            }
            if (resources.size() > MAX_RESOURCES_PER_BUNDLE) {
                throw new ControlRejection(ControlStatus.INVALID, field + ": " + resources.size() +
                    " resources, limit " + MAX_RESOURCES_PER_BUNDLE);
            }
            for (final Map.Entry<String, Long> e : resources.entrySet()) {
                ControlState.checkName(field + " resource name", e.getKey());
                if (e.getValue() == null || e.getValue() <= 0) {
                    throw new ControlRejection(ControlStatus.INVALID, field + " resource '" + e.getKey() +
                        "': amount must be > 0, was " + e.getValue());
                }
            }
            made.add(new Bundle(Collections.unmodifiableMap(new TreeMap<>(resources)), Reservation.UNRESERVED, 0));
        }
        final Group existing = groups.get(groupId);
        if (existing != null) {
            throw new ControlRejection(ControlStatus.CONFLICT, "placement group " + groupId + " exists" +
                (existing.name.isEmpty() ? "" : " (named '" + existing.name + "')"));
        }
        if (!name.isEmpty() && byName.containsKey(name)) {
            throw new ControlRejection(ControlStatus.CONFLICT, "placement group name '" + name +
                "' is taken by group " + byName.get(name));
        }
        if (groups.size() >= MAX_GROUPS) {
            throw new ControlRejection(ControlStatus.INVALID, "placement groups: table full, limit " + MAX_GROUPS);
        }
        put(new Group(groupId, name, strategy, GroupState.PENDING, List.copyOf(made)));
    }

    /**
     * First phase: reserves the listed bundles on the listed nodes, all or none. Each listed bundle must be
     * UNRESERVED, each node registered and alive with room for the bundle beside what is reserved there already, and
     * the group's bundles together (committed, prepared and these) must keep the strategy's node constraint.
     *
     * @param nodes   live nodes, looked up in the node table.
     * @param groupId of the group.
     * @param placements bundle index to node id, at least one.
     * @throws ControlRejection NOT_FOUND for an unknown group or node, CONFLICT for a bundle already reserved, a dead
     *                          node, a broken constraint or a node without room, INVALID for a bad index.
     */
    public void prepare(final ControlState nodes, final long groupId, final Map<Integer, Long> placements) {
        final Group group = require(groupId);
        if (placements.isEmpty()) {
            throw new ControlRejection(ControlStatus.INVALID, "placements: none for group " + groupId);
        }
        final Bundle[] next = group.bundles.toArray(new Bundle[0]);
        final TreeMap<Long, TreeMap<String, Long>> adding = new TreeMap<>();
        for (final Map.Entry<Integer, Long> p : placements.entrySet()) {
            final int index = p.getKey();
            if (index < 0 || index >= next.length) {
                throw new ControlRejection(ControlStatus.INVALID, "bundle index " + index + " outside 0.." +
                    (next.length - 1) + " of group " + groupId);
            }
            if (next[index].reservation != Reservation.UNRESERVED) {
                throw new ControlRejection(ControlStatus.CONFLICT, "bundle " + index + " of group " + groupId +
                    " is already " + next[index].reservation + " on node " + next[index].nodeId);
            }
            final long nodeId = p.getValue();
            final ControlState.Node node = nodes.node(nodeId);
            if (node == null) {
                throw new ControlRejection(ControlStatus.NOT_FOUND, "node " + nodeId + ": not registered (bundle " +
                    index + " of group " + groupId + ")");
            }
            if (!node.alive()) {
                throw new ControlRejection(ControlStatus.CONFLICT, "node " + nodeId + " is dead (bundle " + index +
                    " of group " + groupId + ")");
            }
            final TreeMap<String, Long> sum = adding.computeIfAbsent(nodeId, n -> new TreeMap<>());
            for (final Map.Entry<String, Long> r : next[index].resources.entrySet()) {
                final Long total = node.totalResources().get(r.getKey());
                final long want = sum.merge(r.getKey(), r.getValue(), Long::sum);
                final long held = reserved.getOrDefault(nodeId, new TreeMap<>()).getOrDefault(r.getKey(), 0L);
                if (total == null || held + want > total) {
                    throw new ControlRejection(ControlStatus.CONFLICT, "node " + nodeId + " has no room for bundle " +
                        index + " of group " + groupId + ": resource '" + r.getKey() + "' " + (held + want) +
                        " > total " + (total == null ? 0 : total));
                }
            }
            next[index] = new Bundle(next[index].resources, Reservation.PREPARED, nodeId);
        }
        checkConstraint(group, next, "prepare");
        adding.forEach((nodeId, amounts) -> amounts.forEach((r, a) -> addReserved(nodeId, r, a)));
        final List<Bundle> bundles = List.of(next);
        put(new Group(groupId, group.name, group.strategy, stateOf(bundles, group.state), bundles));
    }

    /**
     * Second phase: every PREPARED bundle becomes COMMITTED. Every bundle must be reserved (prepared or committed),
     * and their nodes must keep the strategy's constraint; the group is then CREATED.
     *
     * @param groupId of the group.
     * @throws ControlRejection NOT_FOUND for an unknown group, CONFLICT if a bundle is not reserved or the nodes break
     *                          the strategy.
     */
    public void commit(final long groupId) {
        final Group group = require(groupId);
        final Bundle[] next = group.bundles.toArray(new Bundle[0]);
        for (int i = 0; i < next.length; i++) {
            if (next[i].reservation == Reservation.UNRESERVED) {
                throw new ControlRejection(ControlStatus.CONFLICT, "commit of group " + groupId + ": bundle " + i +
                    " is not prepared");
            }
            next[i] = new Bundle(next[i].resources, Reservation.COMMITTED, next[i].nodeId);
        }
        checkConstraint(group, next, "commit");
        put(new Group(groupId, group.name, group.strategy, GroupState.CREATED, List.of(next)));
    }

    /**
     * Releases every PREPARED bundle of the group (the first phase failed somewhere); COMMITTED ones stay.
     *
     * @param groupId of the group.
     * @return how many bundles were released.
     * @throws ControlRejection NOT_FOUND for an unknown group.
     */
    public int abort(final long groupId) {
        final Group group = require(groupId);
        final Bundle[] next = group.bundles.toArray(new Bundle[0]);
        int released = 0;
        for (int i = 0; i < next.length; i++) {
            if (next[i].reservation == Reservation.PREPARED) {
                release(next[i]);
                next[i] = new Bundle(next[i].resources, Reservation.UNRESERVED, 0);
                released++;
            }
        }
        final List<Bundle> bundles = List.of(next);
        put(new Group(groupId, group.name, group.strategy, stateOf(bundles, group.state), bundles));
        return released;
    }

    /**
     * Removes a group and releases its reservations.
     *
     * @param groupId of the group.
     * @throws ControlRejection NOT_FOUND for an unknown group.
     */
    public void remove(final long groupId) {
        final Group group = require(groupId);
        group.bundles.forEach(this::release);
        groups.remove(groupId);
        if (!group.name.isEmpty()) {
            byName.remove(group.name);
        }
    }

    /**
     * Releases every reservation held on a node that left or was declared dead: its bundles go back to UNRESERVED,
     * and a CREATED group to RESCHEDULING.
     *
     * @param nodeId of the node.
     * @return how many bundles were released.
     */
    public int releaseNode(final long nodeId) {
        if (!reserved.containsKey(nodeId)) {
            return 0;
        }
        int released = 0;
        for (final Group group : new ArrayList<>(groups.values())) {
            final Bundle[] next = group.bundles.toArray(new Bundle[0]);
            boolean changed = false;
            for (int i = 0; i < next.length; i++) {
                if (next[i].reservation != Reservation.UNRESERVED && next[i].nodeId == nodeId) {
                    next[i] = new Bundle(next[i].resources, Reservation.UNRESERVED, 0);
                    changed = true;
                    released++;
                }
            }
            if (changed) {
                final GroupState state = group.state == GroupState.CREATED || group.state == GroupState.RESCHEDULING
                    ? GroupState.RESCHEDULING : GroupState.PENDING;
                put(new Group(group.groupId, group.name, group.strategy, state, List.of(next)));
            }
        }
        reserved.remove(nodeId);
        return released;
    }

    /**
     * @param groupId of a group.
     * @return its record, or {@code null}.
     */
    public Group group(final long groupId) {
        return groups.get(groupId);
    }

    /**
     * @param name of a named group.
     * @return its record, or {@code null}.
     */
    public Group byName(final String name) {
        final Long id = byName.get(name);
        return id == null ? null : groups.get(id);
    }

    /** @return every group, by id, read-only. */
    public Collection<Group> groups() {
        return Collections.unmodifiableCollection(groups.values());
    }

    /**
     * @param fromGroupId the lowest group id wanted.
     * @return the groups from that id on, by id (a view).
     */
    Collection<Group> groupsFrom(final long fromGroupId) {
        return Collections.unmodifiableCollection(groups.tailMap(fromGroupId, true).values());
    }

    /**
     * @param nodeId of a node.
     * @return what the table's bundles reserve on it, read-only (empty if nothing).
     */
    public Map<String, Long> reservedOn(final long nodeId) {
        final TreeMap<String, Long> amounts = reserved.get(nodeId);
        return amounts == null ? Map.of() : Collections.unmodifiableMap(amounts);
    }

    /** @return how many groups the table holds. */
    public int size() {
        return groups.size();
    }

    void writeSnapshot(final ControlCodec.Writer w) {
        w.putInt(groups.size());
        groups.values().forEach(g -> writeGroup(w, g));
    }

    void readSnapshot(final ControlCodec.Reader r) {
        for (int i = 0, count = r.readCount("placement groups", MAX_GROUPS, GROUP_MIN_BYTES); i < count; i++) {
            final Group group = readGroup(r);
            for (final Bundle b : group.bundles) {
                if (b.reservation != Reservation.UNRESERVED) {
                    b.resources.forEach((res, a) -> addReserved(b.nodeId, res, a));
                }
            }
            put(group);
        }
    }

    /** Smallest encoding of a group by {@link #writeGroup}. */
    static final int GROUP_MIN_BYTES = 18;

    /**
     * Writes a group as the snapshot and the replies carry it: group id (long), name (string), strategy (byte),
     * state (byte), bundle count (int), per bundle reservation (byte), node id (long), resources map (string -> long).
     */
    static void writeGroup(final ControlCodec.Writer w, final Group g) {
        w.putLong(g.groupId).putString(g.name).putByte((byte)g.strategy.ordinal())
            .putByte((byte)g.state.ordinal()).putInt(g.bundles.size());
        for (final Bundle b : g.bundles) {
            w.putByte((byte)b.reservation.ordinal()).putLong(b.nodeId).putInt(b.resources.size());
            b.resources.forEach((r, a) -> w.putString(r).putLong(a));
        }
    }

    /**
     * Reads a group written by {@link #writeGroup}.
     *
     * @throws ControlRejection if the bytes are not a group.
     */
    static Group readGroup(final ControlCodec.Reader r) {
        final long groupId = r.readLong("group id");
        final String name = r.readString("placement group name", ControlState.MAX_NAME_BYTES);
        final Strategy strategy = Strategy.fromCode(r.readByte("strategy"));
        final GroupState state = GroupState.fromCode(r.readByte("group state"));
        final List<Bundle> bundles = new ArrayList<>();
        for (int j = 0, bc = r.readCount("bundles", MAX_BUNDLES, 13); j < bc; j++) {
            final Reservation reservation = Reservation.fromCode(r.readByte("reservation"));
            final long nodeId = r.readLong("bundle node");
            final TreeMap<String, Long> resources = new TreeMap<>();
            for (int k = 0, rc = r.readCount("bundle resources", MAX_RESOURCES_PER_BUNDLE, 12); k < rc; k++) {
                resources.put(r.readString("resource name", ControlState.MAX_NAME_BYTES), r.readLong("amount"));
            }
            bundles.add(new Bundle(Collections.unmodifiableMap(resources), reservation, nodeId));
        }
        return new Group(groupId, name, strategy, state, List.copyOf(bundles));
    }

    void replaceWith(final PlacementGroupTable other) {
        groups.clear();
        groups.putAll(other.groups);
        byName.clear();
        byName.putAll(other.byName);
        reserved.clear();
        reserved.putAll(other.reserved);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof PlacementGroupTable t && groups.equals(t.groups) && reserved.equals(t.reserved);
    }

    @Override
    public int hashCode() {
        return groups.hashCode();
    }

    private Group require(final long groupId) {
        final Group group = groups.get(groupId);
        if (group == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "placement group " + groupId + ": not found");
        }
        return group;
    }

    private void put(final Group group) {
        groups.put(group.groupId, group);
        if (!group.name.isEmpty()) {
            byName.put(group.name, group.groupId);
        }
    }

    private static GroupState stateOf(final List<Bundle> bundles, final GroupState was) {
        boolean all = true;
        boolean committed = true;
        for (final Bundle b : bundles) {
            all &= b.reservation != Reservation.UNRESERVED;
            committed &= b.reservation == Reservation.COMMITTED;
        }
        if (committed) {
            return GroupState.CREATED;
        }
        return all ? GroupState.PREPARED : was == GroupState.RESCHEDULING ? was : GroupState.PENDING;
    }

    private static void checkConstraint(final Group group, final Bundle[] bundles, final String phase) {
        if (group.strategy != Strategy.STRICT_SPREAD && group.strategy != Strategy.STRICT_PACK) {
            return;
        }
        final Set<Long> seen = new HashSet<>();
        long first = 0;
        boolean any = false;
        for (int i = 0; i < bundles.length; i++) {
            if (bundles[i].reservation == Reservation.UNRESERVED) {
                continue;
            }
            final long node = bundles[i].nodeId;
            if (group.strategy == Strategy.STRICT_SPREAD && !seen.add(node)) {
                throw new ControlRejection(ControlStatus.CONFLICT, phase + " of group " + group.groupId +
                    ": STRICT_SPREAD needs distinct nodes, bundle " + i + " is on node " + node +
                    " with another bundle");
            }
            if (group.strategy == Strategy.STRICT_PACK && any && node != first) {
                throw new ControlRejection(ControlStatus.CONFLICT, phase + " of group " + group.groupId +
                    ": STRICT_PACK needs one node, bundle " + i + " is on node " + node + ", not " + first);
            }
            if (!any) {
                first = node;
                any = true;
            }
        }
    }

    private void addReserved(final long nodeId, final String resource, final long amount) {
        reserved.computeIfAbsent(nodeId, n -> new TreeMap<>()).merge(resource, amount, Long::sum);
    }

    private void release(final Bundle bundle) {
        if (bundle.reservation == Reservation.UNRESERVED) {
            return;
        }
        final TreeMap<String, Long> amounts = reserved.get(bundle.nodeId);
        if (amounts == null) {
            return;
        }
        bundle.resources.forEach((r, a) -> {
            final long left = amounts.getOrDefault(r, 0L) - a;
            if (left <= 0) {
                amounts.remove(r);
            } else {
                amounts.put(r, left);
            }
        });
        if (amounts.isEmpty()) {
            reserved.remove(bundle.nodeId);
        }
    }
}
