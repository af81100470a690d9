package io.kairos.internal.conductor;

import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.worker.FunctionNames;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.placement.Bundle;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One task: what to run and where it stands. The submitting thread fills the first block and offers the spec to the
 * conductor's queue; from then on the conductor owns it, except while a worker runs it (the worker writes the
 * outcome block and offers the spec back). The queue hand-offs order those writes.
 */
final class TaskSpec {
    enum State { WAITING_FOR_ARGS, READY, RUNNING, DONE }

    enum Kind { TASK, ACTOR_CREATION, ACTOR_CALL }

    static final int OUTCOME_NONE = 0;
    static final int OUTCOME_DONE = 1;    // the result object is complete or failed
    static final int OUTCOME_RETRY = 2;   // failed, to run again
    static final int OUTCOME_CRASH = 3;   // an actor's constructor or method threw an Error: restart the actor

    // --- set at submission ---
    private final String explicitName;
    final Object function;
    final int arity;
    final Object[] args;
    final long[] demand;
    final SchedulingStrategy strategy;
    final int maxRetries;
    final boolean retryExceptions;
    final ObjectState result;
    final Kind kind;
    final ActorState actor;

    /** Runs in a worker process (set at submission; an actor's calls follow their actor). */
    boolean isolated;

    /** Set when another cluster member forwarded the task here: its result goes back to that owner. */
    Origin origin;

    /**
     * Who forwarded a task here: the owner's node, its task id, and the attempt it sent (one reference on every task,
     * so a kernel on its own pays no more than that).
     */
    record Origin(String node, long taskId, int attempt) {
    }

    // --- set at submission when the task targets a placement group bundle (-1: any bundle) ---
    GroupState group;
    int bundleIndex = -1;

    // --- conductor ---
    State state;
    Bundle bundle;
    int pendingArgs;
    int attempts;
    boolean cancelled;
    boolean blocked;
    /** A task waits for this one's result: its completion must be handed to the dependents. */
    boolean hasDependents;
    /** Someone read the result here before it came back: if another member holds it, it is pulled at once. */
    boolean resultWanted;
    /**
     * Some argument is held by another member and taken as ready: the task runs there when it can, or else waits for
     * it to be pulled here ({@link DependencyWaits#canRunWhereHeld}).
     */
    boolean heldArgs;
    LogicalNode node;
    ResourceAllocation allocation;
    Worker worker;

    // --- worker, read by the conductor after the hand-back ---
    int outcome;
    Throwable failure;

    /** Set by the conductor before it interrupts the worker running this task; a call not begun is then skipped. */
    volatile boolean cancelRequested;
    /** An actor call's instance, bound when the call is dispatched: a call never runs on a later incarnation. */
    Object target;

    // --- actor calls ---
    /** The concurrency group of an actor call (0: the actor's default group); a short keeps a spec at 128 bytes. */
    short concurrencyGroup;
    /** Conductor, before it interrupts: the actor restarts and this call is to run again there (maxTaskRetries). */
    boolean retryOnRestart;
    /** Worker: this call failed for a system reason and asks to run again on the restarted actor; result not set. */
    boolean retrying;

    // --- actor call chains: a worker runs the calls after this one without a conductor round trip ---
    static final int CLAIMED = -1;
    static final int TAKEN_BACK = -2;
    private static final AtomicIntegerFieldUpdater<TaskSpec> CLAIM =
        AtomicIntegerFieldUpdater.newUpdater(TaskSpec.class, "claim");

    /** The next call of this call's chain (set by the conductor before the chain's head is handed over). */
    TaskSpec chainNext;
    /** The worker sets it on the call it returns: it will run no further call of the chain. */
    boolean lastInChain;
    /** The id of the chain that may claim this call; CLAIMED once its worker took it, TAKEN_BACK by the conductor. */
    private volatile int claim;

    void offerToChain(final int chainId) {
        CLAIM.set(this, chainId);
    }

    /** Worker: takes this call if it is still its chain's to run. */
    boolean claimForChain(final int chainId) {
        return CLAIM.compareAndSet(this, chainId, CLAIMED);
    }

    /** Conductor: takes this call back from its chain if no worker took it yet. */
    boolean takeBack(final int chainId) {
        return CLAIM.compareAndSet(this, chainId, TAKEN_BACK);
    }

    int chainId;

    TaskSpec(final String name, final Object function, final int arity, final Object[] args,
             final long[] demand, final SchedulingStrategy strategy, final int maxRetries,
             final boolean retryExceptions, final ObjectState result) {
        this(name, function, arity, args, demand, strategy, maxRetries, retryExceptions, result, Kind.TASK, null);
    }

    TaskSpec(final String name, final Object function, final int arity, final Object[] args,
             final long[] demand, final SchedulingStrategy strategy, final int maxRetries,
             final boolean retryExceptions, final ObjectState result, final Kind kind, final ActorState actor) {
        this.explicitName = name;
        this.function = function;
        this.arity = arity;
        this.args = args;
        this.demand = demand;
        this.strategy = strategy;
        this.maxRetries = maxRetries;
        this.retryExceptions = retryExceptions;
        this.result = result;
        result.producer = this;
        this.kind = kind;
        this.actor = actor;
    }

    /** The task's id: its result object's id. */
    long taskId() {
        return result.id;
    }

    /** The name given with setName, or null. */
    String explicitName() {
        return explicitName;
    }

    /** The setName name, else the function's (an actor call: "actor ... call"), built only when needed. */
    String name() {
        if (explicitName != null) {
            return explicitName;
        }
        return kind == Kind.ACTOR_CALL ? actor.describe() + " call" : FunctionNames.taskName(function);
    }

    @Override
    public String toString() {
        return "Task(" + taskId() + ", " + name() + ", " + state + ")";
    }
}
