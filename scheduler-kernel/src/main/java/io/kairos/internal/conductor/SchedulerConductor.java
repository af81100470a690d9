package io.kairos.internal.conductor;

import io.kairos.exception.KernelClosedException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.kernel.KernelListener;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
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
 * <p>Each concern is a part it creates and drives, all on this thread: the task table and dispatch
 * ({@link TaskDispatcher}), dependency waits ({@link DependencyWaits}), actors ({@link ActorLifecycle}), placement
 * groups ({@link PlacementGroups}) and the transitions reported to the journal and listeners ({@link Transitions}).
 */
public final class SchedulerConductor implements Agent {
    static final int COMMAND_DRAIN_LIMIT = 1024;
    static final int DISPATCH_LIMIT = 1024;
    static final int MAX_IDLE_CLASSES = 64;
    static final int ACTOR_CHAIN_LIMIT = 64;
    static final int TASK_CHAIN_LIMIT = 16;

    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final StoredObjects objects;
    private final ErrorHandler errors;
    private final WorkerProcesses processes;
    private final ValueCodec codec;
    private final NanoClock clock;
    private final GpuDevices gpus;
    private final int gpuNode;
    private final TaskDispatcher dispatcher;
    private final DependencyWaits waits;
    private final ActorLifecycle lifecycle;
    private final PlacementGroups groups;
    /** This kernel as a member of a cluster of kernels, or null. */
    private final ClusterLink link;
    /** A dispatch pass is due; set by the parts when resources return or tasks become ready. */
    boolean dispatchNeeded;
    /** Set by close: no new work is taken. */
    boolean closing;
    /** This duty cycle's time, read by the parts (journal records, idle workers). */
    long nowNs;

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
        this.processes = processes;
        this.codec = codec;
        this.errors = errors;
        this.objects = objects;
        this.commands = new ManyToOneConcurrentArrayQueue<>(settings.commandQueueCapacity());
        this.clock = settings.nanoClock();
        this.gpus = settings.gpuDevices();
        int gpuNodeIndex = -1;
        for (int i = 0; i < cluster.nodeCount(); i++) {
            if (cluster.logicalNode(i).nodeId().equals(settings.gpuNodeId())) {
                gpuNodeIndex = i;
            }
        }
        this.gpuNode = gpuNodeIndex;
        this.nowNs = clock.nanoTime();
        final Transitions transitions = new Transitions(this, journal, settings.listeners().toArray(new KernelListener[0]),
            errors);
        this.dispatcher = new TaskDispatcher(this, settings, cluster, registry, policy, journal);
        this.waits = new DependencyWaits(this);
        this.lifecycle = new ActorLifecycle(this, registry, settings.workerLauncher(), processes, namedActors,
            settings.idleWorkerTimeout().toNanos());
        this.groups = new PlacementGroups(this, cluster);
        this.link = settings.cluster() == null ? null : new ClusterLink(this, settings.cluster(), cluster, registry, codec);
        if (link != null) {
            link.link(dispatcher, waits, lifecycle, groups);
        }
        dispatcher.link(waits, lifecycle, groups, transitions);
        waits.link(dispatcher, lifecycle, transitions);
        lifecycle.link(waits, dispatcher, transitions);
        groups.link(waits, dispatcher, lifecycle, transitions);
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
            int work = drainCommands() + dispatcher.dispatch() + lifecycle.dispatchActorCalls();
            if (link != null) {
                work += link.doWork(nowNs);
            }
            return nowNs - dispatcher.nextIdleCheckNs >= 0 ? work + dispatcher.stopIdleWorkers() : work;
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

