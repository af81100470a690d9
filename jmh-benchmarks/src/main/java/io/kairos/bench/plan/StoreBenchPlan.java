package io.kairos.bench.plan;

import io.kairos.bench.StoreCrossProcessGetBenchmark;
import io.kairos.bench.StoreGetBenchmark;
import io.kairos.bench.StoreLargePutBenchmark;
import io.kairos.bench.StorePutBenchmark;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;

import java.util.List;
import java.util.Map;

/** The {@link BenchPlan} of {@code kairos bench store}: one figure per step, its JMH score. */
public final class StoreBenchPlan {
    private static final BenchPlan.Style STYLE = new BenchPlan.Style(false, true,
        "Ratio = result / peer result: above 1 is faster for ops/s and GB/s, slower for ns.");

    private StoreBenchPlan() {
    }

    public static BenchPlan create(final boolean quick) {
        final BenchPlan plan = new BenchPlan(STYLE);
        final List<String> smallSizes = quick ? List.of("64") : List.of("64", "1024");
        for (final String size : smallSizes) {
            final String s = sizeLabel(size);
            final String put = "put" + size;
            ops(plan, put, "store put " + s, StorePutBenchmark.class, "kairosPut", size);
            ops(plan, put + ".copy", "memory copy " + s, StorePutBenchmark.class, "memoryCopy", size);
            ops(plan, put + ".chm", "ConcurrentHashMap put " + s, StorePutBenchmark.class, "concurrentHashMapPut",
                size);
            plan.row(put, List.of(put + ".copy", put + ".chm"));
            plan.target("small put " + s + " >= 1,000,000 ops/s", put, 1e6, true);
        }
        // get does not touch the payload (the 1 KiB figure matches the 64 B one): the short run measures 64 B.
        ops(plan, "get64", "store get 64 B (API, JNI)", StoreGetBenchmark.class, "kairosGet", "64");
        ops(plan, "get64.jni", "store get 64 B (JniStore direct)", StoreGetBenchmark.class, "jniGet", "64");
        ops(plan, "get64.jna", "store get 64 B (JNA direct)", StoreGetBenchmark.class, "jnaGet", "64");
        ops(plan, "get64.chm", "ConcurrentHashMap get 64 B", StoreGetBenchmark.class, "concurrentHashMapGet", "64");
        plan.row("get64", List.of("get64.chm"));
        plan.row("get64.jni", List.of("get64.chm", "get64"));
        plan.row("get64.jna", List.of("get64.jni"));
        plan.target("small get 64 B >= 2,000,000 ops/s", "get64", 2e6, true);

        large(plan, "put8m", "store put 8 MiB (evicting)", "kairosPut");
        large(plan, "put8m.footprint", "memory copy 8 MiB, 256 MiB dest.", "memoryCopyStoreFootprint");
        large(plan, "put8m.reuse", "store put+delete 8 MiB (block reused)", "kairosPutReusedBlock");
        large(plan, "put8m.copy", "memory copy 8 MiB, 8 MiB dest.", "memoryCopy");
        plan.row("put8m", List.of("put8m.footprint"));
        plan.row("put8m.reuse", List.of("put8m.copy"));
        plan.target("large put 8 MiB >= 90% of memory copy (256 MiB dest.)", "put8m", "put8m.footprint", 0.9);
        plan.target("large put+delete 8 MiB >= 90% of memory copy (8 MiB dest.)", "put8m.reuse", "put8m.copy", 0.9);

        crossProcess(plan, "xget", "cross-process get 64 B", "crossProcessGet");
        crossProcess(plan, "xget.same", "same-process get 64 B", "sameProcessGet");
        plan.row("xget", List.of("xget.same"));
        plan.target("cross-process get <= 2 µs (mean)", "xget", 2000, false);
        return plan;
    }

    private static void ops(final BenchPlan plan, final String key, final String label, final Class<?> benchmark,
                            final String method, final String size) {
        plan.steps.add(new Step(key, label, benchmark, method, Map.of("size", size), Mode.Throughput,
            Kind.OPS_PER_SECOND, 1));
    }

    /** ops/s shown as GB/s: times the bytes one op moves. */
    private static void large(final BenchPlan plan, final String key, final String label, final String method) {
        plan.steps.add(new Step(key, label, StoreLargePutBenchmark.class, method, Map.of(), Mode.Throughput,
            Kind.GIGABYTES_PER_SECOND, StoreLargePutBenchmark.OBJECT_SIZE / 1e9));
    }

    private static void crossProcess(final BenchPlan plan, final String key, final String label, final String method) {
        plan.steps.add(new Step(key, label, StoreCrossProcessGetBenchmark.class, method, Map.of(), Mode.AverageTime,
            Kind.NANOSECONDS, 1));
    }

    private static String sizeLabel(final String size) {
        final int bytes = Integer.parseInt(size);
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
