package io.kairos.internal.conductor;

import io.kairos.exception.CommandQueueFullException;
import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * How callers reach the conductor's command queue. An offer that finds room costs one queue offer and one volatile
 * read, nothing more. One that finds the queue full drives the conductor itself in INVOKER mode (the owner thread),
 * else backs off (spin, yield, then park up to 1 ms) and gives up with a {@link CommandQueueFullException} once the
 * queue has stayed full for the queue timeout: the conductor is stalled. Before, a caller spun at full speed for as
 * long as the queue stayed full, for ever in INVOKER mode when no thread drove the conductor.
 *
 * <p>Close: once the conductor has stopped for good, {@link #closeForGood} fails every submission still queued (it
 * raced close) and an offer made after it throws {@link KernelClosedException}. The two meet as in Dekker's algorithm
 * (the offer's claim of a slot, then a read of {@link #closed}; close's write of it, then its read of the queue), so a
 * submission is either failed by close or refused to its caller: no ref is left that nothing will ever complete.
 */
final class ConductorQueue {
    private static final long QUERY_TIMEOUT_SECONDS = 30;
    private static final int SPINS = 64;
    private static final int YIELDS = 128;
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final KernelCore core;
    private final SchedulerConductor conductor;
    private final int capacity;
    private long timeoutNanos = TimeUnit.SECONDS.toNanos(30);
    /** Set once the conductor stopped for good and what was queued was failed (see the class comment). */
    private volatile boolean closed;

    ConductorQueue(final KernelCore core, final SchedulerConductor conductor, final int capacity) {
        this.core = core;
        this.conductor = conductor;
        this.capacity = capacity;
    }

    /** How long an offer waits for room in a full queue (set while the kernel is assembled). */
    void timeout(final long nanos) {
        this.timeoutNanos = nanos;
    }

    /**
     * Offers a caller's command.
     *
     * @throws KernelClosedException     if the kernel closed first
     * @throws CommandQueueFullException if the queue stayed full for the timeout
     */
    void offer(final Object command) {
        if (!conductor.offer(command)) {
            awaitRoom(command, true);
        }
        if (closed) {
            throw new KernelClosedException("the kernel is closed");
        }
    }

    /** Runs query on the conductor's thread, with the state it reads, and returns its answer. */
    <T> T onConductor(final Supplier<T> query) {
        final Query<T> command = new Query<>(query);
        if (!conductor.offer(command)) {
            awaitRoom(command, false);  // close itself asks the conductor: no check of the kernel's closed flag
        }
        if (closed) {
            throw new KernelClosedException("the kernel is closed");
        }
        try {
            while (core.driveIfOwner() && !command.future.isDone()) {
                Thread.onSpinWait();
            }
            return command.future.get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof KernelClosedException) {
                throw (KernelClosedException) e.getCause();
            }
            throw new KairosException("the conductor did not answer within " + QUERY_TIMEOUT_SECONDS + " s", e);
        } catch (final Exception e) {
            throw new KairosException("the conductor did not answer within " + QUERY_TIMEOUT_SECONDS + " s", e);
        }
    }

    private void awaitRoom(final Object command, final boolean whileOpen) {
        final long start = System.nanoTime();
        for (int round = 0; !conductor.offer(command); round++) {
            if (core.driveIfOwner()) {
                continue;  // INVOKER mode, the owner thread: it drains the queue itself
            }
            if (whileOpen) {
                core.ensureOpen();
            }
            if (System.nanoTime() - start > timeoutNanos) {
                throw new CommandQueueFullException("the conductor's command queue (capacity " + capacity + ") stayed "
                    + "full for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: the conductor takes no commands"
                    + (core.invokerMode() ? " (ThreadingMode.INVOKER: drive it with Kernel.invoker().invoke())"
                    : " (a listener or plugin may block its thread)") + "; see KernelContext.commandQueueTimeout");
            }
            backOff(round);
        }
    }

    /** Spin, then yield, then park for up to 1 ms: a full queue must not take the conductor's core. */
    static void backOff(final int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1_000L << Math.min(10, round - YIELDS)));
        }
    }

    /**
     * Close, once the conductor has stopped (its thread ended, or its invoker closed): takes its duty for good, then
     * fails what is still queued: tasks, actor calls and actor creations no cycle took, groups to create, queries.
     */
    void closeForGood() {
        closed = true;
        conductor.stopForGood();
    }

    /** A query for the conductor's thread; close fails one it never ran. */
    static final class Query<T> implements Runnable {
        final CompletableFuture<T> future = new CompletableFuture<>();
        private final Supplier<T> query;

        Query(final Supplier<T> query) {
            this.query = query;
        }

        @Override
        public void run() {
            try {
                future.complete(query.get());
            } catch (final Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }
}
