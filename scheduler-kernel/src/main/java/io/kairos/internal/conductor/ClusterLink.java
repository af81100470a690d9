package io.kairos.internal.conductor;

import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.exception.WorkerDiedException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.placement.Bundle;
import io.kairos.spi.cluster.ClusterNode;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This kernel as one member of a cluster of kernels; conductor thread only (the {@link ClusterInbox} decodes what
 * arrives on the transport's thread and hands it over as commands).
 *
 * <p>As an owner it forwards the plain tasks a policy placed on another member's node, keeps them in flight until
 * their results come back (completing them here, where their callers wait) and, when that member leaves, runs them
 * again elsewhere within their retries. As an executor it runs the tasks other members forward to it on its own
 * node, with their retries, and sends each result back to its owner; an owner that leaves has its tasks cancelled.
 * It reports its node's availability to every member on change (at most every {@link #MIN_REPORT_INTERVAL_NS}) and
 * every {@link #REPORT_INTERVAL_NS}; the others' reports set what their nodes show here (Ray's resource view:
 * a forward takes from the view at once, the next report says what is really left).
 *
 * <p>The messages, in the machine's byte order (little-endian on x86-64 and aarch64), strings as length + UTF-8:
 * <pre>
 * TASK      type=1, task id (long), attempt (int), max retries (int), retry exceptions (byte), isolated (byte),
 *           placement group id (long), bundle index (int, -1: none; {@link ClusterGroups}),
 *           name (string, empty: none), resources: count (int), (name string, amount double)*,
 *           function: length (int), Java-serialized bytes, arity (int), arity values
 * RESULT    type=2, task id (long), attempt (int), status (byte: 0 value follows, 1 error follows, 2 held),
 *           a value | error: length (int), the Java-serialized exception | held: length (long) of the value's
 *           bytes, which stay at the sender until pulled ({@link HeldResults}, {@link ObjectPulls})
 * AVAILABLE type=3, resources: count (int), (name string, fixed-point amount long)*,
 *           GPU instances: count (int), (free share long, free memory long)*
 * CANCEL    type=4, task id (long), force (byte)
 * ACTOR_CREATE type=5, owner's actor id (long), max concurrency (int), max restarts (int), isolated (byte),
 *           placement group id (long), bundle index (int, -1: none), detached actor's name (string, empty: not
 *           detached), max task retries (int), concurrency groups: count (int), (name string, limit int)*,
 *           class name (string), resources as TASK's, constructor: length (int), bytes, arity (int), values
 * ACTOR_STATE  type=6, owner's actor id (long), host's actor id (long), state (byte: 1 alive, 2 dead), why (string)
 * ACTOR_CALL   type=7, host's actor id (long), task id (long), attempt (int), concurrency group (short),
 *           name (string), method: length (int),
 *           bytes, arity (int), values
 * ACTOR_KILL   type=8, host's actor id (long), no restart (byte)
 * PULL      type=9, task id (long): the owner asks for a held result; the holder answers with PULL_DATA, in order
 *           (only where the transport has no bulk channel, or it failed: {@link ClusterTransport#pullObject})
 * PULL_DATA type=10, task id (long), total length (long), offset (long), status (byte: 0 chunk, 1 missing),
 *           chunk length (int), the chunk's bytes (at most {@link HeldResults#CHUNK_BYTES})
 * RELEASE   type=11, task id (long): the owner has the result whole; the holder frees its copy
 * SPILLBACK type=15, task id (long), attempt (int), then AVAILABLE's body: a forwarded task the node had no room for
 *           when it arrived, back to its owner, which places it again (the same attempt)
 * value:    NULL (byte 0) | INLINE (byte 1), length (int), {@link ValueCodec} bytes
 * </pre>
 */
final class ClusterLink {
    static final int TASK = 1;
    static final int RESULT = 2;
    static final int AVAILABLE = 3;
    static final int CANCEL = 4;
    static final int ACTOR_CREATE = 5;
    static final int ACTOR_STATE = 6;
    static final int ACTOR_CALL = 7;
    static final int ACTOR_KILL = 8;
    static final int PULL = 9;
    static final int PULL_DATA = 10;
    static final int RELEASE = 11;
    /** A forwarded task the node had no room for, sent back: task id (long), attempt (int), then AVAILABLE's body. */
    static final int SPILLBACK = 15;

    static final byte ACTOR_ALIVE = 1;
    static final byte ACTOR_DEAD = 2;

    static final byte RESULT_VALUE = 0;
    static final byte RESULT_ERROR = 1;
    static final byte RESULT_HELD = 2;

    /** A member reports its availability at least this often. */
    static final long REPORT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** And on change, at most this often. */
    static final long MIN_REPORT_INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(500);
    /** How long a task no member can run waits for one that can to join. */
    static final long MEMBERS_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final LogicalNode local;
    private final SchedulingStrategy runHere;
    private final ClusterWire wire;
    private final ExpandableArrayBuffer out;
    private final ClusterActors actors;
    private final ClusterResults results;
    private final HeldResults held;
    private final ObjectPulls pulls;
    /** Large stored arguments of tasks in flight elsewhere, sent by reference (owner side). */
    private final ArgExports exports = new ArgExports();
    /** Arguments sent here by reference (executor side); set on join, with a bulk channel. */
    private ArgPulls argPulls;
    private ClusterGroups groups;
    /** Tasks of this kernel running on other members, by task id. */
    private final Long2ObjectHashMap<TaskSpec> inFlight = new Long2ObjectHashMap<>();
    /** Tasks no member can run now, waiting for one that can to join (members come and go, e.g. on restart). */
    private final MemberWaits memberWaits = new MemberWaits();
    /** Tasks other members forwarded here, by their owner and the owner's task id. */
    private final Map<String, Long2ObjectHashMap<TaskSpec>> executing = new HashMap<>();
    private TaskDispatcher dispatcher;
    private DependencyWaits waits;
    private final ClusterReports reports;
    private boolean joined;

    ClusterLink(final SchedulerConductor conductor, final ClusterTransport transport, final Cluster cluster,
                final ResourceRegistry registry, final ValueCodec codec) {
        this.conductor = conductor;
        this.transport = transport;
        this.cluster = cluster;
        this.registry = registry;
        this.wire = new ClusterWire(registry, codec);
        this.out = wire.out;
        this.local = cluster.logicalNode(cluster.localNodeIndex());
        this.runHere = SchedulingStrategy.nodeAffinity(local.nodeId(), false);
        if (local.totals().values().stream().allMatch(amount -> amount <= 0)) {
            local.runNothing();  // a driver: its work, actors included, runs on the members that offer resources
        }
        this.reports = new ClusterReports(conductor, transport, cluster, registry, local, out);
        this.actors = new ClusterActors(this, conductor, transport, cluster, wire, inFlight);
        this.held = new HeldResults(transport);
        this.results = new ClusterResults(transport, wire, codec, held);
        this.pulls = new ObjectPulls(conductor, transport, codec);
        wire.pulls = pulls;
    }

    void link(final TaskDispatcher dispatcher, final DependencyWaits waits, final ActorLifecycle lifecycle,
              final PlacementGroups placementGroups) {
        this.dispatcher = dispatcher;
        this.waits = waits;
        this.groups = new ClusterGroups(conductor, transport, cluster, registry, wire, placementGroups.scheduler());
        actors.link(dispatcher, waits, lifecycle);
        pulls.link(waits);
    }

    /** The actors that live on other members (proxies here) and those hosted here for them. */
    ClusterActors actors() {
        return actors;
    }

    /** Placement groups whose bundles are on other members' nodes, and bundles held here for other members. */
    ClusterGroups groups() {
        return groups;
    }

    /** The results held here for other members (executor side). */
    HeldResults held() {
        return held;
    }

    /** This kernel's objects held by other members, and their pulls (owner side). */
    ObjectPulls pulls() {
        return pulls;
    }

    ClusterTransport transport() {
        return transport;
    }

    /** Arguments sent here by reference, or null without a bulk channel (executor side). */
    ArgPulls argPulls() {
        return argPulls;
    }

    /** Large arguments of this kernel's tasks exported to other members (owner side). */
    ArgExports exports() {
        return exports;
    }

    String localNodeId() {
        return local.nodeId();
    }

    /** The strategy of a task forwarded here: this node only. */
    SchedulingStrategy runHere() {
        return runHere;
    }

    // ------------------------------------------------------------------------------------------------------------
    // owner: forwarding and results

    /**
     * Sends a ready task to the member whose node the policy chose, taking its demand from that node's view, or from
     * the bundle of a placement group it holds there.
     *
     * @return false if it does not fit the view (not now) or the member is gone (the task stays queued)
     */
    boolean forward(final TaskSpec task, final LogicalNode node, final Bundle bundle) {
        final ResourceAllocation allocation = dispatcher.spareAllocation();
        if (!(bundle != null ? bundle.allocate(task.demand, allocation) : node.allocate(task.demand, allocation))) {
            dispatcher.recycle(allocation);
            return false;
        }
        final int length;
        try {
            length = encodeTask(task, bundle, node.nodeId());
        } catch (final RuntimeException e) {  // an argument or function that does not serialize
            exports.release(task.taskId(), node.nodeId());
            giveBack(node, bundle, allocation);
            task.state = TaskSpec.State.RUNNING;
            waits.finish(task, new TaskFailedException(task.name(), "it could not be sent to node '" + node.nodeId()
                + "': " + e.getMessage(), e));
            return true;
        }
        if (length > transport.maxMessageBytes()) {
            exports.release(task.taskId(), node.nodeId());
            giveBack(node, bundle, allocation);
            task.state = TaskSpec.State.RUNNING;
            waits.finish(task, new TaskFailedException(task.name(), "its function and arguments take " + length
                + " bytes, more than the cluster's message limit of " + transport.maxMessageBytes() + " bytes", null));
            return true;
        }
        if (!transport.send(node.nodeId(), out.byteArray(), 0, length)) {
            exports.release(task.taskId(), node.nodeId());
            giveBack(node, bundle, allocation);
            leave(node, "it could not be reached");
            return false;
        }
        inFlight.put(task.taskId(), task);
        dispatcher.started(task, node, bundle, allocation, null);
        return true;
    }

    private void giveBack(final LogicalNode node, final Bundle bundle, final ResourceAllocation allocation) {
        if (bundle != null) {
            bundle.release(allocation);
        } else {
            node.forget(allocation);
        }
        dispatcher.recycle(allocation);
    }

    private int encodeTask(final TaskSpec task, final Bundle bundle, final String member) {
        int at = 0;
        out.putInt(at, TASK);
        at += 4;
        out.putLong(at, task.taskId());
        at += 8;
        out.putInt(at, task.attempts);
        at += 4;
        out.putInt(at, task.maxRetries);
        at += 4;
        out.putByte(at++, (byte) (task.retryExceptions ? 1 : 0));
        out.putByte(at++, (byte) (task.isolated ? 1 : 0));
        at = putBundle(at, task.group, bundle);
        final String name = task.explicitName();
        at += out.putStringUtf8(at, name == null ? "" : name);
        at = wire.putDemand(at, task.demand);
        return wire.putCall(at, task, argPulls != null ? exports : null, member);
    }

    /** A result came back: completes the task here if it is still the attempt in flight on that member. */
    void onResult(final String from, final long taskId, final int attempt, final Object value,
                  final RuntimeException error) {
        final TaskSpec task = inFlight.get(taskId);
        if (task == null || task.attempts != attempt || !task.node.nodeId().equals(from)) {
            return;  // a late answer for an attempt already run again elsewhere, or cancelled
        }
        returned(task);
        if (error != null) {
            task.result.fail(error);
        } else {
            try {
                task.result.complete(value, conductor.objects());
            } catch (final RuntimeException e) {
                task.result.fail(new TaskFailedException(task.name(), "its result could not be stored: " + e, e));
            }
        }
        task.outcome = TaskSpec.OUTCOME_DONE;
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            actors.callReturned(task);
        } else {
            dispatcher.onTaskReturned(task);
        }
    }

    /** A result came back held at its executor: the object stays pending here until someone reads it. */
    void onHeld(final String from, final long taskId, final int attempt, final long length) {
        final TaskSpec task = inFlight.get(taskId);
        if (task == null || task.attempts != attempt || !task.node.nodeId().equals(from)) {
            return;  // a late answer (the holder frees it when told, or when this member leaves)
        }
        returned(task);
        task.outcome = TaskSpec.OUTCOME_DONE;
        dispatcher.onTaskReturned(task);
        pulls.onHeld(task, from, length);
    }

    /** A task in flight elsewhere is back (or lost): no longer in flight; its exported arguments go. */
    private void returned(final TaskSpec task) {
        inFlight.remove(task.taskId());
        exports.release(task.taskId(), task.node.nodeId());
    }

    /**
     * Ray's locality: a task that took held objects as ready goes to the member that holds them if its node has room
     * now, and reads them there in place; else it waits for them to be pulled here, as any task.
     *
     * @return whether it was sent (else it waits, or failed with an argument)
     */
    boolean runWhereHeld(final TaskSpec task) {
        final int index = cluster.indexOfNode(pulls.holderOf(task));
        final LogicalNode node = index < 0 ? null : cluster.logicalNode(index);
        if (node != null && node.isRemote() && node.fits(task.demand) && forward(task, node, null)) {
            return true;
        }
        waits.waitForPulls(task);
        return false;
    }

    /** Someone reads one of this kernel's objects: a held one is pulled (once), one not back yet when it is held. */
    void want(final ObjectState state) {
        if (!state.isDone()) {
            pulls.want(state);
        }
    }

    /** Owner: a task running on another member is cancelled; that member is asked to stop it. */
    void cancelRemote(final TaskSpec task, final boolean force) {
        int at = 0;
        out.putInt(at, CANCEL);
        at += 4;
        out.putLong(at, task.taskId());
        at += 8;
        out.putByte(at++, (byte) (force ? 1 : 0));
        transport.send(task.node.nodeId(), out.byteArray(), 0, at);
    }

    // ------------------------------------------------------------------------------------------------------------
    // executor: tasks other members forwarded here

    /** The placement group bundle a task or actor goes to: group id (long), bundle index (int, -1: none). */
    int putBundle(final int at, final GroupState group, final Bundle bundle) {
        out.putLong(at, bundle == null ? 0 : group.id());
        out.putInt(at + 8, bundle == null ? -1 : bundle.index());
        return at + 12;
    }

    /**
     * Executor: a forwarded task arrived (built by the inbox); it runs here like a task of this kernel, inside the
     * bundle its owner asked for (bundle index -1: none).
     */
    void accept(final TaskSpec task, final long groupId, final int bundleIndex) {
        if (bundleIndex >= 0) {
            final GroupState held = groups.held(task.origin.node(), groupId, bundleIndex);
            if (held == null) {
                refuse(task.origin.node(), task.origin.taskId(), task.attempts, new io.kairos.exception.UnschedulableException(
                    task.name() + ": bundle " + bundleIndex + " of placement group " + groupId + " is not reserved on node '"
                    + local.nodeId() + "'"));
                return;
            }
            task.group = held;
            task.bundleIndex = 0;
        } else if (!local.fits(task.demand) && local.feasible(task.demand)) {
            spillBack(task);  // no room now: its owner places it again, knowing what this node has
            return;
        }
        Long2ObjectHashMap<TaskSpec> byId = executing.get(task.origin.node());
        if (byId == null) {
            byId = new Long2ObjectHashMap<>();
            executing.put(task.origin.node(), byId);
        }
        byId.put(task.origin.taskId(), task);
        waits.onSubmit(task);
    }

    /** Executor: a forwarded task goes back to its owner unstarted, with what this node has available now. */
    private void spillBack(final TaskSpec task) {
        if (argPulls != null) {
            argPulls.finished(task);  // pulled again with the task, wherever it goes next
        }
        held.giveBack(task);
        out.putInt(0, SPILLBACK);
        out.putLong(4, task.origin.taskId());
        out.putInt(12, task.attempts);
        final int length = reports.putAvailable(16, local.availableAmounts());
        transport.send(task.origin.node(), out.byteArray(), 0, length);
    }

    /**
     * Owner: a member had no room for a task sent to it: its node shows what it reported, and the task is placed
     * again (the same attempt).
     */
    void onSpilled(final String from, final long taskId, final int attempt, final String[] names, final long[] values,
                   final long[] gpuFree, final long[] gpuMemoryFree) {
        final TaskSpec task = inFlight.get(taskId);
        if (task == null || task.attempts != attempt || !task.node.nodeId().equals(from)) {
            return;
        }
        returned(task);
        dispatcher.requeue(task);
        reports.onAvailable(from, names, values, gpuFree, gpuMemoryFree);
    }

    /** Executor: the owner asks to cancel one of its tasks. */
    void onCancel(final String from, final long originTaskId, final boolean force) {
        final Long2ObjectHashMap<TaskSpec> byId = executing.get(from);
        final TaskSpec task = byId == null ? null : byId.get(originTaskId);
        if (task != null) {
            conductor.cancel(new SchedulerConductor.CancelCommand(task.result, force));
        }
    }

    /** Executor: a forwarded task is done here; its result (or where it is held) goes back to its owner. */
    void finished(final TaskSpec task) {
        if (argPulls != null) {
            argPulls.finished(task);
        }
        held.giveBack(task);
        final Long2ObjectHashMap<TaskSpec> byId = executing.get(task.origin.node());
        if (byId != null) {
            byId.remove(task.origin.taskId());
            if (byId.isEmpty()) {
                executing.remove(task.origin.node());
            }
        }
        results.send(task);
    }

    /** Executor: a forwarded task that cannot even be built here (its class is missing) fails at its owner. */
    void refuse(final String owner, final long taskId, final int attempt, final RuntimeException error) {
        results.refuse(owner, taskId, attempt, error);
    }

    // ------------------------------------------------------------------------------------------------------------
    // membership and availability

    /**
     * A task no member can ever run as the cluster stands (e.g. its only node left a moment ago) waits up to
     * {@link #MEMBERS_WAIT_NS} for a member that can, then fails; one forwarded here fails at once (its owner decides).
     *
     * @return whether it waits
     */
    boolean waitForMembers(final TaskSpec task) {
        return task.origin == null && !conductor.closing && memberWaits.add(task, conductor.nowNs);
    }

    void onJoined(final ClusterNode member) {
        if (member.nodeId().equals(local.nodeId())) {
            return;
        }
        final int existing = cluster.indexOfNode(member.nodeId());
        if (existing >= 0) {
            final LogicalNode old = cluster.logicalNode(existing);
            if (!old.isRemote()) {
                return;  // a member cannot take one of this kernel's node ids
            }
            if (!old.isRetired()) {
                leave(old, "it joined again");  // restarted within the heartbeat timeout: a new incarnation
            }
        }
        for (final String name : member.resources().keySet()) {
            registry.register(name);
        }
        final LogicalNode node = cluster.addRemoteNode(member.nodeId(), member.labels(), member.resources());
        if (member.resources().values().stream().allMatch(amount -> amount <= 0)) {
            node.runNothing();  // another driver: no work goes there, not even work that asks for nothing
        }
        reports.reportSoon();  // tell the newcomer what this node has on the next duty cycle
        memberWaits.retry(dispatcher);
        conductor.dispatchNeeded = true;
    }

    void onLeft(final String nodeId, final String reason) {
        final int index = cluster.indexOfNode(nodeId);
        if (index >= 0) {
            final LogicalNode node = cluster.logicalNode(index);
            if (node.isRemote() && !node.isRetired()) {
                leave(node, reason);
            }
        }
        actors.ownerLeft(nodeId);
        held.ownerLeft(nodeId);
        groups.memberLeft(nodeId);
        final Long2ObjectHashMap<TaskSpec> owned = executing.remove(nodeId);
        if (owned != null) {  // its owner is gone: no one will read these results (Ray cancels an owner's tasks)
            for (final TaskSpec task : owned.values()) {
                conductor.cancel(new SchedulerConductor.CancelCommand(task.result, true));
            }
        }
    }

    /** A member is gone: nothing is placed on its node again; its tasks here run again elsewhere, or fail. */
    void leave(final LogicalNode node, final String reason) {
        node.leave();
        final List<TaskSpec> lost = new ArrayList<>();
        for (final TaskSpec task : inFlight.values()) {
            if (task.node == node) {
                lost.add(task);
            }
        }
        for (final TaskSpec task : lost) {
            returned(task);
            if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
                task.result.fail(new io.kairos.exception.ActorDiedException(task.actor.describe() + " lived on node '"
                    + node.nodeId() + "', which left the cluster (" + reason + ") while " + task.name() + " ran", null));
                actors.callReturned(task);
                continue;
            }
            if (task.attempts < task.maxRetries && !task.cancelled && !conductor.closing) {
                task.outcome = TaskSpec.OUTCOME_RETRY;
            } else {
                task.result.fail(new WorkerDiedException("task '" + task.name() + "' was running on node '"
                    + node.nodeId() + "', which left the cluster (" + reason + "), after " + (task.attempts + 1)
                    + " attempt(s) of " + (task.maxRetries + 1), null));
                task.outcome = TaskSpec.OUTCOME_DONE;
            }
            dispatcher.onTaskReturned(task);
        }
        actors.nodeLeft(node, reason);
        pulls.holderLeft(node.nodeId(), reason);
        groups.memberLeft(node.nodeId());
        conductor.dispatchNeeded = true;
    }

    /** Another member's report: its node shows what it has available now. */
    void onAvailable(final String from, final String[] names, final long[] values, final long[] gpuFree,
                     final long[] gpuMemoryFree) {
        reports.onAvailable(from, names, values, gpuFree, gpuMemoryFree);
    }

    /**
     * Places lost placement-group bundles again, reports this node's availability when it changed or is due, and lets
     * holders free the results of this kernel that no one can read any more.
     */
    int doWork(final long nowNs) {
        if (!joined) {
            return 0;
        }
        return memberWaits.failLongWaits(nowNs, cluster, waits) + groups.doWork(nowNs) + reports.doWork(nowNs)
            + pulls.releaseCollected();
    }

    /**
     * Joins the cluster of kernels: registers the kernel's node, waits until the conductor knows every member the
     * transport reported, then starts the availability reports (caller's thread).
     */
    static void join(final KernelCore core, final ClusterTransport transport, final ValueCodec codec) {
        final ClusterLink link = core.conductor().clusterLink();
        final LogicalNode self = link.local;
        // a bulk channel, if the transport has one, serves held results and arguments sent by reference
        if (transport.serveObjects((requester, id) -> ArgExports.isExport(id) ? link.exports.open(requester, id)
            : link.held.open(requester, id))) {
            link.argPulls = new ArgPulls(core, core.conductor(), transport, codec);
            link.argPulls.link(link.waits);
        }
        transport.join(new ClusterNode(self.nodeId(), self.totals(), self.labels()),
            new ClusterInbox(core, core.conductor(), link, codec));
        core.onConductor(() -> {
            link.joined();
            return null;
        });
    }

    /** The member list has been delivered: reports may start. */
    void joined() {
        joined = true;
    }

    /** Close: tasks in flight on other members, those waiting for a member and objects not pulled yet fail. */
    void close() {
        groups.close();
        held.clear();
        pulls.close();
        memberWaits.close(waits);
        exports.clear();
        for (final TaskSpec task : new ArrayList<>(inFlight.values())) {
            inFlight.remove(task.taskId());
            task.result.fail(new TaskCancelledException("kernel closed while task '" + task.name()
                + "' ran on node '" + task.node.nodeId() + "'"));
            task.outcome = TaskSpec.OUTCOME_DONE;
            dispatcher.onTaskReturned(task);
        }
    }
}
