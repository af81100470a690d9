package io.kairos;

import io.kairos.spi.kernel.KernelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callers waiting in get run the conductor's duty cycles when its thread does not: the duty must stay exclusive
 * (one holder at a time, each seeing what the one before wrote) and no submission or return may be lost.
 */
@Timeout(60)
class ConductorDutyTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** Fails if two threads are ever inside the conductor at once; counts what it saw and on which threads. */
    static final class ExclusiveListener implements KernelListener {
        final AtomicBoolean inside = new AtomicBoolean();
        final AtomicReference<String> overlap = new AtomicReference<>();
        final AtomicInteger submitted = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger events = new AtomicInteger();
        private int plainCount;  // only ever touched under the duty: lost updates would show a race

        private void enter(final String event) {
            if (!inside.compareAndSet(false, true)) {
                overlap.compareAndSet(null, event + " on " + Thread.currentThread().getName());
            }
            plainCount++;
            events.incrementAndGet();
        }

        private void exit() {
            inside.set(false);
        }

        @Override
        public void onTaskSubmitted(final long taskId) {
            enter("submitted");
            submitted.incrementAndGet();
            exit();
        }

        @Override
        public void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
            enter("started");
            exit();
        }

        @Override
        public void onTaskFinished(final long taskId, final boolean succeeded) {
            enter("finished");
            finished.incrementAndGet();
            exit();
        }
    }

    @Test
    void concurrentCallersHelpingTheConductorNeverOverlapAndLoseNothing() throws Exception {
        final ExclusiveListener listener = new ExclusiveListener();
        kernel = Kernel.start(new KernelContext().cpus(2).listener(listener));
        final int callers = 4;
        final int rounds = 3_000;
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            final int base = c * rounds;
            final Thread t = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        final int x = base + i;
                        if (kernel.task(KernelTest::add, x, 1).remote().get(WAIT) != x + 1) {
                            throw new AssertionError("wrong result for " + x);
                        }
                        if (i % 100 == 0) {  // a burst, got in reverse, mixes helping with the conductor's own cycles
                            final List<ObjectRef<Integer>> burst = new ArrayList<>();
                            for (int j = 0; j < 50; j++) {
                                burst.add(kernel.task(KernelTest::square, j).remote());
                            }
                            for (int j = 49; j >= 0; j--) {
                                if (burst.get(j).get(WAIT) != j * j) {
                                    throw new AssertionError("wrong square of " + j);
                                }
                            }
                        }
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "caller-" + c);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(50));
            assertTrue(!t.isAlive(), t.getName() + " finished");
        }
        assertNull(failure.get(), () -> "a caller failed: " + failure.get());
        final int tasks = callers * (rounds + (rounds / 100) * 50);
        // the conductor reports a finish after it took the worker's return: wait for the last ones
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (listener.finished.get() < tasks && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertNull(listener.overlap.get(), "two threads inside the conductor at once");
        assertEquals(tasks, listener.submitted.get());
        assertEquals(tasks, listener.finished.get());
        assertEquals(2.0, kernel.resources().get(0).available().get("CPU"), 1e-9, "every CPU given back");
        // read after a query answered by the conductor, so ordered after every duty cycle before it
        assertEquals(listener.events.get(), listener.plainCount, "a plain counter bumped only under the duty lost no update");
    }
}
