package io.kairos.cli;

import io.kairos.spi.kernel.KernelListener;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's drivers and the kernel report, shared by every thread: checked results, lost tasks and wrong
 * results (with the first few descriptions), the round-trip latencies, and the kernel's task, retry and restart
 * counts (as its listener).
 */
final class SoakLedger implements KernelListener {
    /** How many lost or wrong results are described; the rest are counted. */
    static final int DESCRIBED = 5;
    /** The longest round trip the histogram records (60 s); longer ones are recorded as this. */
    static final long MAX_ROUND_TRIP_NS = TimeUnit.SECONDS.toNanos(60);

    private final LongAdder checked = new LongAdder();
    private final LongAdder tasksFinished = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private final LongAdder groups = new LongAdder();
    private final LongAdder largeObjects = new LongAdder();
    private final AtomicLong kills = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final List<String> lostDescribed = new ArrayList<>();
    private final List<String> wrongDescribed = new ArrayList<>();
    private final Recorder roundTrips = new Recorder(MAX_ROUND_TRIP_NS, 3);
    private final CountDownLatch firstFailure = new CountDownLatch(1);

    void checked(final long results) {
        checked.add(results);
    }

    void roundTrip(final long nanos) {
        roundTrips.recordValue(Math.min(Math.max(nanos, 0), MAX_ROUND_TRIP_NS));
    }

    /** A task that did not come back in time, or failed where its retries should have covered it. */
    void lost(final String what) {
        lost.incrementAndGet();
        describe(lostDescribed, what);
    }

    /** A result that is not the function of its input. */
    void wrong(final String what) {
        wrong.incrementAndGet();
        describe(wrongDescribed, what);
    }

    private void describe(final List<String> list, final String what) {
        synchronized (list) {
            if (list.size() < DESCRIBED) {
                list.add(what);
            }
        }
        firstFailure.countDown();
    }

    /**
     * Waits until a lost task or a wrong result is reported, or the time is up.
     *
     * @return true if one was reported
     */
    boolean awaitFailure(final long nanos) throws InterruptedException {
        return firstFailure.await(nanos, TimeUnit.NANOSECONDS);
    }

    void killed() {
        kills.incrementAndGet();
    }

    void groupDone() {
        groups.increment();
    }

    void largeObject() {
        largeObjects.increment();
    }

    /** The latencies recorded since the last call (each window's). */
    Histogram takeRoundTrips() {
        return roundTrips.getIntervalHistogram();
    }

    long checked() {
        return checked.sum();
    }

    long tasksFinished() {
        return tasksFinished.sum();
    }

    long retries() {
        return retries.sum();
    }

    long restarts() {
        return restarts.sum();
    }

    long kills() {
        return kills.get();
    }

    long groups() {
        return groups.sum();
    }

    long largeObjects() {
        return largeObjects.sum();
    }

    long lost() {
        return lost.get();
    }

    long wrong() {
        return wrong.get();
    }

    List<String> lostDescribed() {
        synchronized (lostDescribed) {
            return List.copyOf(lostDescribed);
        }
    }

    List<String> wrongDescribed() {
        synchronized (wrongDescribed) {
            return List.copyOf(wrongDescribed);
        }
    }

    boolean failed() {
        return lost.get() + wrong.get() > 0;
    }

    // ---- the kernel's listener: called on its conductor thread, so only counters ----

    @Override
    public void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
        if (attempt > 0) {
            retries.increment();
        }
    }

    @Override
    public void onTaskFinished(final long taskId, final boolean succeeded) {
        tasksFinished.increment();
    }

    @Override
    public void onActorState(final long actorId, final String state) {
        if ("RESTARTING".equals(state)) {
            restarts.increment();
        }
    }
}
