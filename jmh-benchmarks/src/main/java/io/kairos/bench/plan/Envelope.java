package io.kairos.bench.plan;

import io.kairos.bench.EnvelopeBenchmark;
import io.kairos.bench.EnvelopeFootprint;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's envelope section ({@code kairos bench --only envelope}): Ray's scalability envelope (release/benchmarks)
 * on one kernel, a single shot per figure in a fresh JVM ({@link EnvelopeBenchmark}), Ray's published figure beside
 * each where Ray publishes one, and a JDK peer where one exists. Every row also shows the shot's peak heap and the
 * store bytes it held (facts {@code KEY.heap} and {@code KEY.store}). The 1,000,000 queued tasks are the scale
 * curves' step ({@code queued}), shown here as a row.
 */
final class Envelope {
    /** The name that selects the section ({@code --only envelope}). */
    static final String SECTION = "envelope";
    static final String GROUP = "envelope (Ray's scalability envelope, one kernel, 2 CPUs)";
    static final String PREFIX = "envelope.";
    static final String MANY_ACTORS = PREFIX + "many_actors";
    static final String ISOLATED = PREFIX + "many_actors_isolated";
    static final String LARGE = PREFIX + "large_object";
    static final String LARGE_PEER = PREFIX + "large_object.memory_copy";
    /** Ray's 100 GiB get in 29.7 s, in GB/s. */
    static final double RAY_LARGE_GET = 100 * (1L << 30) / 1e9 / 29.7;

    private Envelope() {
    }

    /**
     * Adds the envelope's rows, steps and facts.
     *
     * @param small a smoke run's sizes (a check of the harness: fewer than a million queued tasks), not the
     *              envelope's
     */
    static void add(final SuitePlan s, final boolean small) {
        final Class<?> e = EnvelopeBenchmark.class;
        s.context = "envelope";
        final Map<String, String> actors = small ? Map.of("actors", "200", "rounds", "2") : Map.of();
        final String n = small ? "200" : "10,000";
        shot(s, MANY_ACTORS, "many_actors: " + n + " in-process actors, created and called once", e, "many_actors",
            actors, Kind.OPS_PER_SECOND, List.of(), List.of(
                extra(MANY_ACTORS + ".first_round", "many_actors: actors/s, first round", Kind.OPS_PER_SECOND,
                    EnvelopeBenchmark.FIRST_ROUND),
                extra(MANY_ACTORS + ".slowest_round", "many_actors: actors/s, slowest round", Kind.OPS_PER_SECOND,
                    EnvelopeBenchmark.SLOWEST_ROUND),
                extra(MANY_ACTORS + ".first_call", "a new actor's first call (created, called, got), median",
                    Kind.LATENCY, EnvelopeBenchmark.FIRST_CALL),
                extra(MANY_ACTORS + ".warm_call", "the same actor's second call, median", Kind.LATENCY,
                    EnvelopeBenchmark.WARM_CALL)));
        final String steThreads = PREFIX + "many_actors.jdk";
        shot(s, steThreads, n + " single-thread executors, created and called once", e,
            "jdk_single_thread_executors", actors, Kind.OPS_PER_SECOND, List.of(), List.of());
        row(s, "many_actors", MANY_ACTORS, Kind.OPS_PER_SECOND, 551.0, n + " actors a round, " + (small ? 2 : 3)
                + " rounds in one kernel, each actor killed after its call; peer: single-thread executors, same pattern",
            new SuitePlan.Subject(n + " single-thread executors", steThreads));

        final Map<String, String> isolated = small ? Map.of("isolatedActors", "20", "actorsPerProcess", "10")
            : Map.of();
        shot(s, ISOLATED, "many_actors in worker JVMs", e, "many_actors_isolated", isolated, Kind.OPS_PER_SECOND,
            List.of(), List.of());
        final String jvm = ISOLATED + ".jvm_start";
        shot(s, jvm, "JVM starts (java -version), one after the other", e, "jvm_starts", isolated,
            Kind.OPS_PER_SECOND, List.of(), List.of());
        row(s, "many_actors_isolated", ISOLATED, Kind.OPS_PER_SECOND, 551.0, (small ? "20 actors in worker JVMs, 10"
                : "1,000 actors in worker JVMs, 250") + " to a JVM (actorsPerWorkerProcess), JVMs started on demand "
                + "in the shot; beside it: JVM starts",
            new SuitePlan.Subject("JVM starts (java -version)", jvm));

        final Map<String, String> tasks = small ? Map.of("tasks", "200") : Map.of();
        final String manyTasks = PREFIX + "many_tasks";
        shot(s, manyTasks, "many_tasks: tasks held at once", e, "many_tasks", tasks, Kind.OPS_PER_SECOND, List.of(),
            List.of());
        final String cached = PREFIX + "many_tasks.jdk";
        shot(s, cached, "cached thread pool, tasks held at once", e, "jdk_cached_thread_pool_held_tasks", tasks,
            Kind.OPS_PER_SECOND, List.of(), List.of());
        row(s, "many_tasks", manyTasks, Kind.OPS_PER_SECOND, null, (small ? "200" : "10,000") + " tasks running at "
                + "once, each holding 2/N CPUs and waiting on a latch: tasks/s until all run",
            new SuitePlan.Subject("cached thread pool", cached));

        final Map<String, String> objects = small ? Map.of("groups", "20", "refs", "200", "returns", "60")
            : Map.of();
        final String pgs = PREFIX + "many_pgs";
        shot(s, pgs, "many_pgs: placement groups created and ready", e, "many_pgs", objects, Kind.OPS_PER_SECOND,
            List.of(), List.of());
        row(s, "many_pgs", pgs, Kind.OPS_PER_SECOND, 18.9, (small ? "20" : "1,000") + " groups of one bundle "
            + "(1/N CPU), all ready, then removed; no JDK peer");

        s.rows.add(new SuitePlan.Row("many_queued_tasks", GROUP, Kind.SECONDS, "queued",
            List.of(new SuitePlan.Subject(SuitePlan.TPE, "queued.tpe")), null, 184.0,
            "the scale curves' step: seconds to submit " + String.format(java.util.Locale.ROOT, "%,d", s.queued)
                + " tasks behind busy CPUs (its drain and bytes per task are facts); Ray: 1M queued in 184 s"));

        final String args = PREFIX + "many_args";
        shot(s, args, "a task taking 10k ObjectRefs (a list argument)", e, "many_args", objects,
            Kind.OPS_PER_SECOND, List.of(), List.of());
        row(s, "many_args", args, Kind.OPS_PER_SECOND, null, (small ? "200" : "10,000") + " objects put, one task "
            + "taking their refs as one list argument (the API has no varargs form) and getting them: refs/s; "
            + "no JDK peer");
        final String returns = PREFIX + "many_returns";
        shot(s, returns, "a task returning 3k refs", e, "many_returns", objects, Kind.OPS_PER_SECOND, List.of(),
            List.of());
        row(s, "many_returns", returns, Kind.OPS_PER_SECOND, null, (small ? "60" : "3,000") + " returns: the API "
            + "has no num_returns and a list of refs is not a value a task may return, so one task puts them and hands "
            + "their refs over in-process (an AtomicReference argument), all got: returns/s; "
            + "no JDK peer");
        final String get = PREFIX + "get_many";
        shot(s, get, "one get of 10k objects", e, "get_many", objects, Kind.OPS_PER_SECOND, List.of(), List.of());
        final String futures = PREFIX + "get_many.jdk";
        shot(s, futures, "10k completed futures joined", e, "jdk_completed_futures_get", objects,
            Kind.OPS_PER_SECOND, List.of(), List.of());
        row(s, "get_10k_objects", get, Kind.OPS_PER_SECOND, null, (small ? "200" : "10,000") + " small objects "
            + "put, then one kernel.get of them all: objects/s of the get", new SuitePlan.Subject(
                "completed futures joined", futures));

        final Map<String, String> large = small ? Map.of("largeBytes", Long.toString(16L << 20)) : Map.of();
        final List<String> heap = small ? List.of() : List.of(EnvelopeBenchmark.LARGE_HEAP);
        shot(s, LARGE, "the largest object: put + get", e, "large_object", large, Kind.GIGABYTES_PER_SECOND, heap,
            List.of(extra(LARGE + ".get", "the largest object: get", Kind.GIGABYTES_PER_SECOND,
                EnvelopeBenchmark.GET_RATE)));
        shot(s, LARGE_PEER, "memory copy of the same bytes", e, "memory_copy_large", large,
            Kind.GIGABYTES_PER_SECOND, heap, List.of());
        row(s, "large_object_put", LARGE, Kind.GIGABYTES_PER_SECOND, RAY_LARGE_GET, (small ? "16 MiB" : "1 GiB")
                + " byte[] (parameter largeBytes; the API's largest value is one byte[] < 2 GiB) put into a "
                + "prefaulted store, then got (get GB/s: a fact); Ray: a 100 GiB get in 29.7 s (3.6 GB/s)",
            new SuitePlan.Subject("memory copy of the same bytes", LARGE_PEER).asCeiling());
        final String spill = PREFIX + "larger_than_store";
        shot(s, spill, "objects larger than the store: put + get, spilling", e, "larger_than_store",
            small ? Map.of("spillStoreBytes", Long.toString(32L << 20)) : Map.of(), Kind.GIGABYTES_PER_SECOND,
            heap, List.of());
        row(s, "larger_than_store", spill, Kind.GIGABYTES_PER_SECOND, null, "4 objects of half the store ("
            + (small ? "32 MiB" : "256 MiB") + ") put, so half or more spill to disk, then all got: bytes put and "
            + "got / time; no peer");
        s.context = "";
    }

