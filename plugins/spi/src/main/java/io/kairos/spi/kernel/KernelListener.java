package io.kairos.spi.kernel;

/**
 * Told of the kernel's state transitions, for metrics and tracing. Every method is called by the conductor, one call
 * at a time, in order, as the transition happens (on the conductor's thread, or on a caller's thread that runs a duty
 * cycle for it while waiting in get: never rely on the thread's identity). Return quickly, never block, never call the
 * kernel back (hand events to a queue of your own if they need work). A listener that throws is reported and does not
 * stop the kernel.
 * All methods are {@code default} no-ops: implement what you need; new events arrive as new default methods.
 */
public interface KernelListener {
    /** A task (or actor call) was taken by the conductor. */
    default void onTaskSubmitted(final long taskId) {
    }

    /**
     * A task was handed to a worker of nodeId (a retry starts again with attempt > 0). A task queued behind another
     * on the same worker (a chain) is reported when the chain is handed over, and again if it is taken back and
     * handed over anew.
     */
    default void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
    }

    /** A task is done for good: succeeded, failed (after its retries) or cancelled. */
    default void onTaskFinished(final long taskId, final boolean succeeded) {
    }

    /** An actor moved to state: PENDING_CREATION, ALIVE, RESTARTING or DEAD. */
    default void onActorState(final long actorId, final String state) {
    }

    /** A placement group moved to state: CREATED, FAILED or REMOVED. */
    default void onPlacementGroupState(final long groupId, final String state) {
    }
}
