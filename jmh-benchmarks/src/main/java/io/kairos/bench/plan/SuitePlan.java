package io.kairos.bench.plan;

import io.kairos.bench.GpuCopyBenchmark;
import io.kairos.bench.KernelActorsBenchmark;
import io.kairos.bench.KernelObjectsBenchmark;
import io.kairos.bench.KernelPlacementGroupBenchmark;
import io.kairos.bench.DataBenchmark;
import io.kairos.bench.KernelPythonTaskBenchmark;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.KernelSharedObjectsBenchmark;
import io.kairos.bench.KernelTasksBenchmark;
import io.kairos.bench.RayApiBenchmark;
import io.kairos.bench.StoreCrossProcessGetBenchmark;
import io.kairos.bench.StoreGetBenchmark;
import io.kairos.bench.StoreLargePutBenchmark;
import io.kairos.bench.StorePutBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The suite {@code kairos bench} runs: Ray's microbenchmarks (named as in Ray's release/perf_metrics/
 * microbenchmark.json) on the kernel, each with its JDK or Disruptor peers, Ray's Java runtime in LOCAL mode
 * ({@code io.kairos.cli.RayLocalRunner}) and Ray's published figure; the store and GPU benchmarks; and the scale
 * curves (decision time against cluster size, 1M queued tasks, throughput against submitting and worker threads). It
 * names the JMH steps ({@link BenchPlan}) and how the report ({@code io.kairos.cli.SuiteReport}) shows their figures.
 */
public final class SuitePlan {
    /** Where Ray's published figures come from, and its machine. */
    public static final String RAY_PUBLISHED_SOURCE = "Ray release perf_metrics/microbenchmark.json";
    public static final String RAY_PUBLISHED_MACHINE = "64 vCPU (m5.16xlarge)";

    /**
     * A measured subject of a row: a label, the figure key that holds its value, and whether it is a ceiling (a
     * hand-off or a copy with no scheduling, no objects, no failure handling: the LMAX Disruptor, a memory copy), not
     * something a user would run instead of Kairos, as a JDK executor or map is. The table's "best JDK peer" is the
     * best of the others, where there are others.
     */
    public record Subject(String name, String key, boolean ceiling) {
        Subject(final String name, final String key) {
            this(name, key, false);
        }

        Subject asCeiling() {
            return new Subject(name, key, true);
        }
    }

    /**
     * A table row: one benchmark.
     *
     * @param rayName      the benchmark's name in the Ray LOCAL run ({@code io.kairos.cli.RayLocalRunner}), or null
     * @param rayPublished Ray's published figure in the row's unit, or null
     */
    public record Row(String name, String group, Kind kind, String kairosKey, List<Subject> peers, String rayName,
                      Double rayPublished, String note) {
    }

    /** A latency percentile plot: SampleTime steps, and the Ray LOCAL benchmark whose histogram joins them. */
    public record Latency(String name, List<Subject> series, String rayName) {
    }

    /** One line of a curve: points (x, figure key); kairos: whether it measures Kairos (else a peer). */
    public record Series(String name, boolean kairos, List<Map.Entry<Double, String>> points) {
    }

    /** A scale curve. */
    public record Curve(String name, String title, String xLabel, String yLabel, boolean logX, boolean logY,
                        double[] goal, String goalLabel, List<Series> series) {
    }

    /** A single figure shown as label: value. */
    public record Fact(String label, String key) {
    }

    public final BenchPlan plan = new BenchPlan(new BenchPlan.Style(true, false,
        "Ratio = Kairos / best peer: above 1 is faster for ops/s and GB/s; slower or bigger for µs, ns, s, B."));
    public final List<Row> rows = new ArrayList<>();
    public final List<Latency> latencies = new ArrayList<>();
    public final List<Curve> curves = new ArrayList<>();
    public final List<Fact> facts = new ArrayList<>();
    int queued = KernelQueuedTasksBenchmark.QUEUED;
    /** The benchmark whose steps are being added: their progress lines start with it. */
    String context = "";
    /** Steps by key, so a row and a curve can share one. */
    private final Map<String, Step> stepsByKey = new LinkedHashMap<>();

