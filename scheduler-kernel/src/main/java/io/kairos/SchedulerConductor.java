package io.kairos;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
final class SchedulerConductor implements Agent {
    static final int COMMAND_DRAIN_LIMIT = 1024;
    static final int DISPATCH_LIMIT = 1024;
    static final int MAX_IDLE_CLASSES = 64;

    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final SchedulingPolicy policy;
    private final int maxWorkersPerNode;
    private final NodeWorkers[] nodeWorkers;
    private final List<SchedulingClass> classes = new ArrayList<>();
    private final ArrayDeque<ObjectState> doneObjects = new ArrayDeque<>();
    private boolean dispatchNeeded;
    private boolean closing;
    private long tasksDispatched;
    private long tasksFinished;

    volatile Thread thread;
    private volatile boolean sleeping;

    SchedulerConductor(final int queueCapacity, final Cluster cluster, final ResourceRegistry registry,
                       final SchedulingPolicy policy, final int maxWorkersPerNode) {
        this.commands = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
        this.cluster = cluster;
        this.registry = registry;
        this.policy = policy;
        this.maxWorkersPerNode = maxWorkersPerNode;
        this.nodeWorkers = new NodeWorkers[cluster.nodeCount()];
        for (int i = 0; i < nodeWorkers.length; i++) {
            nodeWorkers[i] = new NodeWorkers(cluster.logicalNode(i));
        }
    }

    @Override
    public String roleName() {
        return "kairos-conductor";
    }

