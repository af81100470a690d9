package io.kairos.internal.conductor;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * The conductor's idle strategy: tells callers and workers when the conductor parks, so that they unpark it only
 * then. By default it spins (pausing between polls), yields, then parks from 1 us doubling to 1 ms (as Agrona's
 * backoff) and raises the flag in the park phase only; around a strategy set by the embedder it raises the flag on
 * every idle call.
 */
public final class ConductorIdleStrategy implements IdleStrategy {
    private static final int SPINS = 64;
    /**
     * A cluster member's conductor spins 4 times and yields 64: its transport thread and its workers run its duty
     * cycles too ({@code help}), and on few cores its spinning took the CPU they needed (a cross-node round trip
     * 57 → 43-48 µs on 2 cores with 4 spins and 64 yields).
     */
    private static final int CLUSTER_SPINS = 4;
    private static final int CLUSTER_YIELDS = 64;
    /**
     * CPU pauses per spin: an empty queue polled in a tight loop takes the cache line of the slot the next
     * submission is written to away from its producer on every poll; pausing between polls kept whole JMH forks
     * out of a mode at a third of the throughput (tasks_async forks 1.3-6.0 M/s before, 3.7-5.3 M/s after).
     */
    private static final int PAUSES = 16;
    private static final int YIELDS = 16;
    private final int spins;
    private final int yields;
    private static final long MIN_PARK_NS = 1_000;
    private static final long MAX_PARK_NS = 1_000_000;

    private final IdleStrategy delegate;
    private final SchedulerConductor conductor;
    private int idles;
    private long parkNs = MIN_PARK_NS;

    /**
     * @param delegate the embedder's strategy, or null for the default backoff
     * @param clustered whether the kernel is a member of a cluster (the default backoff then yields sooner)
     */
    public ConductorIdleStrategy(final IdleStrategy delegate, final SchedulerConductor conductor,
                                 final boolean clustered) {
        this.delegate = delegate;
        this.conductor = conductor;
        this.spins = clustered ? CLUSTER_SPINS : SPINS;
        this.yields = clustered ? CLUSTER_YIELDS : YIELDS;
    }

    @Override
    public void idle(final int workCount) {
        if (workCount > 0) {
            reset();
            return;
        }
        idle();
    }

    @Override
    public void idle() {
        if (delegate != null) {
            conductor.sleeping(true);
            if (!conductor.hasCommands()) {
                delegate.idle(0);
            }
            conductor.sleeping(false);
            return;
        }
        if (idles < spins) {
            idles++;
            for (int k = 0; k < PAUSES; k++) {
                Thread.onSpinWait();
            }
        } else if (idles < spins + yields) {
            idles++;
            Thread.yield();
        } else {
            conductor.sleeping(true);
            if (!conductor.hasCommands()) {
                LockSupport.parkNanos(parkNs);
                parkNs = Math.min(parkNs << 1, MAX_PARK_NS);
            }
            conductor.sleeping(false);
        }
    }

    @Override
    public void reset() {
        if (delegate != null) {
            delegate.reset();
        }
        idles = 0;
        parkNs = MIN_PARK_NS;
    }
}
