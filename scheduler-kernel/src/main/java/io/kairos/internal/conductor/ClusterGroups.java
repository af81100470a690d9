package io.kairos.internal.conductor;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.placement.Bundle;
import io.kairos.internal.placement.PlacementGroupScheduler;
import io.kairos.internal.placement.PlacementGroupState;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.scheduling.BundlePlacementResult;
import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Placement groups across cluster members, reserved the way Ray's GCS reserves them: all or nothing, in two phases.
 * Conductor thread only.
 *
 * <p>As an owner (the member whose kernel created the group) it places the bundles over every member's node, reserves
 * them in its view, and asks each member holding one to reserve it on its own node (BUNDLE_PREPARE); once every member
 * has, the control store records the group ({@link ClusterTransport#recordPlacementGroup}: create, prepare, commit,
 * which checks the strategy's node constraint again) and the group is ready. A refusal anywhere releases every
 * reservation made (BUNDLE_RELEASE) and the group tries again a little later. When a member holding a bundle leaves,
 * the bundle is lost: its tasks run again within their retries once it is reserved on another node, found the same
 * way and keeping the strategy (STRICT_SPREAD: a node holding no other bundle of the group).
 *
 * <p>As a member holding a bundle for another member, it keeps the bundle as a group of one bundle of its own (a
 * negative id), so the tasks and actors the owner sends into it run there within the reservation, as local ones do;
 * it gives the bundle back when the owner releases it or leaves the cluster.
 *
 * <pre>
 * BUNDLE_PREPARE  type=12, group id (long), bundle index (int), resources as TASK's
 * BUNDLE_PREPARED type=13, group id (long), bundle index (int), reserved (byte 1) or not (0), why not (string)
 * BUNDLE_RELEASE  type=14, group id (long), bundle index (int)
 * </pre>
 */
final class ClusterGroups {
    static final int BUNDLE_PREPARE = 12;
    static final int BUNDLE_PREPARED = 13;
    static final int BUNDLE_RELEASE = 14;

    /** A refused or unconfirmed reservation is tried again after this long. */
    static final long RETRY_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /** One try at reserving some bundles of a group: answers awaited from the members, then the control store's. */
    static final class Attempt {
        final GroupState group;
        /** Whether the group is new (false: placing bundles lost with a member again). */
        final boolean create;
        final Bundle[] bundles;
        final boolean[] answered;
        int awaiting;
        String refusal;
        boolean recording;

        Attempt(final GroupState group, final boolean create, final Bundle[] bundles) {
            this.group = group;
            this.create = create;
            this.bundles = bundles;
            this.answered = new boolean[bundles.length];
        }
    }

    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final ClusterWire wire;
    private final ExpandableArrayBuffer out;
    private final PlacementGroupScheduler scheduler;
    private PlacementGroups groups;
    /** Owner: attempts in progress, by group id. */
    private final Long2ObjectHashMap<Attempt> attempts = new Long2ObjectHashMap<>();
    /** Owner: created groups (their bundles may be on other members' nodes). */
    private final ArrayList<GroupState> live = new ArrayList<>();
    /** Owner: created groups that lost bundles with a member, to place again. */
    private final ArrayList<GroupState> lost = new ArrayList<>();
    /** Holder: the bundles held here for other members, by owner, then group id * 4096 + bundle index. */
    private final Map<String, Long2ObjectHashMap<GroupState>> hosted = new HashMap<>();
    private long hostedIds;

    ClusterGroups(final SchedulerConductor conductor, final ClusterTransport transport,
                  final Cluster cluster, final ResourceRegistry registry, final ClusterWire wire,
                  final PlacementGroupScheduler scheduler) {
        this.conductor = conductor;
        this.transport = transport;
        this.cluster = cluster;
        this.registry = registry;
        this.wire = wire;
        this.out = wire.out;
        this.scheduler = scheduler;
    }

    void link(final PlacementGroups groups) {
        this.groups = groups;
    }

    // ------------------------------------------------------------------------------------------------------------
    // owner

    /**
     * Places a pending group over every member's node and starts reserving it.
     *
     * @return true once the group is done waiting (ready, or failed for good)
     */
    boolean tryCreate(final GroupState group) {
        if (group.readiness.isDone()) {
            return true;
        }
        final long now = conductor.nowNs;
        if (group.attempt != null || (group.tried && now - group.retryAtNs < 0)) {
            return false;
        }
        if (!group.tried) {
            group.tried = true;
            group.firstTryNs = now;
        }
        final PlacementGroupState pg = group.state;
        final BundlePlacementResult result;
        cluster.widen();
        try {
            result = scheduler.place(pg, cluster);
        } finally {
            cluster.narrow();
        }
        if (result.status() == BundlePlacementResult.Status.INFEASIBLE) {
            if (now - group.firstTryNs > ClusterLink.MEMBERS_WAIT_NS) {
                pg.markFailed("placement group " + pg.id() + (pg.name().isEmpty() ? "" : " '" + pg.name() + "'")
                    + ": " + result.reason() + " (waited " + TimeUnit.NANOSECONDS.toSeconds(ClusterLink.MEMBERS_WAIT_NS)
                    + " s for members that can hold it)");
                return groups.failed(group);
            }
            group.retryAtNs = now + 5 * RETRY_NS;  // members come and go: one that can hold it may join
            return false;
        }
        if (!result.isSuccess()) {
            return false;
        }
        final Bundle[] bundles = scheduler.reserveBundles(pg, cluster, result);
        if (bundles != null) {
            start(group, true, bundles);
        }
        return false;
    }

    private void start(final GroupState group, final boolean create, final Bundle[] bundles) {
        final Attempt attempt = new Attempt(group, create, bundles);
        group.attempt = attempt;
        attempts.put(group.id(), attempt);
        for (int i = 0; i < bundles.length; i++) {
            final Bundle bundle = bundles[i];
            if (!bundle.node().isRemote()) {
                attempt.answered[i] = true;
            } else if (send(BUNDLE_PREPARE, bundle.node(), group.id(), bundle.index(),
                group.state.bundleDemands().get(bundle.index()))) {
                attempt.awaiting++;
            } else {
                attempt.answered[i] = true;
                attempt.refusal = "node '" + bundle.node().nodeId() + "' could not be reached";
            }
        }
        if (attempt.awaiting == 0) {
            settle(attempt);
        }
    }

    /** A member answered a BUNDLE_PREPARE. */
    void onPrepared(final String from, final long groupId, final int index, final boolean reserved,
                    final String why) {
        final Attempt attempt = attempts.get(groupId);
        if (attempt == null) {
            return;  // given up already: its BUNDLE_RELEASE follows the answer
        }
        for (int i = 0; i < attempt.bundles.length; i++) {
            final Bundle bundle = attempt.bundles[i];
            if (!attempt.answered[i] && bundle.index() == index && bundle.node().nodeId().equals(from)) {
                answer(attempt, i, reserved ? null : "node '" + from + "': " + why);
                return;
            }
        }
    }

    private void answer(final Attempt attempt, final int i, final String refusal) {
        attempt.answered[i] = true;
        if (refusal != null && attempt.refusal == null) {
            attempt.refusal = refusal;
        }
        if (--attempt.awaiting == 0) {
            settle(attempt);
        }
    }

    /** Every member answered: the control store records the group, or every reservation is released. */
    private void settle(final Attempt attempt) {
        final GroupState group = attempt.group;
        if (attempt.refusal != null || group.removing) {
            abandon(attempt);
            return;
        }
        attempt.recording = true;
        final PlacementGroupState pg = group.state;
        final Map<Integer, String> placements = new LinkedHashMap<>();
        for (final Bundle bundle : attempt.bundles) {
            placements.put(bundle.index(), bundle.node().nodeId());
        }
        final List<Map<String, Double>> bundles = new ArrayList<>(pg.bundleCount());
        for (final long[] demand : pg.bundleDemands()) {
            final Map<String, Double> units = new LinkedHashMap<>();
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] > 0) {
                    units.put(registry.name(r), FixedPoint.toUnits(demand[r]));
                }
            }
            bundles.add(units);
        }
        transport.recordPlacementGroup(new ClusterTransport.PlacementGroupRecord(pg.id(), pg.name(), pg.strategy(),
                bundles, placements, attempt.create))
            .whenComplete((ignored, error) -> conductor.offerFromWorker((Runnable) () -> recorded(attempt, error)));
    }

    private void recorded(final Attempt attempt, final Throwable error) {
        final GroupState group = attempt.group;
        if (group.attempt != attempt) {  // removed meanwhile: its reservations were released
            if (error == null) {
                transport.forgetPlacementGroup(group.id());
            }
            return;
        }
        if (error != null || group.removing) {
            final Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            abandon(attempt);
            if (cause instanceof IllegalArgumentException && attempt.create) {
                group.state.markFailed("placement group " + group.id() + ": the control store refused it: "
                    + cause.getMessage());
                groups.failed(group);  // the pending list lets it go at the next pass
            }
            return;
        }
        attempts.remove(group.id());
        group.attempt = null;
        if (attempt.create) {
            scheduler.markReserved(group.state, attempt.bundles);
            live.add(group);
            groups.created(group);
        } else {
            for (final Bundle bundle : attempt.bundles) {
                group.state.replaceLostBundle(bundle);
            }
            if (!hasLostBundle(group)) {
                lost.remove(group);
            }
            conductor.dispatchNeeded = true;
        }
        for (final Bundle bundle : group.state.bundles()) {
            if (bundle.node().isRetired() && !bundle.isReturned()) {  // a member left while the store recorded it
                loseBundlesOn(bundle.node().nodeId());
                break;
            }
        }
    }

    /** Gives back every reservation of an attempt; the group tries again after {@link #RETRY_NS}. */
    private void abandon(final Attempt attempt) {
        final GroupState group = attempt.group;
        for (final Bundle bundle : attempt.bundles) {
            if (bundle.node().isRemote()) {
                send(BUNDLE_RELEASE, bundle.node(), group.id(), bundle.index(), null);
            }
            bundle.returnToNode();
        }
        attempts.remove(group.id());
        group.attempt = null;
        group.retryAtNs = conductor.nowNs + RETRY_NS;
        conductor.dispatchNeeded = true;
    }

    /** A group not created yet is removed: the reservations of its attempt go back. */
    void cancel(final GroupState group) {
        if (group.attempt != null) {
            abandon(group.attempt);
        }
    }

    /** A created group is removed: the members holding its bundles give them back; the control store forgets it. */
    void removed(final GroupState group) {
        if (group.attempt != null) {
            abandon(group.attempt);
        }
        live.remove(group);
        lost.remove(group);
        for (final Bundle bundle : group.state.bundles()) {
            if (bundle.node().isRemote() && !bundle.isReturned()) {
                send(BUNDLE_RELEASE, bundle.node(), group.id(), bundle.index(), null);
            }
        }
        transport.forgetPlacementGroup(group.id());
    }

    /** A member left: what was awaited from it is refused; the bundles it held are lost and placed again. */
    void memberLeft(final String nodeId) {
        for (final Attempt attempt : new ArrayList<>(attempts.values())) {
            for (int i = 0; i < attempt.bundles.length; i++) {
                if (!attempt.answered[i] && attempt.bundles[i].node().nodeId().equals(nodeId)) {
                    answer(attempt, i, "node '" + nodeId + "' left the cluster");
                }
            }
        }
        loseBundlesOn(nodeId);
        releaseHostedFor(nodeId);
    }

    private void loseBundlesOn(final String nodeId) {
        for (final GroupState group : live) {
            if (group.attempt != null && group.attempt.recording) {
                continue;  // checked again once the store has answered
            }
            for (final Bundle bundle : group.state.bundles()) {
                if (!bundle.isReturned() && bundle.node().nodeId().equals(nodeId)) {
                    bundle.lose();
                    if (!lost.contains(group)) {
                        lost.add(group);
                        group.retryAtNs = conductor.nowNs;
                    }
                }
            }
        }
    }

    /** Places lost bundles again when they are due. */
    int doWork(final long nowNs) {
        int work = 0;
        for (int g = lost.size() - 1; g >= 0; g--) {
            final GroupState group = lost.get(g);
            if (group.attempt != null || nowNs - group.retryAtNs < 0) {
                continue;
            }
            if (!hasLostBundle(group)) {
                lost.remove(g);
                continue;
            }
            final ArrayList<Bundle> again = new ArrayList<>();
            boolean placed = true;
            for (final Bundle bundle : group.state.bundles()) {
                if (bundle.isReturned()) {
                    final LogicalNode node = chooseNode(group.state, bundle.index(), again);
                    final Bundle made = node == null ? null
                        : Bundle.reserve(node, bundle.index(), group.state.bundleDemands().get(bundle.index()));
                    if (made == null) {
                        placed = false;
                        break;
                    }
                    again.add(made);
                }
            }
            if (placed) {
                start(group, false, again.toArray(new Bundle[0]));  // stays listed until the bundles are back
                work++;
            } else {
                for (final Bundle made : again) {
                    made.returnToNode();
                }
                group.retryAtNs = nowNs + 5 * RETRY_NS;
            }
        }
        return work;
    }

    private static boolean hasLostBundle(final GroupState group) {
        for (final Bundle bundle : group.state.bundles()) {
            if (bundle.isReturned()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A live node that has room for a lost bundle and keeps the group's strategy, given the bundles still held and
     * those just chosen; null if none has now.
     */
    private LogicalNode chooseNode(final PlacementGroupState pg, final int index, final List<Bundle> chosen) {
        final long[] demand = pg.bundleDemands().get(index);
        final PlacementStrategy strategy = pg.strategy();
        LogicalNode best = null;
        boolean bestHolds = false;
        for (int n = 0; n < cluster.allNodeCount(); n++) {
            final LogicalNode node = cluster.logicalNode(n);
            if (node.isRetired() || !node.fits(demand)) {
                continue;
            }
            boolean holds = false;
            for (final Bundle b : pg.bundles()) {
                holds |= !b.isReturned() && b.node() == node;
            }
            for (final Bundle b : chosen) {
                holds |= b.node() == node;
            }
            final boolean others = !chosen.isEmpty() || pg.bundles().stream().anyMatch(b -> !b.isReturned());
            if (strategy == PlacementStrategy.STRICT_SPREAD && holds
                || strategy == PlacementStrategy.STRICT_PACK && others && !holds) {
                continue;
            }
            final boolean wantHolds = strategy == PlacementStrategy.PACK || strategy == PlacementStrategy.STRICT_PACK;
            if (best == null || (holds == wantHolds && bestHolds != wantHolds)) {
                best = node;
                bestHolds = holds;
            }
        }
        return best;
    }

    /** Close: attempts in progress give their reservations back. */
    void close() {
        for (final Attempt attempt : new ArrayList<>(attempts.values())) {
            abandon(attempt);
        }
        for (final String owner : new ArrayList<>(hosted.keySet())) {
            releaseHostedFor(owner);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // holder

    /** An owner asks this member to reserve a bundle of its group on this node. */
    void onPrepare(final String from, final long groupId, final int index, final long[] demand, final String invalid) {
        String why = invalid;
        if (why == null) {
            final LogicalNode local = cluster.logicalNode(cluster.localNodeIndex());
            final GroupState held = new GroupState(null, PlacementGroupState.ofDemands(--hostedIds, "",
                PlacementStrategy.STRICT_PACK, List.of(demand)), null);
            final Bundle[] bundles = scheduler.reserveBundles(held.state, cluster,
                BundlePlacementResult.success(new int[] {local.index()}));
            if (bundles == null) {
                why = "it has " + local.available() + " available, the bundle asks for more";
            } else {
                scheduler.markReserved(held.state, bundles);
                hosted.computeIfAbsent(from, owner -> new Long2ObjectHashMap<>()).put(key(groupId, index), held);
            }
        }
        int at = 0;
        out.putInt(at, BUNDLE_PREPARED);
        out.putLong(at + 4, groupId);
        out.putInt(at + 12, index);
        out.putByte(at + 16, (byte) (why == null ? 1 : 0));
        at += 17;
        at += out.putStringUtf8(at, why == null ? "" : why);
        transport.send(from, out.byteArray(), 0, at);
    }

    /** The bundle held here for an owner's group, or null if it holds none of that index. */
    GroupState held(final String owner, final long groupId, final int index) {
        final Long2ObjectHashMap<GroupState> byKey = hosted.get(owner);
        return byKey == null ? null : byKey.get(key(groupId, index));
    }

    /** The owner gives a bundle back: tasks still queued in it fail, running ones finish, then it is returned. */
    void onRelease(final String from, final long groupId, final int index) {
        final Long2ObjectHashMap<GroupState> byKey = hosted.get(from);
        final GroupState held = byKey == null ? null : byKey.remove(key(groupId, index));
        if (held != null) {
            groups.onRemoveGroup(held);
        }
    }

    private void releaseHostedFor(final String owner) {
        final Long2ObjectHashMap<GroupState> byKey = hosted.remove(owner);
        if (byKey != null) {
            for (final GroupState held : new ArrayList<>(byKey.values())) {
                groups.onRemoveGroup(held);
            }
        }
    }

    private static long key(final long groupId, final int index) {
        return groupId * 4096 + index;  // PlacementGroupState.MAX_BUNDLES <= 4096
    }

    private boolean send(final int type, final LogicalNode node, final long groupId, final int index,
                         final long[] demand) {
        out.putInt(0, type);
        out.putLong(4, groupId);
        out.putInt(12, index);
        final int length = demand == null ? 16 : wire.putDemand(16, demand);
        return transport.send(node.nodeId(), out.byteArray(), 0, length);
    }
}