    /** Why a store row shows no Ray LOCAL figure. */
    private static final String NO_STORE = "Ray LOCAL not shown: it has no object store (a put keeps a reference to "
        + "the array, a get returns it: no copy)";
    /** Ray LOCAL's sync floor. */
    private static final String SYNC_NOTE = "one call at a time; p50/p99 in the latency plots; Ray LOCAL's get "
        + "polls with 1 ms sleeps, hence its ~1,000/s";
    static final String TPE = "ThreadPoolExecutor";
    static final String FJP = "ForkJoinPool";
    static final String NO_JOURNAL = "Kairos without a journal";
    private static final String DISRUPTOR = "LMAX Disruptor";
    static final String STE = "single-thread executor";
    /** The adapter's rows: Ray's Java API on Kairos against the native API, in the same run. */
    private static final String RAY_API_TASKS = "RayApiBenchmark.tasks_async";
    private static final String RAY_API_ACTORS = "RayApiBenchmark.actor_calls_1_1_async";
    private static final String NATIVE_TASKS = "KernelTasksBenchmark.single_client_tasks_async";
    private static final String NATIVE_ACTORS = "KernelActorsBenchmark.actor_calls_1_1_async";
    /** Overhead <= 20%: the adapter's time per call at most 1.2x the native one, so its rate >= 1/1.2 of it. */
    static final double RAY_API_FRACTION = 0.83;
    private static final String RAY_API_NOTE = "Ray's Java API (io.ray.api) on Kairos through kairos-ray-api, the "
        + "same program Ray LOCAL runs; its peer is the native Kairos API in the same run, so the ratio is adapter ÷ "
        + "native (goal >= " + RAY_API_FRACTION + ", an overhead <= 20%)";

    /**
     * The whole suite.
     *
     * @param cuda   whether the GPU steps can run their raw CUDA peers (a CUDA device is there)
     * @param queued tasks of the queued-tasks steps (1,000,000; fewer in a smoke run)
     */
    public static SuitePlan create(final boolean cuda, final int queued) {
        return create(cuda, queued, false);
    }

    /**
     * The whole suite.
     *
     * @param longRun whether the cluster section moves its largest objects too ({@link Cluster#LONG_SIZES})
     */
    public static SuitePlan create(final boolean cuda, final int queued, final boolean longRun) {
        final SuitePlan s = new SuitePlan();
        s.queued = queued;
        s.tasks();
        s.actors();
        s.rayApi();
        s.objects();
        s.store();
        s.python = pythonWithNumpy();
        if (s.python) {
            s.python();
        } else {
            System.err.println("kairos bench: the Python rows are left out: no python3 with NumPy on the PATH");
        }
        s.data();
        TrainSection.add(s);
        s.gpu(cuda);
        ScaleCurves.add(s);
        Envelope.add(s, queued < KernelQueuedTasksBenchmark.QUEUED);
        Cluster.section(s, longRun);
        s.targets();
        return s;
    }