    @Override
    public int doWork() {
        return drainCommands() + dispatch();
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
            } else if (command instanceof Runnable) {
                ((Runnable) command).run();  // queries and close: run on this thread, with the state they read
            }
        }
        completeDoneObjects();
        return work;
    }

    private void onSubmit(final TaskSpec task) {
        task.result.producer = task;
        if (closing) {
            finish(task, new TaskCancelledException("kernel closed before task '" + task.name + "' ran"));
            return;
        }
        int pending = 0;
        for (int i = 0; i < task.arity; i++) {
            if (task.args[i] instanceof ObjectRef) {
                final ObjectState arg = ((ObjectRef<?>) task.args[i]).state();
                final int status = arg.status();
                if (status == ObjectState.FAILED) {
                    finish(task, new TaskFailedException(task.name, "argument " + i + " failed", arg.error()));
                    return;
                }
                if (status == ObjectState.PENDING) {
                    if (arg.dependents == null) {
                        arg.dependents = new ArrayList<>(2);
                    }
                    arg.dependents.add(task);
                    pending++;
                }
            }
        }
        task.pendingArgs = pending;
        if (pending == 0) {
            makeReady(task);
        } else {
            task.state = TaskSpec.State.WAITING_FOR_ARGS;
        }
    }

    private void onTaskReturned(final TaskSpec task) {
        final NodeWorkers workers = nodeWorkers[task.node.index()];
        task.node.release(task.allocation);
        task.allocation = null;
        workers.idle.push(task.worker);
        task.worker = null;
        dispatchNeeded = true;
        tasksFinished++;
        if (task.outcome == TaskSpec.OUTCOME_RETRY && !task.cancelled && !closing && !task.result.isDone()) {
            task.attempts++;
            makeReady(task);
            return;
        }
        if (task.outcome == TaskSpec.OUTCOME_RETRY) {
            task.result.fail(new TaskCancelledException("kernel closed before task '" + task.name + "' was retried"));
        }
        task.state = TaskSpec.State.DONE;
        doneObjects.add(task.result);
    }

    private void onWorkerEvent(final Worker.WorkerEvent event) {
        final TaskSpec task = event.task;
        if (task == null || task.allocation == null || task.state != TaskSpec.State.RUNNING) {
            return;
        }
        if (event.blocked && !task.blocked) {
            task.blocked = true;
            task.node.releaseCpuWhileBlocked(task.allocation);
            dispatchNeeded = true;
        } else if (!event.blocked && task.blocked) {
            task.blocked = false;
            task.node.reacquireCpuAfterBlocked(task.allocation);
        }
    }

    private void onCancel(final CancelCommand command) {
        final TaskSpec task = command.target.producer;
        if (task == null || task.state == TaskSpec.State.DONE || task.cancelled) {
            return;
        }
        task.cancelled = true;
        if (task.state == TaskSpec.State.RUNNING) {
            task.cancelRequested = true;
            task.worker.thread.interrupt();
            if (command.force && task.result.fail(new TaskCancelledException("task '" + task.name + "' was cancelled"))) {
                doneObjects.add(task.result);
            }
            return;  // the worker returns it; its resources are released then
        }
        finish(task, new TaskCancelledException("task '" + task.name + "' was cancelled before it ran"));
    }

    /** Marks a task that never ran (or will not run again) done with a failure. */
    private void finish(final TaskSpec task, final RuntimeException failure) {
        task.state = TaskSpec.State.DONE;
        if (task.result.fail(failure)) {
            doneObjects.add(task.result);
        }
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
                    finish(task, new TaskFailedException(task.name, "an argument failed", done.error()));
                } else if (closing) {
                    finish(task, new TaskCancelledException("kernel closed before task '" + task.name + "' ran"));
                } else if (--task.pendingArgs == 0) {
                    makeReady(task);
                }
            }
        }
    }

    private void makeReady(final TaskSpec task) {
        task.state = TaskSpec.State.READY;
        classOf(task).queue.add(task);
        dispatchNeeded = true;
    }

    private SchedulingClass classOf(final TaskSpec task) {
        for (int i = 0, n = classes.size(); i < n; i++) {
            final SchedulingClass c = classes.get(i);
            if (c.strategy.equals(task.strategy) && Arrays.equals(c.demand, task.demand)) {
                return c;
            }
        }
        final SchedulingClass c = new SchedulingClass(task.demand, task.strategy);
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
        int dispatched = 0;
        for (int i = 0, n = classes.size(); i < n && dispatched < DISPATCH_LIMIT; i++) {
            final ArrayDeque<TaskSpec> queue = classes.get(i).queue;
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
                    finish(task, new UnschedulableException("task '" + task.name + "': " + result.reason()));
                    continue;
                }
                if (!run(task, result.node())) {
                    queue.addFirst(task);
                    break;
                }
                dispatched++;
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

    private boolean run(final TaskSpec task, final int nodeIndex) {
        final LogicalNode node = cluster.logicalNode(nodeIndex);
        final NodeWorkers workers = nodeWorkers[nodeIndex];
        Worker worker = workers.idle.poll();
        if (worker == null) {
            if (workers.all.size() >= maxWorkersPerNode) {
                return false;
            }
            worker = new Worker(this, node, registry, workers.all.size());
            workers.all.add(worker);
            worker.start();
        }
        final ResourceAllocation allocation = node.allocate(task.demand);
        if (allocation == null) {
            workers.idle.push(worker);
            return false;  // the policy chose a node that does not fit: treat as not now
        }
        task.node = node;
        task.allocation = allocation;
        task.worker = worker;
        task.state = TaskSpec.State.RUNNING;
        task.outcome = TaskSpec.OUTCOME_NONE;
        tasksDispatched++;
        worker.assign(task);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // close and views (run on this thread through Runnable commands)

    /** Stops taking work: queued and waiting tasks fail; running ones finish. Returns the workers to stop. */
    List<Worker> close() {
        closing = true;
        for (final SchedulingClass c : classes) {
            TaskSpec task;
            while ((task = c.queue.poll()) != null) {
                if (task.state == TaskSpec.State.READY) {
                    finish(task, new TaskCancelledException("kernel closed before task '" + task.name + "' ran"));
                }
            }
        }
        completeDoneObjects();
        final List<Worker> all = new ArrayList<>();
        for (final NodeWorkers w : nodeWorkers) {
            all.addAll(w.all);
        }
        return all;
    }

    long tasksDispatched() {
        return tasksDispatched;
    }

    long tasksFinished() {
        return tasksFinished;
    }

    int queuedTasks() {
        int queued = 0;
        for (final SchedulingClass c : classes) {
            queued += c.queue.size();
        }
        return queued;
    }

    Cluster cluster() {
        return cluster;
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

    private static final class SchedulingClass {
        final long[] demand;
        final SchedulingStrategy strategy;
        final ArrayDeque<TaskSpec> queue = new ArrayDeque<>();

        SchedulingClass(final long[] demand, final SchedulingStrategy strategy) {
            this.demand = demand;
            this.strategy = strategy;
        }
    }

    private static final class NodeWorkers {
        final LogicalNode node;
        final ArrayDeque<Worker> idle = new ArrayDeque<>();
        final List<Worker> all = new ArrayList<>();

        NodeWorkers(final LogicalNode node) {
            this.node = node;
        }
    }
}
