package io.kairos.internal.conductor;

import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.UnschedulableException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.journal.JournalRecords;
import io.kairos.internal.placement.Bundle;
import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.spi.kernel.WorkerLauncher;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.kairos.internal.conductor.SchedulerConductor.DISPATCH_LIMIT;
import static io.kairos.internal.conductor.SchedulerConductor.MAX_IDLE_CLASSES;
import static io.kairos.internal.conductor.SchedulerConductor.TASK_CHAIN_LIMIT;

/**
 * Owns the task table: the ready queues per scheduling class, the nodes' worker pools, chains and the spare
 * allocations; dispatches ready tasks to nodes and reaps idle workers. Conductor thread only.
 *
 * <p>Ready tasks wait in one FIFO queue per scheduling class (same demand and strategy, as Ray's): when the head of
 * a class cannot run now, neither can the rest, so a dispatch pass costs O(classes + dispatched), not O(queued).
 */
final class TaskDispatcher {
    private final SchedulerConductor conductor;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final SchedulingPolicy policy;
    private final WorkerLauncher launcher;
    /** Where transitions are journaled; null without a data directory. */
    private final KernelJournal journal;
    private final int maxWorkersPerNode;
    private final NodeWorkers[] nodeWorkers;
    private final List<SchedulingClass> classes = new ArrayList<>();
    private int chainIds;
    private final ArrayList<TaskSpec> heads = new ArrayList<>();
    private final ArrayDeque<ResourceAllocation> spareAllocations = new ArrayDeque<>();
    /** Spare allocations kept at most: more than the tasks that run at once on any machine this runs on. */
    static final int MAX_SPARE_ALLOCATIONS = 4096;
    private final long idleWorkerTimeoutNs;
    long nextIdleCheckNs;
    private DependencyWaits waits;
    private ActorLifecycle lifecycle;
    private PlacementGroups groups;
    private Transitions transitions;
    private ClusterLink link;

    TaskDispatcher(final SchedulerConductor conductor, final ConductorSettings settings, final Cluster cluster,
                   final ResourceRegistry registry, final SchedulingPolicy policy, final KernelJournal journal) {
        this.conductor = conductor;
        this.cluster = cluster;
        this.registry = registry;
        this.policy = policy;
        this.launcher = settings.workerLauncher();
        this.journal = journal;
        this.maxWorkersPerNode = settings.maxWorkersPerNode();
        this.idleWorkerTimeoutNs = settings.idleWorkerTimeout().toNanos();
        this.nextIdleCheckNs = conductor.nowNs + idleWorkerTimeoutNs;
        this.nodeWorkers = new NodeWorkers[cluster.nodeCount()];
        for (int i = 0; i < nodeWorkers.length; i++) {
            final LogicalNode node = cluster.node(i);
            nodeWorkers[i] = new NodeWorkers(Math.max(1, (int) Math.ceil(FixedPoint.toUnits(node.total(ResourceRegistry.CPU)))));
        }
    }

    void link(final DependencyWaits waits, final ActorLifecycle lifecycle, final PlacementGroups groups,
              final Transitions transitions) {
        this.waits = waits;
        this.lifecycle = lifecycle;
        this.groups = groups;
        this.transitions = transitions;
        this.link = conductor.clusterLink();
    }

    /**
     * Stops the workers that have been idle for the idle-worker timeout on nodes that have more workers than CPUs
     * (those beyond were started while tasks were blocked in get). The longest idle sit at the bottom of the stack.
     */
    int stopIdleWorkers() {
        long next = conductor.nowNs + idleWorkerTimeoutNs;
        int stopped = 0;
        for (final NodeWorkers workers : nodeWorkers) {
            Worker oldest;
            while (workers.all.size() > workers.keep && (oldest = workers.idle.peekLast()) != null) {
                final long expiry = oldest.idleSinceNs + idleWorkerTimeoutNs;
                if (expiry - conductor.nowNs > 0) {
                    next = Math.min(next, expiry);
                    break;
                }
                workers.idle.pollLast();
                workers.all.remove(oldest);
                oldest.stop();
                stopped++;
            }
        }
        nextIdleCheckNs = next;  // a worker that goes idle later expires after it
        return stopped;
    }

    /** The number of worker threads of a node's task pool (actors' workers not counted). */
    int workerCount(final int nodeIndex) {
        return nodeWorkers[nodeIndex].all.size();
    }

    /** A task another member sent back unstarted (no room there): its view's allocation returns, it queues again. */
    void requeue(final TaskSpec task) {
        task.node.releaseAtMostTotal(task.allocation);
        recycle(task.allocation);
        task.allocation = null;
        task.worker = null;
        waits.makeReady(task);
    }