    /** The goals the issues set, judged on this run ({@link SuiteTargets} adds the ratio goals). */
    private void targets() {
        SuiteTargets.add(this);
        TrainSection.targets(this);
        plan.target("hybrid decision at 10,000 nodes (busy cluster) <= 5 µs", "policy.hybrid.busy.10000", 5_000,
            false);
        plan.target("hybrid decision at 10,000 nodes (mixed load) <= 5 µs", "policy.hybrid.mixed.10000", 5_000,
            false);
        plan.target("tasks async >= 2,000,000 tasks/s", "KernelTasksBenchmark.single_client_tasks_async", 2e6, true);
        plan.target("Ray API adapter: tasks async overhead <= 20% (>= " + RAY_API_FRACTION + "x the native API)",
            RAY_API_TASKS, NATIVE_TASKS, RAY_API_FRACTION);
        plan.target("Ray API adapter: 1:1 actor calls async overhead <= 20% (>= " + RAY_API_FRACTION
            + "x the native API)", RAY_API_ACTORS, NATIVE_ACTORS, RAY_API_FRACTION);
        plan.target("put gigabytes >= 90% of a memory copy", "KernelSharedObjectsBenchmark.single_client_put_gigabytes",
            "KernelSharedObjectsBenchmark.memory_copy_64MiB", 0.9);
        plan.target("put gigabytes under churn >= 90% of a copy into memory touched alike",
            "KernelSharedObjectsBenchmark.single_client_put_gigabytes_churn",
            "KernelSharedObjectsBenchmark.memory_copy_64MiB_rotating", 0.9);
        plan.target("put gigabytes under churn, freeing explicitly, >= 90% of a copy into memory touched alike",
            "KernelSharedObjectsBenchmark.single_client_put_gigabytes_free",
            "KernelSharedObjectsBenchmark.memory_copy_64MiB_rotating", 0.9);
        plan.target("1M queued tasks submitted in <= 2 s", "queued", 2, false);
        plan.target("data executor overhead <= 20 µs a block (>= 50,000 blocks/s)",
            "DataBenchmark.empty_map_tiny_blocks", 50_000, true);
        plan.target("data image pipeline >= 0.9x a hand-written ExecutorService pipeline", DataSection.IMAGES,
            DataSection.IMAGES_EXECUTOR, 0.9);
        plan.target("data image pipeline >= 1.0x parallelStream", DataSection.IMAGES, DataSection.IMAGES_STREAM, 1.0);
        plan.target("data image pipeline: peak store bytes of its blocks within its budget ("
            + io.kairos.bench.DataPipelineBenchmark.BUDGET / (1 << 20) + " MiB)", DataSection.IMAGES + ".store",
            io.kairos.bench.DataPipelineBenchmark.BUDGET / (double) (1 << 20), false);
        if (!python) {
            return;
        }
        plan.target("Python task round trip from Java p50 <= 100 µs", "KernelPythonTaskBenchmark.python_task_sync.p50",
            100_000, false);
        plan.target("Python tasks async, one submitter >= 50,000 tasks/s",
            "KernelPythonTaskBenchmark.python_tasks_async", 50_000, true);
        plan.target("a 64 MiB tensor Java -> Python -> Java >= 0.9x a memory copy of it",
            "KernelPythonTaskBenchmark.python_tensor_round_trip_64MiB", "KernelSharedObjectsBenchmark.memory_copy_64MiB",
            0.9);
    }

    /**
     * The suite restricted to the rows, plots and curves whose name matches (and the steps they need); a row also
     * matches by the name of its section ({@link Envelope#SECTION}: {@code --only envelope}).
     */
    public SuitePlan only(final Predicate<String> names) {
        final SuitePlan s = new SuitePlan();
        rows.stream().filter(r -> names.test(r.name()) || r.group().equals(Envelope.GROUP) && names.test(Envelope.SECTION))
            .forEach(s.rows::add);
        latencies.stream().filter(l -> names.test(l.name())).forEach(s.latencies::add);
        curves.stream().filter(c -> names.test(c.name())).forEach(s.curves::add);
        final List<String> keys = new ArrayList<>();
        for (final Row row : s.rows) {
            keys.add(row.kairosKey());
            row.peers().forEach(p -> keys.add(p.key()));
        }
        s.latencies.forEach(l -> l.series().forEach(p -> keys.add(p.key())));
        s.curves.forEach(c -> c.series().forEach(line -> line.points().forEach(p -> keys.add(p.getValue()))));
        for (final Fact fact : facts) {
            if (names.test(fact.label()) || keys.contains(fact.key())
                || s.rows.stream().anyMatch(r -> fact.key().startsWith(r.kairosKey() + "."))) {  // its percentiles
                s.facts.add(fact);
                keys.add(fact.key());
            }
        }
        for (final Step step : plan.steps) {
            if (step.figures().stream().anyMatch(f -> keys.contains(f.key()) || keys.contains(step.key()))) {
                s.addStep(step);
            }
        }
        plan.measured.stream().filter(f -> keys.contains(f.key())).forEach(s.plan.measured::add);
        for (final BenchPlan.Target target : plan.targets) {
            if (s.has(target.key()) && (target.peerKey() == null || s.has(target.peerKey()))) {
                s.plan.targets.add(target);
            }
        }
        return s;
    }

    private boolean has(final String figureKey) {
        return plan.steps.stream().anyMatch(step -> step.figures().stream().anyMatch(f -> f.key().equals(figureKey)))
            || plan.measured.stream().anyMatch(f -> f.key().equals(figureKey));
    }

    /** Whether this suite has the cluster section's figures (they are measured by processes, not by JMH). */
    public boolean hasCluster() {
        return plan.measured.stream().anyMatch(f -> f.key().startsWith(Cluster.PREFIX));
    }