    /** A single-shot step of the envelope: its rate, peak heap and store bytes, and any extra figures. */
    private static void shot(final SuitePlan s, final String key, final String label, final Class<?> benchmark,
                             final String method, final Map<String, String> params, final Kind kind,
                             final List<String> jvmArgs, final List<Figure> extras) {
        final List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(key, label, kind, Source.SECONDARY, EnvelopeFootprint.RATE, 1));
        figures.add(new Figure(key + ".heap", label + ": peak heap", Kind.MEBIBYTES, Source.SECONDARY,
            EnvelopeFootprint.PEAK_HEAP, 1));
        figures.add(new Figure(key + ".store", label + ": store bytes at the end", Kind.MEBIBYTES,
            Source.SECONDARY, EnvelopeFootprint.STORE, 1));
        figures.addAll(extras);
        s.addStep(new Step(key, label, benchmark, method, new LinkedHashMap<>(params), Mode.SingleShotTime, jvmArgs,
            figures));
        for (final Figure figure : figures) {
            if (!figure.key().equals(key)) {
                s.facts.add(new SuitePlan.Fact(figure.label(), figure.key()));
            }
        }
    }

    private static Figure extra(final String key, final String label, final Kind kind, final String secondary) {
        return new Figure(key, label, kind, Source.SECONDARY, secondary, 1);
    }

    private static void row(final SuitePlan s, final String name, final String key, final Kind kind,
                            final Double rayPublished, final String note, final SuitePlan.Subject... peers) {
        s.rows.add(new SuitePlan.Row(name, GROUP, kind, key, List.of(peers), null, rayPublished, note));
    }
}
