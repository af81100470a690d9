package io.kairos.cli;

import io.kairos.bench.KernelObjectsBenchmark;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.KernelTasksBenchmark;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code kairos bench kernel} runs (the steps, one JMH benchmark each), the figures each step gives (a
 * score, a percentile or a secondary result), how the table pairs each figure with its peers, and the targets.
 */
final class KernelBenchPlan {
    /** How a figure is shown: ops/s, a latency (measured in ns, shown in µs), seconds, or heap bytes per task. */
    enum Kind { OPS_PER_SECOND, LATENCY, SECONDS, BYTES_PER_TASK }

    /** Where a figure comes from in a step's JMH result. */
    enum Source { SCORE, P50, P99, SECONDARY }

    /**
     * One figure of a step.
     *
     * @param secondary for {@link Source#SECONDARY}: the secondary result's name
     */
    record Figure(String key, String label, Kind kind, Source source, String secondary) {
        /** The figure from a step's primary result and secondary results; NaN when it is not there. */
        double from(final Result<?> primary, final Map<String, Result> secondaries) {
            switch (source) {
                case SCORE:
                    return primary.getScore();
                case P50:
                    return primary.getStatistics().getPercentile(50);
                case P99:
                    return primary.getStatistics().getPercentile(99);
                default:
                    final Result<?> result = secondaries.get(secondary);
                    return result == null ? Double.NaN : result.getScore();
            }
        }
    }

    /**
     * One JMH run: a benchmark method with one parameter set, in one mode; the figures it gives.
     *
     * @param jvmArgs flags the fork needs besides the stack's (options replace the annotation's jvmArgsAppend)
     */
    record Step(String key, String label, Class<?> benchmark, String method, Map<String, String> params, Mode mode,
                List<String> jvmArgs, List<Figure> figures) {
        String include() {
            return "^" + (benchmark.getName() + "." + method).replace(".", "\\.") + "$";
        }

        /** The unit JMH reports the score in: ops/s for throughput, ns for samples, s for a single shot. */
        TimeUnit timeUnit() {
            return mode == Mode.SampleTime ? TimeUnit.NANOSECONDS : TimeUnit.SECONDS;
        }

        /** Whether the step needs the {@link io.kairos.bench.FootprintProfiler} (it has secondary figures). */
        boolean needsFootprint() {
            return figures.stream().anyMatch(f -> f.source() == Source.SECONDARY);
        }
    }

    /** A table line: a figure and the peers it is shown against. */
    record Row(String key, List<String> peerKeys) {
    }

    /** A target: a bound on one figure, either absolute or a fraction of a peer figure. */
    record Target(String description, String key, String peerKey, double bound, boolean atLeast) {
        /** Whether value (and peer, for a relative target) meets it. */
        boolean met(final double value, final double peer) {
            final double limit = peerKey == null ? bound : bound * peer;
            return atLeast ? value >= limit : value <= limit;
        }
    }

    final List<Step> steps = new ArrayList<>();
    final List<Row> rows = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();

