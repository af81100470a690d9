package io.kairos.internal.conductor;

import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.exception.WorkerDiedException;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.object.DeviceValues;
import io.kairos.internal.worker.Invocations;
import io.kairos.internal.worker.TaskInfo;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.internal.worker.WorkerProtocol;
import io.kairos.spi.kernel.WorkerLauncher;
import io.kairos.spi.scheduling.FixedPoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process worker thread of one logical node. The conductor hands it one task at a time through a
 * single-slot mailbox ({@link #assign}) and unparks it; it runs the task and offers the spec back to the conductor.
 */
public final class Worker implements Runnable {
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    final LogicalNode node;
    final Thread thread;
    private final SchedulerConductor conductor;
    private final ResourceRegistry registry;
    private final Object[] resolved = new Object[6];
    private volatile TaskSpec mailbox;
    private volatile boolean stopping;
    private volatile boolean parked;
    private static final int SPINS = 200;
    volatile TaskSpec running;
    /** Conductor: when this worker last went back to its node's idle pool. */
    long idleSinceNs;

    Worker(final SchedulerConductor conductor, final LogicalNode node, final ResourceRegistry registry, final int number,
           final WorkerLauncher launcher) {
        this.conductor = conductor;
        this.node = node;
        this.registry = registry;
        this.isolatedCalls = new IsolatedCalls(conductor);
        this.thread = launcher.newWorkerThread(this, node.nodeId(), "kairos-worker-" + node.nodeId() + "-" + number);
    }

    /** The kernel's GPUs, or null. */
    public GpuDevices gpus() {
        return conductor.gpus();
    }

    /** Whether this worker's node is the one whose GPU instances are the kernel's devices. */
    public boolean onGpuNode() {
        return node.index() == conductor.gpuNode();
    }

    /** The worker whose thread this is, or null. */
    public static Worker current() {
        return CURRENT.get();
    }

    void start() {
        thread.start();
    }

    /** Conductor: hands over a task (the worker is idle); wakes the worker only if it went to sleep. */
    void assign(final TaskSpec task) {
        running = task;
        mailbox = task;
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Finishes the current task, then exits. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        CURRENT.set(this);
        while (true) {
            final TaskSpec task = mailbox;
            if (task == null) {
                if (stopping) {
                    break;
                }
                idle();
                continue;
            }
            mailbox = null;
            // an interrupt meant for this worker's previous task (its actor was killed as it returned) must not reach
            // this one; one meant for this task was delivered with cancelRequested set first, which execute checks
            Thread.interrupted();
            TaskSpec current = task;
            while (current != null) {
                execute(current);
                Thread.interrupted();  // a cancel's interrupt must not reach the next task
                final TaskSpec next = current.outcome == TaskSpec.OUTCOME_CRASH || current.retrying || stopping ? null
                    : claimNext(current);
                current.lastInChain = next == null;
                running = next;
                conductor.offerFromWorker(current);
                if (current.origin != null) {
                    // another member waits for this result: send it now, on this thread, rather than wake the
                    // conductor's (a cross-node round trip 97 -> 62 µs on 2 cores)
                    conductor.help();
                }
                current = next;
            }
        }
        CURRENT.remove();
    }

    /** The next call of current's chain that the conductor has not taken back, claimed for this worker. */
    static TaskSpec claimNext(final TaskSpec current) {
        final int chain = current.chainId;
        if (chain == 0) {
            return null;
        }
        for (TaskSpec c = current.chainNext; c != null; c = c.chainNext) {
            if (c.claimForChain(chain)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Waits for the next task: spins a little (the conductor often hands one over within microseconds, and a park
     * and unpark cost far more), then announces it sleeps and parks.
     */
    private void idle() {
        for (int i = 0; i < SPINS; i++) {
            if (mailbox != null || stopping) {
                return;
            }
            if (i < SPINS / 2) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        parked = true;
        if (mailbox == null && !stopping) {
            LockSupport.park(this);
        }
        parked = false;
    }

    private void execute(final TaskSpec task) {
        if (task.cancelRequested) {  // its actor was killed after this worker claimed it: it must not begin
            task.target = null;
            if (task.kind == TaskSpec.Kind.ACTOR_CALL && task.retryOnRestart) {
                task.retrying = true;  // it runs on the restarted actor instead (still pending)
            } else {
                if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
                    task.actor.pendingCalls.decrementAndGet();
                }
                task.result.fail(new TaskCancelledException("task '" + task.name() + "' was cancelled before it ran"));
            }
            task.outcome = TaskSpec.OUTCOME_DONE;
            return;
        }
        int arity = task.arity;
        Object value = null;
        Throwable thrown = null;
        try {
            if (isolated(task)) {
                value = isolatedCalls.execute(task, contextOf(task));
            } else {
                int offset = 0;
                if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
                    resolved[0] = task.target;
                    task.target = null;
                    offset = 1;
                    arity++;
                }
                for (int i = 0; i < task.arity; i++) {
                    final Object arg = task.args[i];
                    final Object resolvedArg = arg instanceof ObjectState ? ((ObjectState) arg).value() : arg;
                    if (DeviceValues.isDeviceValue(resolvedArg)) {
                        DeviceValues.stageFor(resolvedArg, onGpuNode() ? deviceOf(task) : -1);
                    }
                    resolved[offset + i] = resolvedArg;
                }
                value = Invocations.invoke(task.function, resolved, arity);
            }
        } catch (final Throwable t) {
            thrown = t;
        } finally {
            for (int i = 0; i < arity; i++) {
                resolved[i] = null;
            }
        }
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            if (thrown != null && retriesCall(task, thrown)) {
                task.retrying = true;  // the conductor runs it again on the restarted actor, or fails it
                task.failure = thrown;
                task.outcome = task.cancelRequested ? TaskSpec.OUTCOME_DONE : TaskSpec.OUTCOME_CRASH;
                return;
            }
            task.actor.pendingCalls.decrementAndGet();  // before the result shows, so a caller who saw it has room
        }
        if (thrown == null) {
            if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
                task.actor.instance = value;
                if (value instanceof WorkerProcesses.RemoteActor) {
                    final WorkerProcesses.RemoteActor remote = (WorkerProcesses.RemoteActor) value;
                    final ActorState actor = task.actor;
                    remote.process.process.onExit().thenRun(() -> conductor.offerFromWorker(
                        (Runnable) () -> conductor.actorProcessExited(actor, remote)));
                }
                task.result.complete(null);
            } else if (value instanceof IsolatedCalls.StoredResult) {
                final IsolatedCalls.StoredResult stored = (IsolatedCalls.StoredResult) value;
                if (stored.argument() != null) {
                    task.result.completeShared(stored.argument());  // the argument itself came back: nothing to adopt
                } else {
                    try {
                        task.result.completeStored(
                            conductor.objects().adopt(stored.id(), task.taskId(), stored.length()));
                    } finally {
                        stored.process().tell(WorkerProtocol.RELEASE_RESULT, stored.id().hi(), stored.id().lo());
                    }
                }
            } else {
                try {
                    task.result.complete(value, conductor.objects());
                } catch (final RuntimeException e) {
                    task.result.fail(new TaskFailedException(task.name(), "its result could not be stored: " + e, e));
                }
            }
            task.outcome = TaskSpec.OUTCOME_DONE;
            return;
        }
        if (task.cancelRequested) {
            task.result.fail(new TaskCancelledException("task '" + task.name() + "' was cancelled while running"));
            // A cancelled call of an actor in a worker process: the cancel ended the process, and the actor's instance
            // with it. The actor restarts (or dies) now, as after a crash; before, it waited for the process's exit to
            // be seen, and a call made meanwhile was sent to the dead process and failed (CancelRunningTest).
            final boolean endedItsActor = task.kind == TaskSpec.Kind.ACTOR_CALL && task.cancelled
                && thrown instanceof WorkerDiedException;
            task.failure = endedItsActor ? thrown : task.failure;
            task.outcome = endedItsActor ? TaskSpec.OUTCOME_CRASH : TaskSpec.OUTCOME_DONE;
            return;
        }
        final boolean system = thrown instanceof Error || thrown instanceof WorkerDiedException;
        if (task.kind != TaskSpec.Kind.TASK) {
            if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
                task.result.fail(new TaskFailedException(task.name(), String.valueOf(thrown), thrown));
            }
            task.failure = thrown;  // a failed constructor: the conductor decides between restart and death
            task.outcome = system ? TaskSpec.OUTCOME_CRASH : TaskSpec.OUTCOME_DONE;
        } else if ((system || task.retryExceptions) && task.attempts < task.maxRetries && !task.result.isDone()) {
            task.outcome = TaskSpec.OUTCOME_RETRY;
        } else {
            task.result.fail(new TaskFailedException(task.name(), String.valueOf(thrown), thrown));
            task.outcome = TaskSpec.OUTCOME_DONE;
        }
    }

    /**
     * Whether a failed actor call is to run again on its restarted actor: it was interrupted by a kill that restarts
     * the actor and the conductor asked for it, or it failed for a system reason (an Error, its worker process died)
     * with retries left. An exception of the method itself is its result.
     */
    private static boolean retriesCall(final TaskSpec task, final Throwable thrown) {
        if (task.cancelRequested) {
            return task.retryOnRestart;
        }
        return (thrown instanceof Error || thrown instanceof WorkerDiedException)
            && task.attempts < task.actor.options.maxTaskRetries;
    }

    /** Whether the task runs in a worker process (an isolated task, or a call of an actor living in one). */
    private static boolean isolated(final TaskSpec task) {
        return task.isolated || task.function instanceof io.kairos.internal.worker.PythonFunction
            || task.kind == TaskSpec.Kind.ACTOR_CALL && task.target instanceof WorkerProcesses.RemoteActor;
    }

    /** Calls into worker processes, and the one this worker waits on. */
    private final IsolatedCalls isolatedCalls;

    /** Conductor, on cancel: ends the worker process running this worker's task, if it runs in one. */
    void killRemote() {
        isolatedCalls.killRemote();
    }

    /** The first GPU instance the task holds, or -1. */
    private static int deviceOf(final TaskSpec task) {
        final ResourceAllocation allocation = task.allocation != null ? task.allocation
            : task.actor != null ? task.actor.allocation : null;
        return allocation != null && allocation.gpuInstanceCount() > 0 ? allocation.gpuInstance(0) : -1;
    }

    /** The running task's info on a worker thread, or null: what the public TaskContext.current() shows. */
    public static TaskInfo currentTaskInfo() {
        final Worker worker = current();
        final TaskSpec task = worker == null ? null : worker.running;
        return task == null ? null : worker.contextOf(task);
    }

    /** Built on demand ({@link #currentTaskInfo()}), so a task that never asks allocates nothing for it. */
    TaskInfo contextOf(final TaskSpec task) {
        final ResourceAllocation allocation = task.allocation != null ? task.allocation
            : task.actor != null ? task.actor.allocation : null;
        final Map<String, Double> units = new LinkedHashMap<>();
        if (allocation == null) {
            return new TaskInfo(task.taskId(), task.name(), node.nodeId(), task.attempts, Map.of(), new int[0], new double[0]);
        }
        final long[] amounts = allocation.amounts();
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] != 0) {
                units.put(registry.name(i), FixedPoint.toUnits(amounts[i]));
            }
        }
        final int gpus = allocation.gpuInstanceCount();
        final int[] instances = new int[gpus];
        final double[] shares = new double[gpus];
        for (int i = 0; i < gpus; i++) {
            instances[i] = allocation.gpuInstance(i);
            shares[i] = FixedPoint.toUnits(allocation.gpuAmount(i));
        }
        return new TaskInfo(task.taskId(), task.name(), node.nodeId(), task.attempts, Map.copyOf(units), instances, shares);
    }

    /**
     * A worker's task is blocked in get (gives its CPU back) or unblocked (takes it again). One per event: a get is
     * not a hot path, and an event must keep naming the task it was sent for.
     */
    static final class WorkerEvent {
        final TaskSpec task;
        final boolean blocked;

        WorkerEvent(final TaskSpec task, final boolean blocked) {
            this.task = task;
            this.blocked = blocked;
        }
    }
}
