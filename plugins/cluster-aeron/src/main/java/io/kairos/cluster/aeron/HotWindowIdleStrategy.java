package io.kairos.cluster.aeron;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * Yields (never spins) for a window after the last work, then parks with a backoff: a member that just sent or
 * received a message is likely to get the answer soon, so it polls for it without parking, and gives the CPU to
 * whoever has work meanwhile; a member with nothing going on parks as Agrona's backoff does.
 */
final class HotWindowIdleStrategy implements IdleStrategy {
    private final long windowNs;
    private final long minParkNs;
    private final long maxParkNs;
    private long lastWorkNs;
    private long parkNs;
    private volatile Thread parked;

    HotWindowIdleStrategy(final long windowNs, final long minParkNs, final long maxParkNs) {
        this.windowNs = windowNs;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.parkNs = minParkNs;
        this.lastWorkNs = System.nanoTime();
    }

    @Override
    public void idle(final int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (System.nanoTime() - lastWorkNs < windowNs) {
            Thread.yield();
        } else {
            parked = Thread.currentThread();
            LockSupport.parkNanos(parkNs);
            parked = null;
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    /** Whether the thread that idles here parks now. */
    boolean parked() {
        return parked != null;
    }

    /** Any thread: ends the park of the thread that idles here, if it parks, so that it works now. */
    void wake() {
        final Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void reset() {
        lastWorkNs = System.nanoTime();
        parkNs = minParkNs;
    }

    @Override
    public String alias() {
        return "hot-window";
    }
}
