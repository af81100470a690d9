package io.kairos.cli;

import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.KernelBenchPlan;
import io.kairos.bench.plan.StoreBenchPlan;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {
    /** JMH scores of the quick store plan. */
    private static Map<String, Double> storeScores() {
        return readings(
            "put64", 5e6, "put64.copy", 2e8, "put64.chm", 1e7,
            "get64", 1.5e6,  // misses 2,000,000
            "get64.jni", 1e7, "get64.jna", 2e6, "get64.chm", 3e8,
            "put8m", 2000.0, "put8m.footprint", 2100.0,  // 16.78 GB/s
            "put8m.reuse", 3000.0, "put8m.copy", 4000.0,  // 75% of the one-buffer copy
            "xget", 110.0, "xget.same", 100.0);
    }

    /** Figures of the quick kernel plan: ops/s, latencies in ns, seconds, bytes per task. */
    private static Map<String, Double> kernelFigures() {
        return readings(
            "tasks_async", 3e6, "tasks_async.tpe", 1e7,  // >= 2,000,000 but < 0.5x the pool
            "tasks_sync.p50", 4_200.0, "tasks_sync.p99", 30_000.0, "tasks_sync.tpe.p50", 6_000.0,
            "tasks_sync.tpe.p99", 60_000.0,
            "put", 9e7, "put.chm", 4e7, "get", 8e8, "get.chm", 4e8,
            "wait", 9_000.0, "wait.cf", 1e5,  // wait misses 10,000
            "queued", 1.25, "queued.retained", 180.0, "queued.allocated", 650.0, "queued.drain", 9.5,
            "queued.tpe", 0.2, "queued.tpe.retained", 56.0, "queued.tpe.allocated", 56.0, "queued.tpe.drain", 0.3);
    }

    @Test
    void largePutIsShownInGigabytesPerSecond() {
        final BenchReport report = new BenchReport(StoreBenchPlan.create(true), storeScores());
        assertEquals(2000.0 * (8 << 20) / 1e9, report.value("put8m"), 1e-9);
        assertTrue(report.table().stream().anyMatch(l -> l.startsWith("store put 8 MiB") && l.contains("16.78 GB/s")),
            String.join("\n", report.table()));
    }

    @Test
    void storeTargetsArePassMissOrNotAvailable() {
        final BenchReport report = reportWithout(StoreBenchPlan.create(true), storeScores(), "xget");  // a failed step
        final List<String> targets = report.targets();
        assertVerdict(targets, "PASS", "small put 64 B", "(256 MiB dest.)");
        assertVerdict(targets, "MISS", "small get 64 B", "(8 MiB dest.)");
        assertVerdict(targets, "n/a", "cross-process");
        assertTrue(line(targets, "(256 MiB dest.)").contains("= 95% of"), targets.toString());
        assertFalse(report.allMet());
        assertTrue(report.table().stream().anyMatch(l -> l.startsWith("cross-process get 64 B") && l.contains("failed")));
    }

    @Test
    void latencyIsShownInNanosecondsAndMicroseconds() {
        final BenchReport report = new BenchReport(StoreBenchPlan.create(true), storeScores());
        final String row = line(report.table(), "cross-process get 64 B");
        assertTrue(row.contains("110.0 ns (0.110 µs)") && row.endsWith("1.10x"), row);
        assertTrue(line(report.targets(), "cross-process").startsWith("  PASS"));
    }

    @Test
    void kernelTargetsArePassMissOrNotAvailable() {
        final BenchReport report = reportWithout(KernelBenchPlan.create(true), kernelFigures(), "tasks_async.tpe");
        final List<String> targets = report.targets();
        assertVerdict(targets, "PASS", "tasks async >= 2,000,000", "p50 <= 5 µs", "submitted in <= 2 s",
            "(retained heap)");
        assertVerdict(targets, "MISS", "wait 1k refs", "(allocated by the submitter)");
        assertVerdict(targets, "n/a", "0.5x ThreadPoolExecutor");
        assertTrue(line(targets, "p50 <= 5 µs").contains("4.20 µs"), targets.toString());
        assertFalse(report.allMet());
        assertTrue(report.table().stream().anyMatch(l -> l.contains("ThreadPoolExecutor") && l.contains("failed")),
            String.join("\n", report.table()));
    }

    @Test
    void relativeTargetShowsTheRatio() {
        final BenchReport report = new BenchReport(KernelBenchPlan.create(true), kernelFigures());
        final String line = line(report.targets(), "0.5x ThreadPoolExecutor");
        assertTrue(line.startsWith("  MISS") && line.contains("= 0.30x of 10,000,000 ops/s"), line);
    }

    @Test
    void tableShowsEveryFigureWithItsPeerAndUnit() {
        final BenchReport report = new BenchReport(KernelBenchPlan.create(true), kernelFigures());
        final List<String> table = report.table();
        final String sync = line(table, "tasks sync (Kernel) p50");
        assertTrue(sync.contains("4.20 µs") && sync.contains("6.00 µs") && sync.endsWith("0.70x"), sync);
        final String retained = line(table, "1M queued (Kernel): retained heap");
        assertTrue(retained.contains("180 B/task") && retained.contains("56 B/task") && retained.endsWith("3.21x"),
            retained);
        final String submit = line(table, "1M queued (Kernel): submit");
        assertTrue(submit.contains("1.250 s") && submit.endsWith("6.25x"), submit);
        assertTrue(line(table, "tasks async (Kernel)").contains("3,000,000 ops/s"));
    }

    @Test
    void formatsAndUnits() {
        assertEquals("1,234,568", Kind.OPS_PER_SECOND.format(1234567.8));
        assertEquals("21.38", Kind.LATENCY.format(21_376));
        assertEquals("µs", Kind.LATENCY.unit(21_376));
        assertEquals("297", Kind.BYTES_PER_TASK.format(296.6));
        assertEquals("failed", Kind.SECONDS.format(Double.NaN));
    }

    @Test
    void unknownFigureIsAnError() {
        final BenchReport report = new BenchReport(KernelBenchPlan.create(true), kernelFigures());
        assertThrows(IllegalArgumentException.class, () -> report.value("no.such.figure"));
    }

    /** The report when one figure has no reading: its step failed. */
    private static BenchReport reportWithout(final BenchPlan plan, final Map<String, Double> readings,
                                             final String failed) {
        readings.remove(failed);
        return new BenchReport(plan, readings);
    }

    /** Each target line containing one of these starts with the verdict. */
    private static void assertVerdict(final List<String> targets, final String verdict, final String... containing) {
        for (final String text : containing) {
            assertTrue(line(targets, text).startsWith("  " + verdict), targets.toString());
        }
    }

    private static Map<String, Double> readings(final Object... keysAndValues) {
        final Map<String, Double> readings = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            readings.put((String) keysAndValues[i], ((Number) keysAndValues[i + 1]).doubleValue());
        }
        return readings;
    }

    private static String line(final List<String> lines, final String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
            .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in " + lines));
    }
}