    static KernelBenchPlan create(final boolean quick) {
        final KernelBenchPlan plan = new KernelBenchPlan();
        final Class<?> tasks = KernelTasksBenchmark.class;

        // single client tasks async: ops = tasks
        plan.ops("tasks_async", "tasks async (Kernel)", tasks, "single_client_tasks_async");
        plan.ops("tasks_async.tpe", "ThreadPoolExecutor", tasks, "jdk_thread_pool_tasks_async");
        final List<String> asyncPeers = new ArrayList<>(List.of("tasks_async.tpe"));
        if (!quick) {
            plan.ops("tasks_async.fj", "ForkJoinPool", tasks, "jdk_fork_join_tasks_async");
            plan.ops("tasks_async.cf", "CompletableFuture.supplyAsync", tasks, "jdk_completable_future_tasks_async");
            asyncPeers.addAll(List.of("tasks_async.fj", "tasks_async.cf"));
        }
        plan.rows.add(new Row("tasks_async", asyncPeers));
        plan.targets.add(new Target("tasks async >= 2,000,000 tasks/s", "tasks_async", null, 2e6, true));
        plan.targets.add(new Target("tasks async >= 0.5x ThreadPoolExecutor", "tasks_async", "tasks_async.tpe", 0.5,
            true));

        // single client tasks sync: p50 and p99 of the round trip
        plan.latency("tasks_sync", "tasks sync (Kernel)", tasks, "single_client_tasks_sync");
        plan.latency("tasks_sync.tpe", "ThreadPoolExecutor", tasks, "jdk_thread_pool_tasks_sync");
        final List<String> syncPeers = new ArrayList<>(List.of("tasks_sync.tpe"));
        if (!quick) {
            plan.latency("tasks_sync.fj", "ForkJoinPool", tasks, "jdk_fork_join_tasks_sync");
            plan.latency("tasks_sync.cf", "CompletableFuture.supplyAsync", tasks, "jdk_completable_future_tasks_sync");
            syncPeers.addAll(List.of("tasks_sync.fj", "tasks_sync.cf"));
        }
        for (final String percentile : List.of(".p50", ".p99")) {
            plan.rows.add(new Row("tasks_sync" + percentile, syncPeers.stream().map(p -> p + percentile).toList()));
        }
        plan.targets.add(new Target("tasks sync p50 <= 5 µs", "tasks_sync.p50", null, 5_000, false));

        // objects
        final Class<?> objects = KernelObjectsBenchmark.class;
        plan.ops("put", "put calls (Kernel)", objects, "single_client_put_calls");
        plan.ops("put.chm", "ConcurrentHashMap put", objects, "jdk_concurrent_hash_map_put");
        plan.rows.add(new Row("put", List.of("put.chm")));
        plan.ops("get", "get calls (Kernel)", objects, "single_client_get_calls");
        plan.ops("get.chm", "ConcurrentHashMap get", objects, "jdk_concurrent_hash_map_get");
        plan.rows.add(new Row("get", List.of("get.chm")));
        plan.ops("wait", "wait 1k refs (Kernel)", objects, "single_client_wait_1k_refs");
        plan.ops("wait.cf", "CompletableFuture.allOf 1k", objects, "jdk_completable_future_all_of_1k");
        plan.rows.add(new Row("wait", List.of("wait.cf")));
        plan.targets.add(new Target("wait 1k refs >= 10,000 calls/s", "wait", null, 1e4, true));

        // 1M queued tasks
        final Class<?> queued = KernelQueuedTasksBenchmark.class;
        plan.queued("queued", "1M queued (Kernel)", queued, "many_queued_tasks", Map.of("blockedOn", "cpu"));
        plan.queued("queued.tpe", "ThreadPoolExecutor", queued, "jdk_thread_pool_many_queued_tasks", Map.of());
        for (final String figure : List.of("", ".retained", ".allocated", ".drain")) {
            plan.rows.add(new Row("queued" + figure, List.of("queued.tpe" + figure)));
        }
        plan.targets.add(new Target("1M queued tasks submitted in <= 2 s", "queued", null, 2, false));
        plan.targets.add(new Target("1M queued tasks <= 200 B each (retained heap)", "queued.retained", null, 200,
            false));
        plan.targets.add(new Target("1M queued tasks <= 200 B each (allocated by the submitter)", "queued.allocated",
            null, 200, false));
        return plan;
    }

    Step step(final String key) {
        for (final Step step : steps) {
            if (step.key().equals(key)) {
                return step;
            }
        }
        throw new IllegalArgumentException("no step " + key);
    }

    /** The figure with this key, whichever step gives it. */
    Figure figure(final String key) {
        for (final Step step : steps) {
            for (final Figure figure : step.figures()) {
                if (figure.key().equals(key)) {
                    return figure;
                }
            }
        }
        throw new IllegalArgumentException("no figure " + key);
    }

    private void ops(final String key, final String label, final Class<?> benchmark, final String method) {
        steps.add(new Step(key, label, benchmark, method, Map.of(), Mode.Throughput, List.of(),
            List.of(new Figure(key, label, Kind.OPS_PER_SECOND, Source.SCORE, null))));
    }

    private void latency(final String key, final String label, final Class<?> benchmark, final String method) {
        steps.add(new Step(key, label, benchmark, method, Map.of(), Mode.SampleTime, List.of(), List.of(
            new Figure(key + ".p50", label + " p50", Kind.LATENCY, Source.P50, null),
            new Figure(key + ".p99", label + " p99", Kind.LATENCY, Source.P99, null))));
    }

    private void queued(final String key, final String label, final Class<?> benchmark, final String method,
                        final Map<String, String> params) {
        steps.add(new Step(key, label, benchmark, method, params, Mode.SingleShotTime,
            List.of(KernelQueuedTasksBenchmark.INITIAL_HEAP), List.of(
            new Figure(key, label + ": submit", Kind.SECONDS, Source.SCORE, null),
            new Figure(key + ".retained", label + ": retained heap", Kind.BYTES_PER_TASK, Source.SECONDARY,
                KernelQueuedTasksBenchmark.RETAINED),
            new Figure(key + ".allocated", label + ": allocated", Kind.BYTES_PER_TASK, Source.SECONDARY,
                KernelQueuedTasksBenchmark.ALLOCATED),
            new Figure(key + ".drain", label + ": drain", Kind.SECONDS, Source.SECONDARY,
                KernelQueuedTasksBenchmark.DRAIN))));
    }
}
