package io.kairos;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.FixedPoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-process worker thread of one logical node. The conductor hands it one task at a time through a
 * single-slot mailbox ({@link #assign}) and unparks it; it runs the task and offers the spec back to the conductor.
 */
final class Worker implements Runnable {
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    final LogicalNode node;
    final Thread thread;
    final WorkerEvent blockedEvent = new WorkerEvent(this, true);
    final WorkerEvent unblockedEvent = new WorkerEvent(this, false);
    private final SchedulerConductor conductor;
    private final ResourceRegistry registry;
    private final Object[] resolved = new Object[6];
    private volatile TaskSpec mailbox;
    private volatile boolean stopping;
    volatile TaskSpec running;

    Worker(final SchedulerConductor conductor, final LogicalNode node, final ResourceRegistry registry, final int number) {
        this.conductor = conductor;
        this.node = node;
        this.registry = registry;
        this.thread = new Thread(this, "kairos-worker-" + node.nodeId() + "-" + number);
        this.thread.setDaemon(true);
    }

    /** The worker whose thread this is, or null. */
    static Worker current() {
        return CURRENT.get();
    }

    void start() {
        thread.start();
    }

    /** Conductor: hands over a task (the worker is idle). */
    void assign(final TaskSpec task) {
        running = task;
        mailbox = task;
        LockSupport.unpark(thread);
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
                LockSupport.park(this);
                continue;
            }
            mailbox = null;
            execute(task);
            running = null;
            Thread.interrupted();  // a cancel's interrupt must not reach the next task
            conductor.offerFromWorker(task);
        }
        CURRENT.remove();
    }

    private void execute(final TaskSpec task) {
        try {
            for (int i = 0; i < task.arity; i++) {
                final Object arg = task.args[i];
                resolved[i] = arg instanceof ObjectRef ? ((ObjectRef<?>) arg).state().value() : arg;
            }
            final Object value = invoke(task);
            task.result.complete(value);
            task.outcome = TaskSpec.OUTCOME_DONE;
        } catch (final Throwable t) {
            if (task.cancelRequested) {
                task.result.fail(new TaskCancelledException("task '" + task.name + "' was cancelled while running"));
                task.outcome = TaskSpec.OUTCOME_DONE;
                return;
            }
            final boolean system = t instanceof Error;
            if ((system || task.retryExceptions) && task.attempts < task.maxRetries && !task.result.isDone()) {
                task.outcome = TaskSpec.OUTCOME_RETRY;
            } else {
                task.result.fail(new TaskFailedException(task.name, String.valueOf(t), t));
                task.outcome = TaskSpec.OUTCOME_DONE;
            }
        } finally {
            for (int i = 0; i < task.arity; i++) {
                resolved[i] = null;
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object invoke(final TaskSpec task) throws Exception {
        final Object[] a = resolved;
        switch (task.arity) {
            case 0:
                return ((KFunc0) task.function).apply();
            case 1:
                return ((KFunc1) task.function).apply(a[0]);
            case 2:
                return ((KFunc2) task.function).apply(a[0], a[1]);
            case 3:
                return ((KFunc3) task.function).apply(a[0], a[1], a[2]);
            case 4:
                return ((KFunc4) task.function).apply(a[0], a[1], a[2], a[3]);
            case 5:
                return ((KFunc5) task.function).apply(a[0], a[1], a[2], a[3], a[4]);
            case 6:
                return ((KFunc6) task.function).apply(a[0], a[1], a[2], a[3], a[4], a[5]);
            default:
                throw new IllegalStateException("arity " + task.arity);
        }
    }

    /** Built on demand ({@link TaskContext#current()}), so a task that never asks allocates nothing for it. */
    TaskContext contextOf(final TaskSpec task) {
        final ResourceAllocation allocation = task.allocation;
        final Map<String, Double> units = new LinkedHashMap<>();
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
        return new TaskContext(task.taskId, task.name, node.nodeId(), task.attempts, Map.copyOf(units), instances, shares);
    }

    /** A worker's task is blocked in get (gives its CPU back) or unblocked (takes it again). Preallocated. */
    static final class WorkerEvent {
        final Worker worker;
        final boolean blocked;
        TaskSpec task;

        WorkerEvent(final Worker worker, final boolean blocked) {
            this.worker = worker;
            this.blocked = blocked;
        }
    }
}
