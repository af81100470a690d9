package io.kairos.cli;

import io.kairos.bench.StoreCrossProcessGetBenchmark;
import io.kairos.bench.StoreGetBenchmark;
import io.kairos.bench.StoreLargePutBenchmark;
import io.kairos.bench.StorePutBenchmark;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code kairos bench store} runs (the steps, one JMH benchmark each), how the table pairs each figure with
 * its peer, and the targets.
 */
final class StoreBenchPlan {
    /** How a score is shown: ops/s, GB/s (ops/s times bytes per op), or ns (and µs). */
    enum Kind { OPS_PER_SECOND, GIGABYTES_PER_SECOND, NANOSECONDS }

    /**
     * One JMH run: a benchmark method with one parameter set, in one mode.
     *
     * @param bytesPerOp for {@link Kind#GIGABYTES_PER_SECOND}: the bytes one op moves
     */
    record Step(String key, String label, Class<?> benchmark, String method, Map<String, String> params, Mode mode,
                Kind kind, long bytesPerOp) {
        String include() {
            return "^" + (benchmark.getName() + "." + method).replace(".", "\\.") + "$";
        }
    }

    /** A table line: a result and the peers it is shown against. */
    record Row(String key, List<String> peerKeys) {
    }

    /** A target: a bound on one result, either absolute or a fraction of a peer's. */
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

    static StoreBenchPlan create(final boolean quick) {
        final StoreBenchPlan plan = new StoreBenchPlan();
        final List<String> smallSizes = quick ? List.of("64") : List.of("64", "1024");
        for (final String size : smallSizes) {
            final String s = sizeLabel(size);
            plan.ops("put" + size, "store put " + s, StorePutBenchmark.class, "kairosPut", size);
            plan.ops("put" + size + ".copy", "memory copy " + s, StorePutBenchmark.class, "memoryCopy", size);
            plan.ops("put" + size + ".chm", "ConcurrentHashMap put " + s, StorePutBenchmark.class,
                "concurrentHashMapPut", size);
            plan.rows.add(new Row("put" + size, List.of("put" + size + ".copy", "put" + size + ".chm")));
            plan.targets.add(new Target("small put " + s + " >= 1,000,000 ops/s", "put" + size, null, 1e6, true));
        }
        // get does not touch the payload (the 1 KiB figure matches the 64 B one): the short run measures 64 B.
        plan.ops("get64", "store get 64 B (API, JNI)", StoreGetBenchmark.class, "kairosGet", "64");
        plan.ops("get64.jni", "store get 64 B (JniStore direct)", StoreGetBenchmark.class, "jniGet", "64");
        plan.ops("get64.jna", "store get 64 B (JNA direct)", StoreGetBenchmark.class, "jnaGet", "64");
        plan.ops("get64.chm", "ConcurrentHashMap get 64 B", StoreGetBenchmark.class, "concurrentHashMapGet", "64");
        plan.rows.add(new Row("get64", List.of("get64.chm")));
        plan.rows.add(new Row("get64.jni", List.of("get64.chm", "get64")));
        plan.rows.add(new Row("get64.jna", List.of("get64.jni")));
        plan.targets.add(new Target("small get 64 B >= 2,000,000 ops/s", "get64", null, 2e6, true));

        final long large = StoreLargePutBenchmark.OBJECT_SIZE;
        plan.steps.add(new Step("put8m", "store put 8 MiB (evicting)", StoreLargePutBenchmark.class, "kairosPut",
            Map.of(), Mode.Throughput, Kind.GIGABYTES_PER_SECOND, large));
        plan.steps.add(new Step("put8m.footprint", "memory copy 8 MiB, 256 MiB dest.", StoreLargePutBenchmark.class,
            "memoryCopyStoreFootprint", Map.of(), Mode.Throughput, Kind.GIGABYTES_PER_SECOND, large));
        plan.steps.add(new Step("put8m.reuse", "store put+delete 8 MiB (block reused)", StoreLargePutBenchmark.class,
            "kairosPutReusedBlock", Map.of(), Mode.Throughput, Kind.GIGABYTES_PER_SECOND, large));
        plan.steps.add(new Step("put8m.copy", "memory copy 8 MiB, 8 MiB dest.", StoreLargePutBenchmark.class,
            "memoryCopy", Map.of(), Mode.Throughput, Kind.GIGABYTES_PER_SECOND, large));
        plan.rows.add(new Row("put8m", List.of("put8m.footprint")));
        plan.rows.add(new Row("put8m.reuse", List.of("put8m.copy")));
        plan.targets.add(new Target("large put 8 MiB >= 90% of memory copy (256 MiB dest.)", "put8m",
            "put8m.footprint", 0.9, true));
        plan.targets.add(new Target("large put+delete 8 MiB >= 90% of memory copy (8 MiB dest.)", "put8m.reuse",
            "put8m.copy", 0.9, true));

        plan.steps.add(new Step("xget", "cross-process get 64 B", StoreCrossProcessGetBenchmark.class,
            "crossProcessGet", Map.of(), Mode.AverageTime, Kind.NANOSECONDS, 0));
        plan.steps.add(new Step("xget.same", "same-process get 64 B", StoreCrossProcessGetBenchmark.class,
            "sameProcessGet", Map.of(), Mode.AverageTime, Kind.NANOSECONDS, 0));
        plan.rows.add(new Row("xget", List.of("xget.same")));
        plan.targets.add(new Target("cross-process get <= 2 µs (mean)", "xget", null, 2000, false));
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

    private void ops(final String key, final String label, final Class<?> benchmark, final String method,
                     final String size) {
        steps.add(new Step(key, label, benchmark, method, Map.of("size", size), Mode.Throughput,
            Kind.OPS_PER_SECOND, 0));
    }

    private static String sizeLabel(final String size) {
        final int bytes = Integer.parseInt(size);
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
