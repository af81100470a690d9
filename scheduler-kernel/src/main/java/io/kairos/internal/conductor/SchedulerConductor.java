package io.kairos.internal.conductor;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.exception.UnschedulableException;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.journal.JournalRecords;
import io.kairos.internal.placement.Bundle;
import io.kairos.internal.placement.PlacementGroupScheduler;
import io.kairos.internal.placement.PlacementGroupState;
import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.kernel.WorkerLauncher;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that owns all scheduling state: the task queues, dependency waits, the cluster's resource ledger
 * and the workers. Submitters and workers reach it only through {@link #commands}, a lock-free many-to-one queue;
 * {@link #doWork()} is a plain sum of bounded steps, as Aeron's DriverConductor:
 * drain commands (submissions, returned tasks, blocked/unblocked workers, cancels, queries), then dispatch ready
 * tasks to nodes through the scheduling policy.
 *
 * <p>Ready tasks wait in one FIFO queue per scheduling class (same demand and strategy, as Ray's): when the head of
 * a class cannot run now, neither can the rest, so a dispatch pass costs O(classes + dispatched), not O(queued).
 */
public final class SchedulerConductor implements Agent {
    static final int COMMAND_DRAIN_LIMIT = 1024;
    static final int DISPATCH_LIMIT = 1024;
    static final int MAX_IDLE_CLASSES = 64;
    static final int ACTOR_CHAIN_LIMIT = 64;
    static final int TASK_CHAIN_LIMIT = 16;

    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final SchedulingPolicy policy;
    private final int maxWorkersPerNode;
    private final NodeWorkers[] nodeWorkers;
    private final List<SchedulingClass> classes = new ArrayList<>();
    private final ArrayDeque<ObjectState> doneObjects = new ArrayDeque<>();
    private final ArrayList<ActorState> dirtyActors = new ArrayList<>();
    private final ArrayList<ActorState> actors = new ArrayList<>();
    private final Map<String, ActorState> namedActors;
    private final StoredObjects objects;
    private final KernelListener[] listeners;
    private final WorkerLauncher launcher;
    private final ErrorHandler errors;
    private final PlacementGroupScheduler groupScheduler = new PlacementGroupScheduler();
    private final ArrayList<GroupState> pendingGroups = new ArrayList<>();
    private final ArrayList<GroupState> removingGroups = new ArrayList<>();
    private boolean dispatchNeeded;
    private int chainIds;
    private final ArrayList<TaskSpec> heads = new ArrayList<>();
    private final WorkerProcesses processes;
    private final ValueCodec codec;
    /** Where transitions are journaled; null without a data directory. */
    private final KernelJournal journal;
    private final ArrayDeque<ResourceAllocation> spareAllocations = new ArrayDeque<>();
    private boolean closing;
    private final NanoClock clock;
    private final GpuDevices gpus;
    private final int gpuNode;
    private final long idleWorkerTimeoutNs;
    private long nowNs;
    private long nextIdleCheckNs;

    volatile Thread thread;

    /** Names the conductor's own thread, so that a sleeping conductor can be woken. */
    public void thread(final Thread value) {
        thread = value;
    }
    private volatile boolean sleeping;
    private static final AtomicIntegerFieldUpdater<SchedulerConductor> DUTY =
        AtomicIntegerFieldUpdater.newUpdater(SchedulerConductor.class, "duty");
    private volatile int duty;

    public SchedulerConductor(final ConductorSettings settings, final Cluster cluster, final ResourceRegistry registry,
                              final SchedulingPolicy policy, final Map<String, ActorState> namedActors,
                              final StoredObjects objects, final ErrorHandler errors, final KernelJournal journal,
                              final WorkerProcesses processes, final ValueCodec codec) {
        this.namedActors = namedActors;
        this.processes = processes;
        this.codec = codec;
        this.journal = journal;
        this.listeners = settings.listeners().toArray(new KernelListener[0]);
        this.launcher = settings.workerLauncher();
        this.errors = errors;
        this.objects = objects;
        this.commands = new ManyToOneConcurrentArrayQueue<>(settings.commandQueueCapacity());
        this.cluster = cluster;
        this.registry = registry;
        this.policy = policy;
        this.maxWorkersPerNode = settings.maxWorkersPerNode();
        this.clock = settings.nanoClock();
        this.gpus = settings.gpuDevices();
        int gpuNodeIndex = -1;
        for (int i = 0; i < cluster.nodeCount(); i++) {
            if (cluster.logicalNode(i).nodeId().equals(settings.gpuNodeId())) {
                gpuNodeIndex = i;
            }
        }
        this.gpuNode = gpuNodeIndex;
        this.idleWorkerTimeoutNs = settings.idleWorkerTimeout().toNanos();
        this.nowNs = clock.nanoTime();
        this.nextIdleCheckNs = nowNs + idleWorkerTimeoutNs;
        this.nodeWorkers = new NodeWorkers[cluster.nodeCount()];
        for (int i = 0; i < nodeWorkers.length; i++) {
            final LogicalNode node = cluster.node(i);
            nodeWorkers[i] = new NodeWorkers(Math.max(1, (int) Math.ceil(FixedPoint.toUnits(node.total(ResourceRegistry.CPU)))));
        }
    }

    @Override
    public String roleName() {
        return "kairos-conductor";
    }

    /**
     * One duty cycle, by whichever thread holds the duty: the conductor's own thread, or a caller waiting in get
     * ({@link #help}). The duty is taken and handed back through a volatile field, so each cycle sees everything the
     * cycles before it wrote: the state has one owner at a time. 0 when another thread holds the duty.
     */
    @Override
    public int doWork() {
        if (duty != 0 || !DUTY.compareAndSet(this, 0, 1)) {
            return 0;
        }
        try {
            nowNs = clock.nanoTime();
            final int work = drainCommands() + dispatch() + dispatchActorCalls();
            return nowNs - nextIdleCheckNs >= 0 ? work + stopIdleWorkers() : work;
        } finally {
            duty = 0;
        }
    }

    /**
     * A caller waiting in get runs a duty cycle when no one else does, so that on a machine with few cores its own
     * submission is dispatched without waking or waiting for the conductor's thread. Errors go to the error handler;
     * work left for the next cycle wakes the conductor's thread if it sleeps.
     */
    int help() {
        int work;
        try {
            work = doWork();
        } catch (final Throwable t) {
            errors.onError(t);
            work = 1;
        }
        if (work > 0 && (dispatchNeeded || !commands.isEmpty()) && sleeping) {
            final Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        return work;
    }

    /**
     * Stops the workers that have been idle for the idle-worker timeout on nodes that have more workers than CPUs
     * (those beyond were started while tasks were blocked in get). The longest idle sit at the bottom of the stack.
     */
    private int stopIdleWorkers() {
        long next = nowNs + idleWorkerTimeoutNs;
        int stopped = 0;
        for (final NodeWorkers workers : nodeWorkers) {
            Worker oldest;
            while (workers.all.size() > workers.keep && (oldest = workers.idle.peekLast()) != null) {
                final long expiry = oldest.idleSinceNs + idleWorkerTimeoutNs;
                if (expiry - nowNs > 0) {
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
    public int workerCount(final int nodeIndex) {
        return nodeWorkers[nodeIndex].all.size();
    }

    // ------------------------------------------------------------------------------------------------------------
    // the way in: any thread

    /** Offers a command; false if the queue is full (the caller backs off and retries). */
    boolean offer(final Object command) {
        if (!commands.offer(command)) {
            return false;
        }
        if (sleeping) {
            final Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        return true;
    }

    /** Offers, retrying until there is room (workers must never lose a returned task). */
    void offerFromWorker(final Object command) {
        while (!offer(command)) {
            Thread.onSpinWait();
        }
    }

    boolean hasCommands() {
        return !commands.isEmpty();
    }

    void sleeping(final boolean value) {
        sleeping = value;
    }

    // ------------------------------------------------------------------------------------------------------------
    // commands

    private int drainCommands() {
        int work = 0;
        for (; work < COMMAND_DRAIN_LIMIT; work++) {
            final Object command = commands.poll();
            if (command == null) {
                break;
            }
            if (command instanceof TaskSpec) {
                final TaskSpec task = (TaskSpec) command;
                if (task.state == null) {
                    onSubmit(task);
                } else {
                    onTaskReturned(task);
                }
            } else if (command instanceof Worker.WorkerEvent) {
                onWorkerEvent((Worker.WorkerEvent) command);
            } else if (command instanceof CancelCommand) {
                onCancel((CancelCommand) command);
            } else if (command instanceof KillCommand) {
                onKill((KillCommand) command);
            } else if (command instanceof PlacementGroupCommand) {
                final PlacementGroupCommand pg = (PlacementGroupCommand) command;
                if (pg.create) {
                    onCreateGroup(pg.group);
                } else {
                    onRemoveGroup(pg.group);
                }
            } else if (command instanceof Runnable) {
                ((Runnable) command).run();  // queries and close: run on this thread, with the state they read
            }
        }
        completeDoneObjects();
        return work;
    }

    private void onSubmit(final TaskSpec task) {
        if (journal != null && task.kind == TaskSpec.Kind.TASK) {
            journal.submitted(task);
        }
        if (listeners.length != 0 && task.kind != TaskSpec.Kind.ACTOR_CREATION) {
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskSubmitted(task.taskId());
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
        if (closing) {
            finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
            return;
        }
        int pending = 0;
        for (int i = 0; i < task.arity; i++) {
            if (task.args[i] instanceof ObjectState) {
                final ObjectState arg = (ObjectState) task.args[i];
                final int status = arg.status();
                if (status == ObjectState.FAILED) {
                    finish(task, new TaskFailedException(task.name(), "argument " + i + " failed", arg.error()));
                    return;
                }
                if (status == ObjectState.PENDING) {
                    if (arg.dependents == null) {
                        arg.dependents = new ArrayList<>(2);
                    }
                    arg.dependents.add(task);
                    if (arg.producer != null) {
                        arg.producer.hasDependents = true;
                    }
                    pending++;
                }
            }
        }
        task.pendingArgs = pending;
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            actors.add(task.actor);
        } else if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            if (task.actor.status == ActorState.Status.DEAD) {
                finish(task, actorDied(task.actor, task.name()));
                return;
            }
            task.actor.calls.add(task);  // submission order, whatever order the arguments resolve in
        }
        if (pending == 0) {
            makeReady(task);
        } else {
            task.state = TaskSpec.State.WAITING_FOR_ARGS;
        }
    }

    private void onTaskReturned(final TaskSpec task) {
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            onActorCreationReturned(task);
            return;
        }
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            onActorCallReturned(task);
            return;
        }
        final NodeWorkers workers = nodeWorkers[task.node.index()];
        if (task.lastInChain) {  // a chain shares its head's allocation and worker: the last one gives them back
            releaseAllocation(task.node, task.bundle, task.allocation);
            task.worker.idleSinceNs = nowNs;
            workers.idle.push(task.worker);
            dispatchNeeded = true;
        }
        task.allocation = null;
        task.bundle = null;
        task.worker = null;
        if (task.outcome == TaskSpec.OUTCOME_RETRY && !task.cancelled && !closing && !task.result.isDone()) {
            if (journal != null) {
                journal.task(JournalRecords.RETRIED, task.taskId(), nowNs, 0, task.attempts);
            }
            task.attempts++;
            makeReady(task);
            return;
        }
        if (task.outcome == TaskSpec.OUTCOME_RETRY) {
            task.result.fail(new TaskCancelledException("kernel closed before task '" + task.name() + "' was retried"));
        }
        task.state = TaskSpec.State.DONE;
        if (task.hasDependents) {
            doneObjects.add(task.result);  // else its object is not read here again: its cache line stays with the worker
        }
        finished(task);
    }

    private void onWorkerEvent(final Worker.WorkerEvent event) {
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
            dispatchNeeded = true;
        } else if (!event.blocked && task.blocked) {
            task.blocked = false;
            if (task.bundle != null) {
                task.bundle.reacquireCpuAfterBlocked(task.allocation);
            } else {
                task.node.reacquireCpuAfterBlocked(task.allocation);
            }
        }
    }

    private void onCancel(final CancelCommand command) {
        final TaskSpec task = command.target.producer;
        if (task == null || task.state == TaskSpec.State.DONE || task.cancelled
            || task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            return;  // an actor is ended with kill, not cancel
        }
        task.cancelled = true;
        if (task.state == TaskSpec.State.RUNNING && task.kind == TaskSpec.Kind.TASK && task.chainId != 0
            && task.worker != null && task.worker.running != task && task.takeBack(task.chainId)) {
            task.allocation = null;
            task.worker = null;
            finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
            return;
        }
        if (task.state == TaskSpec.State.RUNNING && task.kind == TaskSpec.Kind.ACTOR_CALL && task.chainId != 0
            && task.actor.chained.contains(task) && task.takeBack(task.chainId)) {
            task.actor.chained.remove(task);
            task.actor.running--;
            task.worker = null;
            finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
            return;
        }
        if (task.state == TaskSpec.State.RUNNING) {
            task.cancelRequested = true;
            task.worker.thread.interrupt();
            task.worker.killRemote();  // a task in a worker process: end the process
            if (command.force && task.result.fail(new TaskCancelledException("task '" + task.name() + "' was cancelled"))) {
                doneObjects.add(task.result);
            }
            return;  // the worker returns it; its resources are released then
        }
        finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
    }

    private void started(final TaskSpec task) {
        if (journal != null && task.kind == TaskSpec.Kind.TASK) {
            journal.task(JournalRecords.STARTED, task.taskId(), nowNs, task.node.index(), task.attempts);
        }
        if (listeners.length != 0) {
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskStarted(task.taskId(), task.node.nodeId(), task.attempts);
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
    }

    private void finished(final TaskSpec task) {
        if (journal != null && task.kind == TaskSpec.Kind.TASK
            && !(closing && task.result.status() != ObjectState.READY)) {  // stopped by close: runs again on restart
            journal.task(task.cancelled ? JournalRecords.CANCELLED : task.result.status() == ObjectState.READY
                ? JournalRecords.FINISHED : JournalRecords.FAILED, task.taskId(), nowNs, 0, task.attempts);
        }
        if (listeners.length != 0 && task.kind != TaskSpec.Kind.ACTOR_CREATION) {
            final boolean succeeded = task.result.status() == ObjectState.READY;
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskFinished(task.taskId(), succeeded);
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
    }

    private void actorState(final ActorState actor, final ActorState.Status status) {
        actor.status = status;
        if (journal != null && !closing) {  // actors ended by close are created again on restart
            journal.actor(actor.id, nowNs, status);
        }
        for (final KernelListener l : listeners) {
            try {
                l.onActorState(actor.id, status.name());
            } catch (final Throwable t) {
                errors.onError(t);
            }
        }
    }

    private void groupState(final GroupState group, final String state) {
        if (journal != null) {
            journal.group(group.id(), nowNs, state);
        }
        for (final KernelListener l : listeners) {
            try {
                l.onPlacementGroupState(group.id(), state);
            } catch (final Throwable t) {
                errors.onError(t);
            }
        }
    }

    /** Marks a task that never ran (or will not run again) done with a failure. */
    private void finish(final TaskSpec task, final RuntimeException failure) {
        if (task.kind == TaskSpec.Kind.ACTOR_CALL && task.state != TaskSpec.State.DONE) {
            task.actor.pendingCalls.decrementAndGet();
        }
        task.state = TaskSpec.State.DONE;
        task.target = null;  // a call that never ran must not keep its dead actor's instance reachable
        if (task.result.fail(failure)) {
            doneObjects.add(task.result);
        }
        finished(task);
    }

    /** Wakes the dependents of every object completed in this step; a failure fails them in turn. */
    private void completeDoneObjects() {
        ObjectState done;
        while ((done = doneObjects.poll()) != null) {
            final ArrayList<TaskSpec> dependents = done.dependents;
            if (dependents == null) {
                continue;
            }
            done.dependents = null;
            for (int i = 0, n = dependents.size(); i < n; i++) {
                final TaskSpec task = dependents.get(i);
                if (task.state != TaskSpec.State.WAITING_FOR_ARGS) {
                    continue;
                }
                if (done.status() == ObjectState.FAILED) {
                    finish(task, new TaskFailedException(task.name(), "an argument failed", done.error()));
                } else if (closing) {
                    finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
                } else if (--task.pendingArgs == 0) {
                    makeReady(task);
                }
            }
        }
    }

    private void makeReady(final TaskSpec task) {
        task.state = TaskSpec.State.READY;
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            markDirty(task.actor);
            return;
        }
        classOf(task).queue.add(task);
        dispatchNeeded = true;
    }

    private SchedulingClass classOf(final TaskSpec task) {
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

    private int dispatch() {
        if (!dispatchNeeded) {
            return 0;
        }
        dispatchNeeded = false;
        int dispatched = placePendingGroups();
        for (int i = 0, n = classes.size(); i < n && dispatched < DISPATCH_LIMIT; i++) {
            final SchedulingClass schedulingClass = classes.get(i);
            final ArrayDeque<TaskSpec> queue = schedulingClass.queue;
            if (schedulingClass.group != null) {
                dispatched += dispatchInGroup(schedulingClass, DISPATCH_LIMIT - dispatched);
                continue;
            }
            final boolean chainable = schedulingClass.strategy.kind() == SchedulingStrategy.Kind.DEFAULT;
            TaskSpec task;
            while (dispatched < DISPATCH_LIMIT && (task = queue.peek()) != null) {
                if (task.state != TaskSpec.State.READY) {
                    queue.poll();  // cancelled while queued
                    continue;
                }
                final SchedulingResult result = policy.schedule(task.demand, task.strategy, cluster);
                if (result.status() == SchedulingResult.Status.UNAVAILABLE) {
                    break;  // the rest of this class waits too
                }
                queue.poll();
                if (result.status() == SchedulingResult.Status.INFEASIBLE) {
                    finish(task, new UnschedulableException("task '" + task.name() + "': " + result.reason()));
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
            dispatchNeeded = true;
        }
        if (classes.size() > MAX_IDLE_CLASSES) {
            classes.removeIf(c -> c.queue.isEmpty());
        }
        completeDoneObjects();
        return dispatched;
    }

    private boolean run(final TaskSpec task, final int nodeIndex, final boolean chainable) {
        final LogicalNode node = cluster.logicalNode(nodeIndex);
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            return createActor(task, node);
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

    private int nextChainId() {
        return ++chainIds == 0 ? ++chainIds : chainIds;
    }

    /**
     * Ray-style lease reuse: the ready tasks left in a class that has no room now are linked behind the tasks just
     * started from it, to run one after another on those workers under the same allocation — an equal share each, in
     * consecutive runs (tasks submitted together sit together in memory: one worker per run keeps two workers from
     * writing to the same cache lines). A chained task is claimable only by its chain, so a blocked get, a cancel or
     * close takes it back if it has not started.
     */
    private int chainBehindHeads(final ArrayDeque<TaskSpec> queue) {
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
                started(next);
                chained++;
            }
        }
        return chained;
    }

    /** Takes back the chained tasks after task that no worker started: requeued (or, closing, cancelled). */
    private void takeBackTasksAfter(final TaskSpec task, final boolean fail) {
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
                finish(c, new TaskCancelledException("kernel closed before task '" + c.name() + "' ran"));
            } else {
                c.state = TaskSpec.State.READY;
                classOf(c).queue.addFirst(c);
                dispatchNeeded = true;
            }
        }
    }

    /** Allocates on the node (or in the bundle) and hands the task to an idle worker of the node. */
    private boolean start(final TaskSpec task, final LogicalNode node, final Bundle bundle) {
        if (!prepare(task, node, bundle)) {
            return false;
        }
        task.worker.assign(task);
        return true;
    }

    /** Allocates and picks the worker; the caller hands the task over (assign). */
    private boolean prepare(final TaskSpec task, final LogicalNode node, final Bundle bundle) {
        final NodeWorkers workers = nodeWorkers[node.index()];
        Worker worker = workers.idle.poll();
        if (worker == null) {
            if (workers.all.size() >= maxWorkersPerNode) {
                return false;
            }
            worker = new Worker(this, node, registry, ++workers.started, launcher);
            workers.all.add(worker);
            worker.start();
        }
        final ResourceAllocation allocation = spareAllocation();
        if (!(bundle != null ? bundle.allocate(task.demand, allocation) : node.allocate(task.demand, allocation))) {
            spareAllocations.push(allocation);
            worker.idleSinceNs = nowNs;
            workers.idle.push(worker);
            return false;  // the policy chose a node that does not fit: treat as not now
        }
        task.bundle = bundle;
        task.node = node;
        task.allocation = allocation;
        task.worker = worker;
        task.state = TaskSpec.State.RUNNING;
        task.outcome = TaskSpec.OUTCOME_NONE;
        task.chainId = 0;
        task.chainNext = null;
        task.lastInChain = true;
        started(task);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors: each has its own worker(s) and an ordered queue of calls; it holds its resources while it lives

    private boolean createActor(final TaskSpec creation, final LogicalNode node) {
        return createActor(creation, node, null);
    }

    private boolean createActor(final TaskSpec creation, final LogicalNode node, final Bundle bundle) {
        final ActorState actor = creation.actor;
        final ResourceAllocation allocation = bundle != null ? bundle.allocate(creation.demand) : node.allocate(creation.demand);
        if (allocation == null) {
            return false;
        }
        actor.bundle = bundle;
        actor.node = node;
        actor.allocation = allocation;
        final Worker worker = newActorWorker(actor);
        creation.node = node;
        creation.worker = worker;
        creation.state = TaskSpec.State.RUNNING;
        creation.outcome = TaskSpec.OUTCOME_NONE;
        worker.assign(creation);
        return true;
    }

    private Worker newActorWorker(final ActorState actor) {
        final Worker worker = new Worker(this, actor.node, registry, -(int) actor.id * 100 - actor.workers.size(), launcher);
        actor.workers.add(worker);
        worker.start();
        return worker;
    }

    private void onActorCreationReturned(final TaskSpec creation) {
        final ActorState actor = creation.actor;
        final Worker worker = creation.worker;
        creation.worker = null;
        creation.state = TaskSpec.State.DONE;
        if (actor.status == ActorState.Status.DEAD) {
            worker.stop();
            releaseActorIfIdle(actor);
            return;
        }
        actor.idleWorkers.push(worker);
        if (creation.outcome == TaskSpec.OUTCOME_DONE && creation.failure == null) {
            actorState(actor, ActorState.Status.ALIVE);
            markDirty(actor);
            return;
        }
        if (creation.outcome == TaskSpec.OUTCOME_CRASH && actor.restarts < actor.maxRestarts && !closing) {
            restart(actor);
            return;
        }
        kill(actor, new ActorDiedException(actor.describe() + ": its constructor failed: " + creation.failure,
            creation.failure));
    }

    private void onActorCallReturned(final TaskSpec call) {
        final ActorState actor = call.actor;
        final Worker worker = call.worker;
        call.worker = null;
        call.state = TaskSpec.State.DONE;
        actor.running--;
        if (call.chainId != 0 && actor.chained.peekFirst() == call) {
            actor.chained.pollFirst();  // chained calls return in order
        }
        doneObjects.add(call.result);
        finished(call);
        if (!call.lastInChain) {
            return;  // its worker goes on with the next call of the chain
        }
        if (actor.status == ActorState.Status.DEAD) {
            worker.stop();
            releaseActorIfIdle(actor);
            return;
        }
        actor.idleWorkers.push(worker);
        if (call.outcome == TaskSpec.OUTCOME_CRASH) {
            if (actor.restarts < actor.maxRestarts && !closing) {
                restart(actor);
            } else {
                kill(actor, new ActorDiedException(actor.describe() + " crashed in " + call.name() + ": " + call.failure,
                    call.failure));
            }
            return;
        }
        markDirty(actor);
    }

    private void onKill(final KillCommand command) {
        final ActorState actor = command.actor;
        if (actor.status == ActorState.Status.DEAD) {
            return;
        }
        final boolean canRestart = !command.noRestart && actor.restarts < actor.maxRestarts && !closing
            && actor.status != ActorState.Status.PENDING_CREATION;
        if (canRestart) {
            takeBackChained(actor, true);  // before any interrupt: an interrupted call's worker would claim the next
            failRunningCalls(actor, actor.describe() + " was killed and is restarting");
            restart(actor);
        } else {
            kill(actor, new ActorDiedException(actor.describe() + " was killed", null));
        }
    }

    /**
     * An actor's worker process ended (told by the JDK's process reaper): restart the actor now, as after a crash,
     * if it is idle in that process; a running call finds the process dead and returns as crashed instead.
     */
    void actorProcessExited(final ActorState actor, final WorkerProcesses.RemoteActor remote) {
        if (actor.instance != remote || actor.status != ActorState.Status.ALIVE || actor.running > 0 || closing) {
            return;
        }
        final String why = remote.process.died(null).getMessage();
        if (actor.restarts < actor.maxRestarts) {
            restart(actor);
        } else {
            kill(actor, new ActorDiedException(actor.describe() + " died: its " + why, null));
        }
    }

    /** Forgets the actor's instance; one in a worker process goes with its process. */
    private void dropInstance(final ActorState actor) {
        if (actor.instance instanceof WorkerProcesses.RemoteActor) {
            processes.discard(((WorkerProcesses.RemoteActor) actor.instance).process);
        }
        actor.instance = null;
    }

    /** Runs the constructor again (a new instance); queued calls wait for it. */
    private void restart(final ActorState actor) {
        takeBackChained(actor, true);
        actor.restarts++;
        actorState(actor, ActorState.Status.RESTARTING);
        dropInstance(actor);
        final TaskSpec creation = actor.creation;
        creation.failure = null;
        creation.outcome = TaskSpec.OUTCOME_NONE;
        creation.attempts++;
        Worker worker = actor.idleWorkers.poll();
        if (worker == null) {
            worker = newActorWorker(actor);
        }
        creation.worker = worker;
        creation.state = TaskSpec.State.RUNNING;
        worker.assign(creation);
    }

    /** The actor is dead for good: queued calls fail, running ones are interrupted and fail, resources return. */
    private void kill(final ActorState actor, final ActorDiedException cause) {
        actorState(actor, ActorState.Status.DEAD);
        if (actor.allocation == null) {
            actors.remove(actor);  // never placed: nothing to give back later
        }
        actor.deathCause = cause;
        dropInstance(actor);
        if (actor.name != null) {
            namedActors.remove(actor.name, actor);
        }
        final TaskSpec creation = actor.creation;
        if (creation.state == TaskSpec.State.READY || creation.state == TaskSpec.State.WAITING_FOR_ARGS) {
            finish(creation, cause);
        } else if (creation.state == TaskSpec.State.RUNNING) {
            creation.cancelRequested = true;
            creation.worker.thread.interrupt();
        }
        creation.result.fail(cause);
        takeBackChained(actor, false);
        TaskSpec call;
        while ((call = actor.calls.poll()) != null) {
            if (call.state == TaskSpec.State.READY || call.state == TaskSpec.State.WAITING_FOR_ARGS) {
                finish(call, actorDied(actor, call.name()));
            }
        }
        failRunningCalls(actor, actor.describe() + " died");
        Worker idle;
        while ((idle = actor.idleWorkers.poll()) != null) {
            idle.stop();
        }
        releaseActorIfIdle(actor);
    }

    private void failRunningCalls(final ActorState actor, final String why) {
        for (final Worker worker : actor.workers) {
            final TaskSpec running = worker.running;
            if (running != null && running.kind == TaskSpec.Kind.ACTOR_CALL && running.state == TaskSpec.State.RUNNING) {
                running.cancelRequested = true;
                if (running.result.fail(new ActorDiedException(why + " while " + running.name() + " ran", actor.deathCause))) {
                    doneObjects.add(running.result);
                }
                worker.thread.interrupt();
            }
        }
        for (final TaskSpec claimed : actor.chained) {  // a worker took them but may not have begun: they fail
            claimed.cancelRequested = true;
            if (claimed.result.fail(new ActorDiedException(why + " before " + claimed.name() + " ran", actor.deathCause))) {
                doneObjects.add(claimed.result);
            }
        }
    }

    private void releaseActorIfIdle(final ActorState actor) {
        if (actor.allocation != null && actor.running == 0 && actor.creation.worker == null) {
            releaseAllocation(actor.node, actor.bundle, actor.allocation);
            actor.allocation = null;
            actor.bundle = null;
            dispatchNeeded = true;
            actors.remove(actor);
        }
    }

    private ActorDiedException actorDied(final ActorState actor, final String callName) {
        return new ActorDiedException(actor.describe() + " is dead; " + callName + " did not run", actor.deathCause);
    }

    private void markDirty(final ActorState actor) {
        if (!actor.dirty) {
            actor.dirty = true;
            dirtyActors.add(actor);
        }
    }

    private int dispatchActorCalls() {
        if (dirtyActors.isEmpty()) {
            return 0;
        }
        int dispatched = 0;
        for (int i = 0; i < dirtyActors.size(); i++) {
            final ActorState actor = dirtyActors.get(i);
            actor.dirty = false;
            while (actor.status == ActorState.Status.ALIVE && actor.running < actor.maxConcurrency) {
                final TaskSpec call = nextReadyCall(actor);
                if (call == null) {
                    break;
                }
                Worker worker = actor.idleWorkers.poll();
                if (worker == null) {
                    worker = newActorWorker(actor);
                }
                prime(call, actor, worker);
                call.chainId = 0;
                if (actor.maxConcurrency == 1) {
                    dispatched += chainAfter(call, actor, worker);  // they run in order on this worker anyway
                }
                dispatched++;
                worker.assign(call);
            }
        }
        dirtyActors.clear();
        completeDoneObjects();
        return dispatched;
    }

    /** Takes the head call if it is ready (in order: a call whose arguments are pending holds back the rest). */
    private static TaskSpec nextReadyCall(final ActorState actor) {
        TaskSpec call;
        while ((call = actor.calls.peek()) != null && call.state == TaskSpec.State.DONE) {
            actor.calls.poll();  // cancelled while queued
        }
        if (call == null || call.state != TaskSpec.State.READY) {
            return null;
        }
        return actor.calls.poll();
    }

    private void prime(final TaskSpec call, final ActorState actor, final Worker worker) {
        actor.running++;
        call.target = actor.instance;
        call.node = actor.node;
        call.worker = worker;
        call.state = TaskSpec.State.RUNNING;
        call.outcome = TaskSpec.OUTCOME_NONE;
        call.chainNext = null;
        call.lastInChain = true;
        started(call);
    }

    /**
     * Links the ready calls queued behind head into a chain its worker runs one after another, each claimable by
     * that chain only, so that kill, restart and cancel can take back those not started yet.
     */
    private int chainAfter(final TaskSpec head, final ActorState actor, final Worker worker) {
        TaskSpec previous = head;
        int chained = 0;
        TaskSpec call;
        while (chained < ACTOR_CHAIN_LIMIT && (call = nextReadyCall(actor)) != null) {
            if (chained == 0) {
                head.chainId = nextChainId();
            }
            prime(call, actor, worker);
            call.chainId = head.chainId;
            call.offerToChain(head.chainId);
            previous.chainNext = call;
            previous = call;
            actor.chained.add(call);
            chained++;
        }
        return chained;
    }

    /** Takes back the chained calls no worker started: requeued in order (restart) or failed (death). */
    private void takeBackChained(final ActorState actor, final boolean requeue) {
        for (final java.util.Iterator<TaskSpec> it = actor.chained.descendingIterator(); it.hasNext();) {
            final TaskSpec call = it.next();
            if (!call.takeBack(call.chainId)) {
                continue;  // started: it returns through the worker
            }
            it.remove();
            actor.running--;
            call.worker = null;
            if (requeue) {
                call.state = TaskSpec.State.READY;
                actor.calls.addFirst(call);
            } else {
                finish(call, actorDied(actor, call.name()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups: bundles reserved all together; tasks in a bundle take from its reservation

    private void onCreateGroup(final GroupState group) {
        if (closing) {
            group.state.markFailed("the kernel closed");
            group.readiness.fail(new KernelClosedException("the kernel closed before placement group " + group.id()
                + " was reserved"));
            return;
        }
        if (!tryCreate(group)) {
            pendingGroups.add(group);
        }
    }

    /** Places and reserves; true when the group is done waiting (created or failed for good). */
    private boolean tryCreate(final GroupState group) {
        if (groupScheduler.create(group.state, cluster)) {
            group.readiness.complete(Boolean.TRUE);
            groupState(group, "CREATED");
            dispatchNeeded = true;
            return true;
        }
        if (group.state.status() == PlacementGroupState.Status.FAILED) {
            group.readiness.fail(new UnschedulableException(group.state.failureReason()));
            groupState(group, "FAILED");
            dispatchNeeded = true;  // tasks queued for it fail now
            return true;
        }
        return false;
    }

    private int placePendingGroups() {
        int created = 0;
        for (int i = 0; i < pendingGroups.size(); i++) {
            if (tryCreate(pendingGroups.get(i))) {
                pendingGroups.remove(i--);
                created++;
            }
        }
        return created;
    }

    private void onRemoveGroup(final GroupState group) {
        if (group.removing) {
            return;
        }
        group.removing = true;
        dispatchNeeded = true;  // its queued tasks fail at the next pass
        if (group.state.status() == PlacementGroupState.Status.PENDING) {
            pendingGroups.remove(group);
            group.state.markFailed("removed before it was reserved");
            group.readiness.fail(new KairosException("placement group " + group.id() + " was removed before it was reserved"));
            return;
        }
        for (final ActorState actor : new ArrayList<>(actors)) {
            if (actor.creation.group == group && actor.status != ActorState.Status.DEAD) {
                kill(actor, new ActorDiedException(actor.describe() + ": its placement group " + group.id()
                    + " was removed", null));
            }
        }
        removingGroups.add(group);
        finishRemovals();
    }

    /** Returns the bundles of groups being removed once no task holds any part of them. */
    private void finishRemovals() {
        for (int i = 0; i < removingGroups.size(); i++) {
            final GroupState group = removingGroups.get(i);
            boolean idle = true;
            for (final Bundle bundle : group.state.bundles()) {
                idle &= bundle.taskCount() == 0;
            }
            if (idle) {
                if (group.state.status() == PlacementGroupState.Status.CREATED) {
                    groupScheduler.remove(group.state);
                    groupState(group, "REMOVED");
                }
                removingGroups.remove(i--);
                dispatchNeeded = true;
            }
        }
    }

    private int dispatchInGroup(final SchedulingClass schedulingClass, final int limit) {
        final ArrayDeque<TaskSpec> queue = schedulingClass.queue;
        final GroupState group = schedulingClass.group;
        int dispatched = 0;
        TaskSpec task;
        while (dispatched < limit && (task = queue.peek()) != null) {
            if (task.state != TaskSpec.State.READY) {
                queue.poll();
                continue;
            }
            final PlacementGroupState.Status status = group.state.status();
            if (group.removing || status == PlacementGroupState.Status.REMOVED
                || status == PlacementGroupState.Status.FAILED) {
                queue.poll();
                finish(task, new UnschedulableException(task.name() + ": placement group " + group.id()
                    + (group.removing ? " was removed" : " failed: " + group.state.failureReason())));
                continue;
            }
            if (status != PlacementGroupState.Status.CREATED) {
                break;  // not reserved yet
            }
            final Bundle bundle = group.bundleFor(task.bundleIndex, task.demand);
            if (bundle == null || !bundle.fits(task.demand)) {
                break;
            }
            queue.poll();
            final boolean started = task.kind == TaskSpec.Kind.ACTOR_CREATION
                ? createActor(task, bundle.node(), bundle) : start(task, bundle.node(), bundle);
            if (!started) {
                queue.addFirst(task);
                break;
            }
            dispatched++;
        }
        return dispatched;
    }

    private void releaseAllocation(final LogicalNode node, final Bundle bundle, final ResourceAllocation allocation) {
        if (bundle != null) {
            bundle.release(allocation);
            if (!removingGroups.isEmpty()) {
                finishRemovals();
            }
        } else {
            node.release(allocation);
        }
        allocation.clear();
        spareAllocations.push(allocation);  // reused by the next dispatch: no allocation object per task
    }

    private ResourceAllocation spareAllocation() {
        final ResourceAllocation spare = spareAllocations.poll();
        return spare != null ? spare : new ResourceAllocation();
    }

    // ------------------------------------------------------------------------------------------------------------
    // close and views (run on this thread through Runnable commands)

    /** Stops taking work: queued and waiting tasks fail; running ones finish. Returns the workers to stop. */
    List<Worker> close() {
        closing = true;
        for (final GroupState group : pendingGroups) {
            group.state.markFailed("the kernel closed");
            group.readiness.fail(new KernelClosedException("the kernel closed before placement group " + group.id()
                + " was reserved"));
        }
        pendingGroups.clear();
        for (final SchedulingClass c : classes) {
            TaskSpec task;
            while ((task = c.queue.poll()) != null) {
                if (task.state == TaskSpec.State.READY) {
                    finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
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
        final List<Worker> all = new ArrayList<>();
        for (final ActorState actor : new ArrayList<>(actors)) {
            all.addAll(actor.workers);
            if (actor.status != ActorState.Status.DEAD) {
                kill(actor, new ActorDiedException(actor.describe() + ": the kernel closed", null));
            }
        }
        completeDoneObjects();
        for (final NodeWorkers w : nodeWorkers) {
            all.addAll(w.all);
        }
        return all;
    }

    /** The kernel's GPUs, for device-resident objects; null without. */
    GpuDevices gpus() {
        return gpus;
    }

    /** The index of the logical node whose GPU instances are the kernel's devices; -1 if none. */
    int gpuNode() {
        return gpuNode;
    }

    WorkerProcesses processes() {
        return processes;
    }

    ValueCodec codec() {
        return codec;
    }

    /** Where workers put large results; null without a store. */
    StoredObjects objects() {
        return objects;
    }

    /** A cancel request for the task producing target. */
    static final class CancelCommand {
        final ObjectState target;
        final boolean force;

        CancelCommand(final ObjectState target, final boolean force) {
            this.target = target;
            this.force = force;
        }
    }

    /** Create (true) or remove (false) a placement group. */
    static final class PlacementGroupCommand {
        final GroupState group;
        final boolean create;

        PlacementGroupCommand(final GroupState group, final boolean create) {
            this.group = group;
            this.create = create;
        }
    }

    /** A kill request for an actor. */
    static final class KillCommand {
        final ActorState actor;
        final boolean noRestart;

        KillCommand(final ActorState actor, final boolean noRestart) {
            this.actor = actor;
            this.noRestart = noRestart;
        }
    }

    private static final class SchedulingClass {
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