    /** Whether nothing is left to run. */
    public boolean isEmpty() {
        return plan.steps.isEmpty() && plan.measured.isEmpty();
    }

    /** Every name --only can select. */
    public List<String> names() {
        final List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.name()));
        if (rows.stream().anyMatch(r -> r.group().equals(Envelope.GROUP))) {
            names.add(Envelope.SECTION);
        }
        latencies.stream().map(Latency::name).filter(n -> !names.contains(n)).forEach(names::add);
        curves.forEach(c -> names.add(c.name()));
        return names;
    }

    /** The Ray LOCAL benchmarks the rows and plots ask for. */
    public List<String> rayNames() {
        final List<String> names = new ArrayList<>();
        rows.stream().map(Row::rayName).filter(n -> n != null && !names.contains(n)).forEach(names::add);
        latencies.stream().map(Latency::rayName).filter(n -> n != null && !names.contains(n)).forEach(names::add);
        return names;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void tasks() {
        final Class<?> t = KernelTasksBenchmark.class;
        final String g = "tasks";
        context = "single_client_tasks_sync";
        sync("single_client_tasks_sync", g, t, "single_client_tasks_sync", "single_client_tasks_sync", 981.0,
            List.of(new Subject(TPE, "jdk_thread_pool_tasks_sync"), new Subject(FJP, "jdk_fork_join_tasks_sync"),
                new Subject(DISRUPTOR, "disruptor_tasks_sync").asCeiling()), t);
        context = "single_client_tasks_async";
        opsRow("single_client_tasks_async", g, t, "single_client_tasks_async", 1, 8041.0, null,
            peer(TPE, t, "jdk_thread_pool_tasks_async", 1), peer(FJP, t, "jdk_fork_join_tasks_async", 1),
            peer(DISRUPTOR, t, "disruptor_tasks_async", 1).asCeiling());
        context = "multi_client_tasks_async";
        opsRow("multi_client_tasks_async", g, t, "multi_client_tasks_async", 2, 21230.0,
            "2 submitting threads here; Ray's figure: 4 clients on 64 vCPUs",
            peer(TPE, t, "jdk_thread_pool_multi_client_tasks_async", 2),
            peer(FJP, t, "jdk_fork_join_multi_client_tasks_async", 2),
            peer(DISRUPTOR, t, "disruptor_multi_client_tasks_async", 2).asCeiling());
        context = "single_client_tasks_async_journaled";
        rowWithRay("single_client_tasks_async_journaled", g, t, "single_client_tasks_async_journaled", 1, null, null,
            "every transition journaled (Chronicle Queue); peer: the same kernel without a journal, same run",
            Kind.OPS_PER_SECOND, 1, peer(NO_JOURNAL, t, "single_client_tasks_async", 1));
    }

    private void actors() {
        final Class<?> a = KernelActorsBenchmark.class;
        final String g = "actors";
        context = "1_1_actor_calls_sync";
        sync("1_1_actor_calls_sync", g, a, "actor_calls_1_1_sync", "1_1_actor_calls_sync", null,
            List.of(new Subject(STE, "singleThreadExecutor_sync"), new Subject(DISRUPTOR, "disruptor_sync").asCeiling()), a);
        context = "1_1_actor_calls_async";
        opsRow("1_1_actor_calls_async", g, a, "actor_calls_1_1_async", 1, 8664.0, null,
            peer(STE, a, "singleThreadExecutor_async", 1), peer(DISRUPTOR, a, "disruptor_async", 1).asCeiling());
        context = "1_1_actor_calls_concurrent";
        opsRow("1_1_actor_calls_concurrent", g, a, "actor_calls_1_1_concurrent", 1, null,
            "max concurrency " + KernelActorsBenchmark.CONCURRENCY,
            peer("fixed thread pool (2)", a, "threadPool_concurrent", 1));
        context = "1_n_actor_calls_async";
        opsRow("1_n_actor_calls_async", g, a, "actor_calls_1_n_async", 1, null,
            KernelActorsBenchmark.ACTORS + " actors",
            peer(KernelActorsBenchmark.ACTORS + " single-thread executors", a, "singleThreadExecutors_round_robin", 1));
        context = "n_n_actor_calls_async";
        opsRow("n_n_actor_calls_async", g, a, "actor_calls_n_n_async", 2, 27376.0,
            "2 callers, " + KernelActorsBenchmark.ACTORS + " actors here; Ray's figure: a caller and an actor per CPU",
            peer(KernelActorsBenchmark.ACTORS + " single-thread executors", a, "singleThreadExecutors_round_robin", 2));
        context = "n_n_actor_calls_with_arg_async";
        opsRow("n_n_actor_calls_with_arg_async", g, a, "actor_calls_n_n_with_arg_async", 2, null,
            "each call takes an ObjectRef argument",
            peer(KernelActorsBenchmark.ACTORS + " single-thread executors", a,
                "singleThreadExecutors_round_robin_with_arg", 2));
    }

    /** Whether the Python rows run: python3 on the PATH imports NumPy. */
    private boolean python;

    static boolean pythonWithNumpy() {
        try {
            final Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (final java.io.IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The data plugin (kairos-data): its executor's cost per block, against the same blocks on a thread pool; then its
     * pipelines ({@link DataSection}).
     */
    private void data() {
        final Class<?> d = DataBenchmark.class;
        context = "data_executor_tiny_blocks";
        rowWithRay("data_executor_tiny_blocks", "data", d, "empty_map_tiny_blocks", 1, null, null,
            "blocks of one row through an empty map, counted: the executor's work per block (a task, its result, "
                + "the block freed, the window moved)", Kind.OPS_PER_SECOND, 1,
            peer("ThreadPoolExecutor (2), the same window of " + DataBenchmark.WINDOW + " blocks", d,
                "executor_tiny_blocks", 1));
        DataSection.add(this, queued < KernelQueuedTasksBenchmark.QUEUED);
        context = "";
    }

    /**
     * Python tasks from Java (issue 19): a round trip one at a time against the floor of its transport (a bare Python
     * loop echoing frames over pipes), and tasks in flight from one submitter. Ray's figures are its Python API's.
     */
    private void python() {
        final Class<?> p = KernelPythonTaskBenchmark.class;
        final String g = "python";
        context = "python_task_sync";
        sync("python_task_sync", g, p, "python_task_sync", null, 981.0,
            List.of(new Subject("a Java task in a worker JVM", "java_worker_task_sync"),
                new Subject("bare pipe round trip (a Python echo loop)", "bare_pipe_round_trip").asCeiling()), p);
        context = "python_tasks_async";
        rowWithRay("python_tasks_async", g, p, "python_tasks_async", 1, null, 8041.0, "one submitter, "
            + KernelPythonTaskBenchmark.BATCH + " in flight, Python workers (one per CPU the tasks take); Ray's "
            + "figure is its Python API's", Kind.OPS_PER_SECOND, 1,
            peer("bare pipe, " + KernelPythonTaskBenchmark.BATCH + " frames in flight (a Python echo loop)", p,
                "bare_pipe_pipelined", 1).asCeiling());
        context = "python_tensor_round_trip_64MiB";
        final double gb = KernelPythonTaskBenchmark.TENSOR_BYTES / 1e9;
        rowWithRay("python_tensor_round_trip_64MiB", g, p, "python_tensor_round_trip_64MiB", 1, null, null,
            "a 64 MiB tensor put in Java, read in place in Python, returned and read back in Java",
            Kind.GIGABYTES_PER_SECOND, gb, peerScaled("memory copy 64 MiB", KernelSharedObjectsBenchmark.class,
                "memory_copy_64MiB", 1, Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
    }

    /**
     * Ray's Java API through the adapter ({@code kairos-ray-api}), each row next to its native twin (the same steps as
     * the tasks and actors rows: run once) and Ray's own runtime in LOCAL mode.
     */
    private void rayApi() {
        final Class<?> r = RayApiBenchmark.class;
        final String g = "ray api";
        context = "ray_api_tasks_async";
        rowWithRay("ray_api_tasks_async", g, r, "tasks_async", 1, "single_client_tasks_async", 8041.0, RAY_API_NOTE,
            Kind.OPS_PER_SECOND, 1, new Subject("Kairos native API",
                opsStep("Kairos native API", KernelTasksBenchmark.class, "single_client_tasks_async", 1, Map.of())));
        context = "ray_api_1_1_actor_calls_async";
        rowWithRay("ray_api_1_1_actor_calls_async", g, r, "actor_calls_1_1_async", 1, "1_1_actor_calls_async", 8664.0,
            RAY_API_NOTE, Kind.OPS_PER_SECOND, 1, new Subject("Kairos native API",
                opsStep("Kairos native API", KernelActorsBenchmark.class, "actor_calls_1_1_async", 1, Map.of())));
    }

    private void objects() {
        final Class<?> o = KernelObjectsBenchmark.class;
        final Class<?> so = KernelSharedObjectsBenchmark.class;
        final String g = "objects";
        context = "single_client_put_calls";
        opsRow("single_client_put_calls", g, o, "single_client_put_calls", 1, 5173.0,
            "a small value: Kairos keeps it inline on the heap; Ray puts it in its Plasma store",
            peer("ConcurrentHashMap.put", o, "jdk_concurrent_hash_map_put", 1));
        context = "single_client_get_calls";
        opsRow("single_client_get_calls", g, o, "single_client_get_calls", 1, 10620.0,
            "a small value (Ray's figure: from its Plasma store)",
            peer("ConcurrentHashMap.get", o, "jdk_concurrent_hash_map_get", 1));
        context = "single_client_put_calls_shared_store";
        rowWithRay("single_client_put_calls_shared_store", g, so, "single_client_put_calls_shared_store", 1,
            null, null, "a 128 KiB value, to the shared-memory store; " + NO_STORE,
            Kind.OPS_PER_SECOND, 1, peer("memory copy 128 KiB", so, "memory_copy_put_128KiB", 1).asCeiling());
        context = "single_client_get_calls_shared_store";
        rowWithRay("single_client_get_calls_shared_store", g, so, "single_client_get_calls_shared_store", 1,
            null, null, "a 128 KiB value, a fresh copy per get; " + NO_STORE,
            Kind.OPS_PER_SECOND, 1, peer("memory copy 128 KiB to a new array", so, "memory_copy_get_128KiB", 1)
                .asCeiling());
        final double gb = KernelSharedObjectsBenchmark.LARGE / 1e9;
        context = "single_client_put_gigabytes";
        rowWithRay("single_client_put_gigabytes", g, so, "single_client_put_gigabytes", 1,
            null, 19.9, "64 MiB arrays; " + NO_STORE, Kind.GIGABYTES_PER_SECOND, gb,
            peerScaled("memory copy 64 MiB", so, "memory_copy_64MiB", 1, Kind.GIGABYTES_PER_SECOND, gb)
                .asCeiling());
        context = "multi_client_put_gigabytes";
        rowWithRay("multi_client_put_gigabytes", g, so, "multi_client_put_gigabytes", 2,
            null, null, "2 putting threads, 64 MiB arrays; " + NO_STORE, Kind.GIGABYTES_PER_SECOND, gb,
            peerScaled("memory copy 64 MiB, 2 threads", so, "memory_copy_64MiB", 2, Kind.GIGABYTES_PER_SECOND, gb)
                .asCeiling());
        context = "single_client_put_gigabytes_churn";
        rowWithRay("single_client_put_gigabytes_churn", g, so, "single_client_put_gigabytes_churn", 1,
            null, null, "64 MiB arrays, the last 2 kept: each put pays its share of reclaiming the dropped ones "
                + "(a GC and the frees); " + NO_STORE, Kind.GIGABYTES_PER_SECOND, gb,
            peerScaled("memory copy 64 MiB into 16 rotating buffers", so, "memory_copy_64MiB_rotating", 1,
                Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
        context = "single_client_put_gigabytes_free";
        rowWithRay("single_client_put_gigabytes_free", g, so, "single_client_put_gigabytes_free", 1,
            null, null, "the churn, the program freeing the ref it drops (ObjectRef.free): no GC waited for; "
                + NO_STORE, Kind.GIGABYTES_PER_SECOND, gb,
            peerScaled("memory copy 64 MiB into 16 rotating buffers", so, "memory_copy_64MiB_rotating", 1,
                Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
        context = "single_client_wait_1k_refs";
        opsRow("single_client_wait_1k_refs", g, o, "single_client_wait_1k_refs", 1, 5.08, null,
            peer("CompletableFuture.allOf(1k)", o, "jdk_completable_future_all_of_1k", 1));
        final Class<?> pg = KernelPlacementGroupBenchmark.class;
        context = "placement_group_create_removal";
        rowWithRay("placement_group_create_removal", "placement groups", pg, "placement_group_create_removal", 1,
            null, 765.0, "Ray LOCAL not shown: there a placement group is a map entry, ready at once, no resources "
                + "held", Kind.OPS_PER_SECOND, 1, peer("Semaphore acquire/release", pg, "semaphore_acquire_release", 1));
    }

    /** The store benchmarks (the store's own API, no kernel), as in kairos bench store --quick. */
    private void store() {
        final String g = "object store";
        final Map<String, String> small = Map.of("size", "64");
        context = "store_put_64B";
        scoreRow("store_put_64B", g, StorePutBenchmark.class, "kairosPut", small, Mode.Throughput,
            Kind.OPS_PER_SECOND, 1, null,
            peerStep("memory copy 64 B", StorePutBenchmark.class, "memoryCopy", small, Mode.Throughput,
                Kind.OPS_PER_SECOND, 1).asCeiling(),
            peerStep("ConcurrentHashMap.put 64 B", StorePutBenchmark.class, "concurrentHashMapPut", small,
                Mode.Throughput, Kind.OPS_PER_SECOND, 1));
        context = "store_get_64B";
        scoreRow("store_get_64B", g, StoreGetBenchmark.class, "kairosGet", small, Mode.Throughput,
            Kind.OPS_PER_SECOND, 1, null,
            peerStep("ConcurrentHashMap.get 64 B", StoreGetBenchmark.class, "concurrentHashMapGet", small,
                Mode.Throughput, Kind.OPS_PER_SECOND, 1));
        final double gb = StoreLargePutBenchmark.OBJECT_SIZE / 1e9;
        context = "store_put_8MiB";
        scoreRow("store_put_8MiB", g, StoreLargePutBenchmark.class, "kairosPut", Map.of(), Mode.Throughput,
            Kind.GIGABYTES_PER_SECOND, gb, "evicting; peer: the same copies into a store-sized destination",
            peerStep("memory copy 8 MiB", StoreLargePutBenchmark.class, "memoryCopyStoreFootprint", Map.of(),
                Mode.Throughput, Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
        context = "store_cross_process_get_64B";
        scoreRow("store_cross_process_get_64B", g, StoreCrossProcessGetBenchmark.class, "crossProcessGet", Map.of(),
            Mode.AverageTime, Kind.NANOSECONDS, 1, "mean ns per get from another process",
            peerStep("same-process get", StoreCrossProcessGetBenchmark.class, "sameProcessGet", Map.of(),
                Mode.AverageTime, Kind.NANOSECONDS, 1).asCeiling());
    }

    /** GPU copies through the bindings: CUDA where there is a device, else the simulated backend. */
    private void gpu(final boolean cuda) {
        final String g = cuda ? "GPU (CUDA)" : "GPU (simulated backend: no CUDA device)";
        final double gb = 67108864 / 1e9;
        for (final String direction : List.of("host_to_device", "device_to_host", "device_to_device")) {
            context = "gpu_" + direction;
            final List<Subject> peers = new ArrayList<>();
            if (cuda) {
                peers.add(peerStep("cudaMemcpy", GpuCopyBenchmark.class, "raw_cuda_" + direction, Map.of(),
                    Mode.Throughput, Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
            }
            peers.add(peerStep("host memory copy", GpuCopyBenchmark.class, "raw_memory_copy", Map.of(),
                Mode.Throughput, Kind.GIGABYTES_PER_SECOND, gb).asCeiling());
            scoreRow("gpu_" + direction, g, GpuCopyBenchmark.class, direction, Map.of(), Mode.Throughput,
                Kind.GIGABYTES_PER_SECOND, gb, "64 MiB copies", peers.toArray(new Subject[0]));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A sync row: one SampleTime step per subject gives the rate (the row) and the percentiles (the plot). */
    private void sync(final String name, final String group, final Class<?> benchmark, final String method,
                      final String rayName, final Double published, final List<Subject> peerMethods,
                      final Class<?> peerClass) {
        final String key = sampleStep("Kairos " + name, benchmark, method);
        final List<Subject> peers = new ArrayList<>();
        final List<Subject> series = new ArrayList<>(List.of(new Subject("Kairos", key)));
        for (final Subject peer : peerMethods) {
            final String peerKey = sampleStep(peer.name() + " " + name, peerClass, peer.key());
            peers.add(new Subject(peer.name(), peerKey + ".rate", peer.ceiling()));
            series.add(new Subject(peer.name(), peerKey));
        }
        rows.add(new Row(name, group, Kind.OPS_PER_SECOND, key + ".rate", peers, rayName, published, SYNC_NOTE));
        latencies.add(new Latency(name, series, rayName));
    }

    /** A SampleTime step: figures KEY.rate (ops/s), KEY.p50 and KEY.p99 (ns); its key. */
    private String sampleStep(final String label, final Class<?> benchmark, final String method) {
        final String key = benchmark.getSimpleName() + "." + method;
        addStep(new Step(key, label, benchmark, method, Map.of(), Mode.SampleTime, List.of(), List.of(
            new Figure(key + ".rate", label, Kind.OPS_PER_SECOND, Source.RATE),
            new Figure(key + ".p50", label + " p50", Kind.LATENCY, Source.P50),
            new Figure(key + ".p99", label + " p99", Kind.LATENCY, Source.P99))));
        return key;
    }

    private void opsRow(final String name, final String group, final Class<?> benchmark, final String method,
                        final int threads, final Double published, final String note, final Subject... peers) {
        rowWithRay(name, group, benchmark, method, threads, name, published, note, Kind.OPS_PER_SECOND, 1, peers);
    }

    private void rowWithRay(final String name, final String group, final Class<?> benchmark, final String method,
                            final int threads, final String rayName, final Double published, final String note,
                            final Kind kind, final double scale, final Subject... peers) {
        final String key = step(name, benchmark, method, threads, Map.of(), Mode.Throughput, kind, scale);
        rows.add(new Row(name, group, kind, key, List.of(peers), rayName, published, note));
    }

    private void scoreRow(final String name, final String group, final Class<?> benchmark, final String method,
                          final Map<String, String> params, final Mode mode, final Kind kind, final double scale,
                          final String note, final Subject... peers) {
        final String key = step(name, benchmark, method, 1, params, mode, kind, scale);
        rows.add(new Row(name, group, kind, key, List.of(peers), null, null, note));
    }

    private Subject peer(final String name, final Class<?> benchmark, final String method, final int threads) {
        return new Subject(name, opsStep(name, benchmark, method, threads, Map.of()));
    }

    private Subject peerScaled(final String name, final Class<?> benchmark, final String method, final int threads,
                               final Kind kind, final double scale) {
        return new Subject(name, step(name, benchmark, method, threads, Map.of(), Mode.Throughput, kind, scale));
    }

    private Subject peerStep(final String name, final Class<?> benchmark, final String method,
                             final Map<String, String> params, final Mode mode, final Kind kind, final double scale) {
        return new Subject(name, step(name, benchmark, method, 1, params, mode, kind, scale));
    }

    String opsStep(final String label, final Class<?> benchmark, final String method, final int threads,
                           final Map<String, String> params) {
        return step(label, benchmark, method, threads, params, Mode.Throughput, Kind.OPS_PER_SECOND, 1);
    }

    /** Adds (or finds) the step running a method with these threads and params; its figure's key. */
    private String step(final String label, final Class<?> benchmark, final String method, final int threads,
                        final Map<String, String> params, final Mode mode, final Kind kind, final double scale) {
        final String k = stepKey(benchmark, method, threads, params);
        if (!stepsByKey.containsKey(k)) {
            final String full = context.isEmpty() || label.startsWith(context) ? label : context + ": " + label;
            addStep(new Step(k, full, benchmark, method, params, mode, kind, scale).onThreads(threads));
        }
        return k;
    }

    /** A step's figure key: Class.method, then .tN for N > 1 threads, then .name=value for each param, sorted. */
    static String stepKey(final Class<?> benchmark, final String method, final int threads,
                          final Map<String, String> params) {
        final StringBuilder key = new StringBuilder(benchmark.getSimpleName()).append('.').append(method);
        if (threads > 1) {
            key.append(".t").append(threads);
        }
        params.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> key.append('.').append(e.getKey()).append('=').append(e.getValue()));
        return key.toString();
    }

    void addStep(final Step step) {
        if (stepsByKey.putIfAbsent(step.key(), step) == null) {
            plan.steps.add(step);
        }
    }
}
