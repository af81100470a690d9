package io.kairos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25: 100,000 in-process actors created, called once and killed, in rounds of 10,000 in one kernel. Killed
 * actors leave nothing behind: the time per actor of the last rounds stays within a bound of the first ones', the
 * heap after collection stays flat, and the actors share a bounded pool of threads (a thread per actor, as before,
 * was 100,000 thread starts and the slowdown across rounds).
 */
class ActorChurnTest {
    private static final int ROUNDS = 10;
    private static final int ACTORS = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    static final class Counter {
        private int count;

        Integer increment() {
            return ++count;
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void createAndKill100kActorsHoldsTimeAndHeapFlat() {
        final double[] nanosPerActor = new double[ROUNDS];
        long heapAfterFirst = 0;
        long heapAfterLast = 0;
        int maxWorkers = 0;
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(2))) {
            for (int round = 0; round < ROUNDS; round++) {
                final List<ActorHandle<Counter>> actors = new ArrayList<>(ACTORS);
                final List<ObjectRef<Integer>> calls = new ArrayList<>(ACTORS);
                final long start = System.nanoTime();
                for (int i = 0; i < ACTORS; i++) {
                    actors.add(kernel.actor(Counter::new).remote());
                }
                for (final ActorHandle<Counter> actor : actors) {
                    calls.add(actor.task(Counter::increment).remote());
                }
                final List<Integer> values = kernel.get(calls, WAIT);
                nanosPerActor[round] = (System.nanoTime() - start) / (double) ACTORS;
                assertEquals(ACTORS, values.size());
                values.forEach(v -> assertEquals(1, v));
                actors.forEach(a -> kernel.kill(a, true));
                kernel.resources();  // answered after the kills were taken in
                maxWorkers = Math.max(maxWorkers, workerThreads());
                if (round == 1) {
                    heapAfterFirst = usedHeapAfterGc();
                } else if (round == ROUNDS - 1) {
                    heapAfterLast = usedHeapAfterGc();
                }
            }
        }
        // round 0 warms the JIT up; rounds 1-3 are the baseline, the last three must not be slower than 3x it
        final double early = median(Arrays.copyOfRange(nanosPerActor, 1, 4));
        final double late = median(Arrays.copyOfRange(nanosPerActor, ROUNDS - 3, ROUNDS));
        final String figures = "ns per actor by round: " + Arrays.toString(Arrays.stream(nanosPerActor)
            .mapToLong(Math::round).toArray()) + "; heap after round 1 " + (heapAfterFirst >> 10) + " KiB, after round "
            + (ROUNDS - 1) + " " + (heapAfterLast >> 10) + " KiB; at most " + maxWorkers + " worker threads";
        assertTrue(late <= 3 * early, "the last rounds slowed down: " + figures);
        // 80,000 actors killed in between: 8 MiB is 100 B each, far below what a kept ActorState, its queues and
        // its creation task take
        assertTrue(heapAfterLast - heapAfterFirst < 8L << 20, "the heap grew: " + figures);
        assertTrue(maxWorkers < 1_000, "actors took a thread each: " + figures);
    }

    private static int workerThreads() {
        int n = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("kairos-worker")) {
                n++;
            }
        }
        return n;
    }

    private static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < (1L << 18)) {
                break;
            }
            previous = used;
        }
        return used;
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