    void onTaskReturned(final TaskSpec task) {
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            lifecycle.onActorCreationReturned(task);
            return;
        }
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            lifecycle.onActorCallReturned(task);
            return;
        }
        if (task.node.isRemote()) {  // back in the view at once; the member's next report says what it really has
            if (task.bundle != null) {
                task.bundle.release(task.allocation);
            } else {
                task.node.releaseAtMostTotal(task.allocation);
            }
            recycle(task.allocation);
            conductor.dispatchNeeded = true;
        } else if (task.lastInChain) {
            final NodeWorkers workers = nodeWorkers[task.node.index()];  // a chain shares its head's allocation and worker: the last one gives them back
            releaseAllocation(task.node, task.bundle, task.allocation);
            task.worker.idleSinceNs = conductor.nowNs;
            workers.idle.push(task.worker);
            conductor.dispatchNeeded = true;
        }
        task.allocation = null;
        task.bundle = null;
        task.worker = null;
        if (task.outcome == TaskSpec.OUTCOME_RETRY && !task.cancelled && !conductor.closing && !task.result.isDone()) {
            if (journal != null) {
                journal.task(JournalRecords.RETRIED, task.taskId(), conductor.nowNs, 0, task.attempts);
            }
            task.attempts++;
            waits.makeReady(task);
            return;
        }
        if (task.outcome == TaskSpec.OUTCOME_RETRY) {
            task.result.fail(new TaskCancelledException("kernel closed before task '" + task.name() + "' was retried"));
        }
        task.state = TaskSpec.State.DONE;
        if (task.hasDependents && task.result.isDone()) {  // not yet if it is held by another member (ObjectPulls)
            waits.doneObjects.add(task.result);  // else its object is not read here again: its cache line stays with the worker
        }
        transitions.finished(task);
    }

    void onWorkerEvent(final Worker.WorkerEvent event) {
        final TaskSpec task = event.task;
        if (task == null || task.allocation == null || task.state != TaskSpec.State.RUNNING) {
            return;
        }
        if (event.blocked && !task.blocked) {
            task.blocked = true;
            if (task.chainId != 0 && task.kind == TaskSpec.Kind.TASK) {
                takeBackTasksAfter(task, false);  // a task waiting in get must not hold back, or wait for, those
            }
            if (task.bundle != null) {
                task.bundle.releaseCpuWhileBlocked(task.allocation);
            } else {
                task.node.releaseCpuWhileBlocked(task.allocation);
            }
            conductor.dispatchNeeded = true;
        } else if (!event.blocked && task.blocked) {
            task.blocked = false;
            if (task.bundle != null) {
                task.bundle.reacquireCpuAfterBlocked(task.allocation);
            } else {
                task.node.reacquireCpuAfterBlocked(task.allocation);
            }
        }
    }

    SchedulingClass classOf(final TaskSpec task) {
        for (int i = 0, n = classes.size(); i < n; i++) {
            final SchedulingClass c = classes.get(i);
            if (c.group == task.group && c.bundleIndex == task.bundleIndex && c.strategy.equals(task.strategy)
                && Arrays.equals(c.demand, task.demand)) {
                return c;
            }
        }
        final SchedulingClass c = new SchedulingClass(task.demand, task.strategy, task.group, task.bundleIndex);
        classes.add(c);
        return c;
    }

    // ------------------------------------------------------------------------------------------------------------
    // dispatch

    int dispatch() {
        if (!conductor.dispatchNeeded) {
            return 0;
        }
        conductor.dispatchNeeded = false;
        int dispatched = groups.placePendingGroups();
        for (int i = 0, n = classes.size(); i < n && dispatched < DISPATCH_LIMIT; i++) {
            final SchedulingClass schedulingClass = classes.get(i);
            final ArrayDeque<TaskSpec> queue = schedulingClass.queue;
            if (schedulingClass.group != null) {
                dispatched += groups.dispatchInGroup(schedulingClass, DISPATCH_LIMIT - dispatched);
                continue;
            }
            final boolean chainable = schedulingClass.strategy.kind() == SchedulingStrategy.Kind.DEFAULT;
            TaskSpec task;
            while (dispatched < DISPATCH_LIMIT && (task = queue.peek()) != null) {
                if (task.state != TaskSpec.State.READY) {
                    queue.poll();  // cancelled while queued
                    continue;
                }
                if (task.heldArgs) {  // it runs where its arguments are, or waits for them to come here
                    queue.poll();
                    if (link.runWhereHeld(task)) {
                        dispatched++;
                    }
                    continue;
                }
                final SchedulingResult result = schedule(task);
                if (result.status() == SchedulingResult.Status.UNAVAILABLE) {
                    break;  // the rest of this class waits too
                }
                queue.poll();
                if (result.status() == SchedulingResult.Status.INFEASIBLE) {
                    if (link == null || !link.waitForMembers(task)) {
                        waits.finish(task, new UnschedulableException("task '" + task.name() + "': " + result.reason()));
                    }
                    continue;
                }
                if (!run(task, result.node(), chainable)) {
                    queue.addFirst(task);
                    break;
                }
                dispatched++;
            }
            if (!heads.isEmpty()) {
                dispatched += chainBehindHeads(queue);  // the class has no more room: batch the rest onto the heads
                for (int h = 0; h < heads.size(); h++) {
                    final TaskSpec head = heads.get(h);
                    head.worker.assign(head);
                }
                heads.clear();
            }
        }
        if (dispatched == DISPATCH_LIMIT) {
            conductor.dispatchNeeded = true;
        }
        if (classes.size() > MAX_IDLE_CLASSES) {
            classes.removeIf(c -> c.queue.isEmpty());
        }
        waits.completeDoneObjects();
        return dispatched;
    }

    /** Asks the policy; a plain task of a cluster member may go to another member's node. */
    private SchedulingResult schedule(final TaskSpec task) {
        if (link == null || task.kind == TaskSpec.Kind.ACTOR_CALL || task.origin != null
            || task.kind == TaskSpec.Kind.ACTOR_CREATION && task.actor.originNode != null) {
            return policy.schedule(task.demand, task.strategy, cluster);
        }
        cluster.widen();
        try {
            return policy.schedule(task.demand, task.strategy, cluster);
        } finally {
            cluster.narrow();
        }
    }

    boolean run(final TaskSpec task, final int nodeIndex, final boolean chainable) {
        final LogicalNode node = cluster.logicalNode(nodeIndex);
        if (node.isRemote()) {
            return task.kind == TaskSpec.Kind.ACTOR_CREATION ? link.actors().forwardActor(task, node, null)
                : link.forward(task, node, null);
        }
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            return lifecycle.createActor(task, node);
        }
        if (!chainable) {
            return start(task, node, null);
        }
        if (!prepare(task, node, null)) {
            return false;
        }
        task.chainId = nextChainId();
        heads.add(task);  // handed over after the pass, with the chain it may get
        return true;
    }

    int nextChainId() {
        return ++chainIds == 0 ? ++chainIds : chainIds;
    }

    /**
     * Ray-style lease reuse: the ready tasks left in a class that has no room now are linked behind the tasks just
     * started from it, to run one after another on those workers under the same allocation — an equal share each, in
     * consecutive runs (tasks submitted together sit together in memory: one worker per run keeps two workers from
     * writing to the same cache lines). A chained task is claimable only by its chain, so a blocked get, a cancel or
     * close takes it back if it has not started.
     */
    int chainBehindHeads(final ArrayDeque<TaskSpec> queue) {
        final int share = Math.min(TASK_CHAIN_LIMIT, (queue.size() + heads.size() - 1) / heads.size());
        int chained = 0;
        for (int h = 0; h < heads.size(); h++) {
            final TaskSpec head = heads.get(h);
            TaskSpec tail = head;
            for (int k = 0; k < share; k++) {
                TaskSpec next;
                while ((next = queue.peek()) != null && next.state != TaskSpec.State.READY) {
                    queue.poll();
                }
                if (next == null) {
                    return chained;
                }
                if (next.heldArgs) {
                    conductor.dispatchNeeded = true;  // it goes where its arguments are, on the next pass
                    return chained;
                }
                queue.poll();
                next.node = head.node;
                next.bundle = null;
                next.allocation = head.allocation;  // shared: released by the last of the chain to return
                next.worker = head.worker;
                next.state = TaskSpec.State.RUNNING;
                next.outcome = TaskSpec.OUTCOME_NONE;
                next.chainNext = null;
                next.lastInChain = true;
                next.chainId = head.chainId;
                next.offerToChain(head.chainId);
                tail.chainNext = next;
                tail = next;
                transitions.started(next);
                chained++;
            }
        }
        return chained;
    }

    /** Takes back the chained tasks after task that no worker started: requeued (or, closing, cancelled). */
    void takeBackTasksAfter(final TaskSpec task, final boolean fail) {
        final ArrayList<TaskSpec> taken = new ArrayList<>();
        for (TaskSpec c = task.chainNext; c != null; c = c.chainNext) {
            if (c.takeBack(c.chainId)) {
                taken.add(c);
            }
        }
        for (int i = taken.size() - 1; i >= 0; i--) {
            final TaskSpec c = taken.get(i);
            c.allocation = null;
            c.worker = null;
            if (fail) {
                waits.finish(c, new TaskCancelledException("kernel closed before task '" + c.name() + "' ran"));
            } else {
                c.state = TaskSpec.State.READY;
                classOf(c).queue.addFirst(c);
                conductor.dispatchNeeded = true;
            }
        }
    }

    /** Allocates on the node (or in the bundle) and hands the task to an idle worker of the node. */
    boolean start(final TaskSpec task, final LogicalNode node, final Bundle bundle) {
        if (!prepare(task, node, bundle)) {
            return false;
        }
        task.worker.assign(task);
        return true;
    }

    /** Allocates and picks the worker; the caller hands the task over (assign). */
    boolean prepare(final TaskSpec task, final LogicalNode node, final Bundle bundle) {
        final NodeWorkers workers = nodeWorkers[node.index()];
        Worker worker = workers.idle.poll();
        if (worker == null) {
            if (workers.all.size() >= maxWorkersPerNode) {
                return false;
            }
            worker = new Worker(conductor, node, registry, ++workers.started, launcher);
            workers.all.add(worker);
            worker.start();
        }
        final ResourceAllocation allocation = spareAllocation();
        if (!(bundle != null ? bundle.allocate(task.demand, allocation) : node.allocate(task.demand, allocation))) {
            spareAllocations.push(allocation);
            worker.idleSinceNs = conductor.nowNs;
            workers.idle.push(worker);
            return false;  // the policy chose a node that does not fit: treat as not now
        }
        started(task, node, bundle, allocation, worker);
        return true;
    }

    /** The task runs from now on, there (worker null: on another cluster member), with that allocation. */
    void started(final TaskSpec task, final LogicalNode node, final Bundle bundle, final ResourceAllocation allocation,
                 final Worker worker) {
        task.bundle = bundle;
        task.node = node;
        task.allocation = allocation;
        task.worker = worker;
        task.state = TaskSpec.State.RUNNING;
        task.outcome = TaskSpec.OUTCOME_NONE;
        task.chainId = 0;
        task.chainNext = null;
        task.lastInChain = true;
        transitions.started(task);
    }

    void releaseAllocation(final LogicalNode node, final Bundle bundle, final ResourceAllocation allocation) {
        if (bundle != null) {
            bundle.release(allocation);
            if (!groups.removingGroups.isEmpty()) {
                groups.finishRemovals();
            }
        } else {
            node.release(allocation);
        }
        recycle(allocation);  // reused by the next dispatch: no allocation object per task
    }

    /**
     * Gives an allocation that holds nothing back for reuse, up to {@link #MAX_SPARE_ALLOCATIONS} kept (actors take
     * theirs from the node, so without a bound 100k actors created and killed left 100k spares behind).
     */
    void recycle(final ResourceAllocation allocation) {
        if (spareAllocations.size() < MAX_SPARE_ALLOCATIONS) {
            allocation.clear();
            spareAllocations.push(allocation);
        }
    }

    /** Reports a task started (on another member: forwarded). */
    void started(final TaskSpec task) {
        transitions.started(task);
    }

    ResourceAllocation spareAllocation() {
        final ResourceAllocation spare = spareAllocations.poll();
        return spare != null ? spare : new ResourceAllocation();
    }

    /** Close: the queued tasks are cancelled and the chained ones no worker started are taken back. */
    void close() {
        for (final SchedulingClass c : classes) {
            TaskSpec task;
            while ((task = c.queue.poll()) != null) {
                if (task.state == TaskSpec.State.READY) {
                    waits.finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
                }
            }
        }
        for (final NodeWorkers w : nodeWorkers) {
            for (final Worker worker : w.all) {
                final TaskSpec running = worker.running;
                if (running != null && running.kind == TaskSpec.Kind.TASK && running.chainId != 0) {
                    takeBackTasksAfter(running, true);
                }
            }
        }
    }

    /** Adds the workers of every node's task pool. */
    void addWorkers(final List<Worker> all) {
        for (final NodeWorkers w : nodeWorkers) {
            all.addAll(w.all);
        }
    }

    static final class SchedulingClass {
        final long[] demand;
        final SchedulingStrategy strategy;
        final GroupState group;
        final int bundleIndex;
        final ArrayDeque<TaskSpec> queue = new ArrayDeque<>();

        SchedulingClass(final long[] demand, final SchedulingStrategy strategy, final GroupState group,
                        final int bundleIndex) {
            this.demand = demand;
            this.strategy = strategy;
            this.group = group;
            this.bundleIndex = bundleIndex;
        }
    }

    private static final class NodeWorkers {
        final ArrayDeque<Worker> idle = new ArrayDeque<>();
        final List<Worker> all = new ArrayList<>();
        /** Workers kept however long they idle: the node's CPUs, rounded up, at least one. */
        final int keep;
        int started;

        NodeWorkers(final int keep) {
            this.keep = keep;
        }
    }
}
