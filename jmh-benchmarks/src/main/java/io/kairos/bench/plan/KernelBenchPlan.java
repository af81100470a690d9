package io.kairos.bench.plan;

import io.kairos.bench.KernelActorsBenchmark;
import io.kairos.bench.KernelObjectsBenchmark;
import io.kairos.bench.KernelPlacementGroupBenchmark;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.KernelTasksBenchmark;
import io.kairos.bench.RayApiBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link BenchPlan} of {@code kairos bench kernel}: a score, percentiles, or the 1M-queued figures (submit
 * time, then the footprint profiler's secondary results) per step.
 */
public final class KernelBenchPlan {
    private static final BenchPlan.Style STYLE = new BenchPlan.Style(true, false,
        "Ratio = result / peer result: above 1 is faster for ops/s; slower, or bigger, for µs, s and B/task.");

    /** The JDK peers of a task figure: key suffix, label, method prefix; a quick run has the first only. */
    private static final List<List<String>> TASK_PEERS = List.of(
        List.of(".tpe", "ThreadPoolExecutor", "jdk_thread_pool"),
        List.of(".fj", "ForkJoinPool", "jdk_fork_join"),
        List.of(".cf", "CompletableFuture.supplyAsync", "jdk_completable_future"));

    /** Adds a step to a plan. */
    private interface StepAdder {
        void add(String key, String label, String method);
    }

    private KernelBenchPlan() {
    }

    public static BenchPlan create(final boolean quick) {
        final BenchPlan plan = new BenchPlan(STYLE);
        final Class<?> tasks = KernelTasksBenchmark.class;

        // single client tasks async: ops = tasks
        final List<String> asyncPeers = withPeers(quick, "tasks_async", (key, label, method) ->
            ops(plan, key, label, tasks, method));
        plan.row("tasks_async", asyncPeers);
        plan.target("tasks async >= 2,000,000 tasks/s", "tasks_async", 2e6, true);
        plan.target("tasks async >= 0.5x ThreadPoolExecutor", "tasks_async", "tasks_async.tpe", 0.5);

        // single client tasks sync: p50 and p99 of the round trip
        final List<String> syncPeers = withPeers(quick, "tasks_sync", (key, label, method) ->
            latency(plan, key, label, tasks, method));
        for (final String percentile : List.of(".p50", ".p99")) {
            plan.row("tasks_sync" + percentile, syncPeers.stream().map(p -> p + percentile).toList());
        }
        plan.target("tasks sync p50 <= 5 µs", "tasks_sync.p50", 5_000, false);

        // actors: 1:1 calls
        final Class<?> actors = KernelActorsBenchmark.class;
        ops(plan, "actor_async", "1:1 actor calls async (Kernel)", actors, "actor_calls_1_1_async");
        ops(plan, "actor_async.ste", "single-thread executor", actors, "singleThreadExecutor_async");
        plan.row("actor_async", List.of("actor_async.ste"));
        plan.target("1:1 actor calls async >= 2,000,000 calls/s", "actor_async", 2e6, true);
        ops(plan, "actor_sync", "1:1 actor calls sync (Kernel)", actors, "actor_calls_1_1_sync");
        ops(plan, "actor_sync.ste", "single-thread executor", actors, "singleThreadExecutor_sync");
        plan.row("actor_sync", List.of("actor_sync.ste"));

        // Ray's Java API through the adapter (kairos-ray-api), against the native API: overhead <= 20%
        final Class<?> rayApi = RayApiBenchmark.class;
        ops(plan, "ray_api_tasks_async", "tasks async (Ray API on Kairos)", rayApi, "tasks_async");
        plan.row("ray_api_tasks_async", List.of("tasks_async"));
        plan.target("Ray API tasks async >= 0.83x the native API", "ray_api_tasks_async", "tasks_async", 0.83);
        ops(plan, "ray_api_actor_async", "1:1 actor calls async (Ray API on Kairos)", rayApi, "actor_calls_1_1_async");
        plan.row("ray_api_actor_async", List.of("actor_async"));
        plan.target("Ray API 1:1 actor calls async >= 0.83x the native API", "ray_api_actor_async", "actor_async",
            0.83);

        // placement groups
        final Class<?> groups = KernelPlacementGroupBenchmark.class;
        ops(plan, "pg", "placement group create/removal (Kernel)", groups, "placement_group_create_removal");
        ops(plan, "pg.sem", "Semaphore acquire/release", groups, "semaphore_acquire_release");
        plan.row("pg", List.of("pg.sem"));
        plan.target("placement groups >= 200,000/s", "pg", 2e5, true);

        // objects
        final Class<?> objects = KernelObjectsBenchmark.class;
        ops(plan, "put", "put calls (Kernel)", objects, "single_client_put_calls");
        ops(plan, "put.chm", "ConcurrentHashMap put", objects, "jdk_concurrent_hash_map_put");
        plan.row("put", List.of("put.chm"));
        ops(plan, "get", "get calls (Kernel)", objects, "single_client_get_calls");
        ops(plan, "get.chm", "ConcurrentHashMap get", objects, "jdk_concurrent_hash_map_get");
        plan.row("get", List.of("get.chm"));
        ops(plan, "wait", "wait 1k refs (Kernel)", objects, "single_client_wait_1k_refs");
        ops(plan, "wait.cf", "CompletableFuture.allOf 1k", objects, "jdk_completable_future_all_of_1k");
        plan.row("wait", List.of("wait.cf"));
        plan.target("wait 1k refs >= 10,000 calls/s", "wait", 1e4, true);

        // 1M queued tasks
        queued(plan, "queued", "1M queued (Kernel)", "many_queued_tasks", Map.of("blockedOn", "cpu"));
        queued(plan, "queued.tpe", "ThreadPoolExecutor", "jdk_thread_pool_many_queued_tasks", Map.of());
        for (final String figure : List.of("", ".retained", ".allocated", ".drain")) {
            plan.row("queued" + figure, List.of("queued.tpe" + figure));
        }
        plan.target("1M queued tasks submitted in <= 2 s", "queued", 2, false);
        plan.target("1M queued tasks <= 200 B each (retained heap)", "queued.retained", 200, false);
        plan.target("1M queued tasks <= 200 B each (allocated by the submitter)", "queued.allocated", 200, false);
        return plan;
    }

    /**
     * Adds the Kernel's step {@code single_client_<name>} and its JDK peers' {@code <prefix>_<name>}; the peers'
     * keys.
     */
    private static List<String> withPeers(final boolean quick, final String name, final StepAdder adder) {
        final String kernelLabel = name.replace('_', ' ') + " (Kernel)";
        adder.add(name, kernelLabel, "single_client_" + name);
        final List<String> peers = new ArrayList<>();
        for (final List<String> peer : quick ? TASK_PEERS.subList(0, 1) : TASK_PEERS) {
            adder.add(name + peer.get(0), peer.get(1), peer.get(2) + "_" + name);
            peers.add(name + peer.get(0));
        }
        return peers;
    }

    private static void ops(final BenchPlan plan, final String key, final String label, final Class<?> benchmark,
                            final String method) {
        plan.steps.add(new Step(key, label, benchmark, method, Map.of(), Mode.Throughput, Kind.OPS_PER_SECOND, 1));
    }

    private static void latency(final BenchPlan plan, final String key, final String label, final Class<?> benchmark,
                                final String method) {
        plan.steps.add(new Step(key, label, benchmark, method, Map.of(), Mode.SampleTime, List.of(), List.of(
            new Figure(key + ".p50", label + " p50", Kind.LATENCY, Source.P50),
            new Figure(key + ".p99", label + " p99", Kind.LATENCY, Source.P99))));
    }

    private static void queued(final BenchPlan plan, final String key, final String label, final String method,
                               final Map<String, String> params) {
        plan.steps.add(new Step(key, label, KernelQueuedTasksBenchmark.class, method, params, Mode.SingleShotTime,
            List.of(KernelQueuedTasksBenchmark.INITIAL_HEAP), List.of(
            new Figure(key, label + ": submit", Kind.SECONDS, Source.SCORE),
            secondary(key + ".retained", label + ": retained heap", Kind.BYTES_PER_TASK,
                KernelQueuedTasksBenchmark.RETAINED),
            secondary(key + ".allocated", label + ": allocated", Kind.BYTES_PER_TASK,
                KernelQueuedTasksBenchmark.ALLOCATED),
            secondary(key + ".drain", label + ": drain", Kind.SECONDS, KernelQueuedTasksBenchmark.DRAIN))));
    }

    private static Figure secondary(final String key, final String label, final Kind kind, final String name) {
        return new Figure(key, label, kind, Source.SECONDARY, name, 1);
    }
}
