package io.kairos.raypeer;

import io.kairos.raypeer.RayBenchmarks.Fixture;
import io.kairos.raypeer.RayBenchmarks.Unit;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The measurement of Ray's {@code ray_perf.py} {@code timeit}: run the operation in a loop for the warm-up time,
 * then for each round in a loop for the round time; a round's rate is units / elapsed seconds, the score is the
 * median round. A round runs at least one operation. {@code System.gc()} runs before each round, outside the
 * timed loop, so garbage from one round is not collected on the next one's clock.
 */
final class Timeit {

    /**
     * What a benchmark measured.
     *
     * @param score  the median round's rate
     * @param rounds every round's rate, in order
     */
    record Measurement(double score, double[] rounds) {
    }

    private Timeit() {
    }

    /**
     * Measures a fixture.
     *
     * @param fixture   the operation
     * @param unit      how units become a rate
     * @param latencies reset after the warm-up, so it holds the measured rounds' latencies only
     * @param warmupMs  warm-up time, milliseconds (0: none)
     * @param measureMs one round's time, milliseconds
     * @param rounds    how many rounds
     * @return the rounds and their median
     * @throws Exception the first operation failure
     */
    static Measurement measure(final Fixture fixture, final Unit unit, final Histogram latencies,
                               final long warmupMs, final long measureMs, final int rounds) throws Exception {
        final long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        while (System.nanoTime() - warmupEnd < 0) {
            fixture.run();
        }
        latencies.reset();
        final long roundNs = TimeUnit.MILLISECONDS.toNanos(measureMs);
        final double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            System.gc();
            final long start = System.nanoTime();
            long units = 0;
            long now;
            do {
                units += fixture.run();
                now = System.nanoTime();
            } while (now - start < roundNs);
            rates[r] = units / unit.divisor / ((now - start) / 1e9);
        }
        return new Measurement(median(rates), rates);
    }

    static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