    /** The number of worker threads of a node's task pool (actors' workers not counted). */
    public int workerCount(final int nodeIndex) {
        return dispatcher.workerCount(nodeIndex);
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

    /** Offers, retrying (backing off) until there is room: workers must never lose a returned task. */
    void offerFromWorker(final Object command) {
        for (int round = 0; !offer(command); round++) {
            ConductorQueue.backOff(round);
        }
    }

    boolean hasCommands() {
        return !commands.isEmpty();
    }

    /** The command queue itself: the jcstress tests take what a caller offered, as {@link #drainCommands} would. */
    ManyToOneConcurrentArrayQueue<Object> commandQueue() {
        return commands;
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
                    waits.onSubmit(task);
                } else {
                    dispatcher.onTaskReturned(task);
                }
            } else if (command instanceof Worker.WorkerEvent) {
                dispatcher.onWorkerEvent((Worker.WorkerEvent) command);
            } else if (command instanceof CancelCommand) {
                onCancel((CancelCommand) command);
            } else if (command instanceof KillCommand) {
                lifecycle.onKill((KillCommand) command);
            } else if (command instanceof PlacementGroupCommand) {
                final PlacementGroupCommand pg = (PlacementGroupCommand) command;
                if (pg.create) {
                    groups.onCreateGroup(pg.group);
                } else {
                    groups.onRemoveGroup(pg.group);
                }
            } else if (command instanceof Runnable) {
                ((Runnable) command).run();  // queries and close: run on this thread, with the state they read
            }
        }
        waits.completeDoneObjects();
        return work;
    }

    /** Cancels on this thread (a cluster member's request). */
    void cancel(final CancelCommand command) {
        onCancel(command);
    }

    /**
     * Pulls started, bytes pulled, objects made again (their holder left), results held here for other members, this
     * kernel's objects other members hold, those of them let go unread (no one could read them any more), arguments
     * pulled by reference for tasks run here and their bytes, this kernel's arguments exported now, and held results
     * read here in place by tasks their owners sent where they were (locality).
     */
    public long[] clusterObjectCounters() {
        if (link == null) {
            return new long[10];
        }
        final long[] pulls = link.pulls().counters();
        final long[] args = link.argPulls() == null ? new long[2] : link.argPulls().counters();
        return new long[] {pulls[0], pulls[1], pulls[2], link.held().count(), pulls[3], pulls[4], args[0], args[1],
            link.exports().count(), link.held().lends()};
    }

    /** This kernel as a member of a cluster of kernels, or null. */
    ClusterLink clusterLink() {
        return link;
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
            waits.finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
            return;
        }
        if (task.state == TaskSpec.State.RUNNING && task.kind == TaskSpec.Kind.ACTOR_CALL && task.chainId != 0
            && task.actor.chained.contains(task) && task.takeBack(task.chainId)) {
            task.actor.chained.remove(task);
            task.actor.running--;
            task.worker = null;
            waits.finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
            return;
        }
        if (task.state == TaskSpec.State.RUNNING && task.worker == null && task.node != null && task.node.isRemote()) {
            link.cancelRemote(task, command.force);  // it runs on another member: that member stops it and answers
            if (command.force && task.result.fail(new TaskCancelledException("task '" + task.name() + "' was cancelled"))) {
                waits.doneObjects.add(task.result);
            }
            return;
        }
        if (task.state == TaskSpec.State.RUNNING) {
            task.cancelRequested = true;
            task.worker.thread.interrupt();
            task.worker.killRemote();  // a task in a worker process: end the process
            if (command.force && task.result.fail(new TaskCancelledException("task '" + task.name() + "' was cancelled"))) {
                waits.doneObjects.add(task.result);
            }
            return;  // the worker returns it; its resources are released then
        }
        waits.finish(task, new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
    }

    // ------------------------------------------------------------------------------------------------------------
    // close and views (run on this thread through Runnable commands)

    /** Stops taking work: queued and waiting tasks fail; running ones finish. Returns the workers to stop. */
    List<Worker> close() {
        closing = true;
        groups.close();
        dispatcher.close();
        if (link != null) {
            link.close();
        }
        final List<Worker> all = new ArrayList<>();
        lifecycle.close(all);
        waits.completeDoneObjects();
        dispatcher.addWorkers(all);
        return all;
    }

    /**
     * Close, once no thread runs this conductor any more: takes the duty for good (a caller's get runs no cycle after
     * this) and fails the submissions still queued, which raced close: tasks, actor calls and creations, groups to
     * create, queries.
     */
    void stopForGood() {
        while (!DUTY.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();  // a caller's duty cycle in flight ends
        }
        while (!commands.isEmpty()) {
            final Object command = commands.poll();
            if (command == null) {
                Thread.onSpinWait();  // its offer claimed the slot and is writing it
            } else if (command instanceof TaskSpec && ((TaskSpec) command).state == null) {
                final TaskSpec task = (TaskSpec) command;
                task.result.fail(new KernelClosedException("the kernel closed before it took task '" + task.name()
                    + "'"));
            } else if (command instanceof PlacementGroupCommand && ((PlacementGroupCommand) command).create) {
                ((PlacementGroupCommand) command).group.readiness.fail(new KernelClosedException("the kernel closed "
                    + "before it took placement group " + ((PlacementGroupCommand) command).group.state.id()));
            } else if (command instanceof ConductorQueue.Query) {
                ((ConductorQueue.Query<?>) command).future.completeExceptionally(
                    new KernelClosedException("the kernel is closed"));
            }
        }
    }

    /** An actor's worker process ended: see {@link ActorLifecycle#actorProcessExited}. */
    void actorProcessExited(final ActorState actor, final WorkerProcesses.RemoteActor remote) {
        lifecycle.actorProcessExited(actor, remote);
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
}
