package io.kairos.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the figures a benchmark {@linkplain #publish publishes} in an iteration (e.g. heap bytes per queued task,
 * measured in its {@code @TearDown(Level.Iteration)}) into JMH secondary results, averaged over the measurement
 * iterations: {@code ./kairos jmh KernelQueuedTasks -prof io.kairos.bench.FootprintProfiler}, and what
 * {@code kairos bench kernel} reads. It runs inside the benchmark's JVM, after the iteration's tear-down.
 */
public final class FootprintProfiler implements InternalProfiler {
    private static final Map<String, ScalarResult> PUBLISHED = new LinkedHashMap<>();

    /** Records a figure of the current iteration (the last value of a name wins). */
    public static void publish(final String name, final double value, final String unit) {
        synchronized (PUBLISHED) {
            PUBLISHED.put(name, new ScalarResult(name, value, unit, AggregationPolicy.AVG));
        }
    }

    @Override
    public String getDescription() {
        return "Kairos: figures a benchmark publishes per iteration (e.g. heap bytes per queued task)";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams) {
        synchronized (PUBLISHED) {
            PUBLISHED.clear();
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(final BenchmarkParams benchmarkParams,
                                                       final IterationParams iterationParams,
                                                       final IterationResult result) {
        synchronized (PUBLISHED) {
            final List<ScalarResult> results = new ArrayList<>(PUBLISHED.values());
            PUBLISHED.clear();
            return results;
        }
    }
}
