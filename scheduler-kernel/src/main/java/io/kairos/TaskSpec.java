package io.kairos;

import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.spi.scheduling.SchedulingStrategy;

/**
 * One task: what to run and where it stands. The submitting thread fills the first block and offers the spec to the
 * conductor's queue; from then on the conductor owns it, except while a worker runs it (the worker writes the
 * outcome block and offers the spec back). The queue hand-offs order those writes.
 */
final class TaskSpec {
    enum State { WAITING_FOR_ARGS, READY, RUNNING, DONE }

    static final int OUTCOME_NONE = 0;
    static final int OUTCOME_DONE = 1;    // the result object is complete or failed
    static final int OUTCOME_RETRY = 2;   // failed, to run again

    // --- set at submission ---
    final long taskId;
    final String name;
    final Object function;
    final int arity;
    final Object[] args;
    final long[] demand;
    final SchedulingStrategy strategy;
    final int maxRetries;
    final boolean retryExceptions;
    final ObjectState result;

    // --- conductor ---
    State state;
    int pendingArgs;
    int attempts;
    boolean cancelled;
    boolean blocked;
    LogicalNode node;
    ResourceAllocation allocation;
    Worker worker;
    TaskSpec nextInQueue;

    // --- worker, read by the conductor after the hand-back ---
    int outcome;

    /** Set by the conductor before it interrupts the worker running this task. */
    volatile boolean cancelRequested;

    TaskSpec(final long taskId, final String name, final Object function, final int arity, final Object[] args,
             final long[] demand, final SchedulingStrategy strategy, final int maxRetries,
             final boolean retryExceptions, final ObjectState result) {
        this.taskId = taskId;
        this.name = name;
        this.function = function;
        this.arity = arity;
        this.args = args;
        this.demand = demand;
        this.strategy = strategy;
        this.maxRetries = maxRetries;
        this.retryExceptions = retryExceptions;
        this.result = result;
    }

    @Override
    public String toString() {
        return "Task(" + taskId + ", " + name + ", " + state + ")";
    }
}
