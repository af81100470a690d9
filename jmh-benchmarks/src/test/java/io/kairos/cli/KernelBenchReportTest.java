package io.kairos.cli;

import io.kairos.cli.KernelBenchPlan.Kind;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelBenchReportTest {
    private static Map<String, Double> figures() {
        final Map<String, Double> figures = new HashMap<>();
        figures.put("tasks_async", 3e6);  // >= 2,000,000 but < 0.5x the pool
        figures.put("tasks_async.tpe", 1e7);
        figures.put("tasks_sync.p50", 4_200.0);  // ns
        figures.put("tasks_sync.p99", 30_000.0);
        figures.put("tasks_sync.tpe.p50", 6_000.0);
        figures.put("tasks_sync.tpe.p99", 60_000.0);
        figures.put("put", 9e7);
        figures.put("put.chm", 4e7);
        figures.put("get", 8e8);
        figures.put("get.chm", 4e8);
        figures.put("wait", 9_000.0);  // misses 10,000
        figures.put("wait.cf", 1e5);
        figures.put("queued", 1.25);  // s
        figures.put("queued.retained", 180.0);
        figures.put("queued.allocated", 650.0);
        figures.put("queued.drain", 9.5);
        figures.put("queued.tpe", 0.2);
        figures.put("queued.tpe.retained", 56.0);
        figures.put("queued.tpe.allocated", 56.0);
        figures.put("queued.tpe.drain", 0.3);
        return figures;
    }

    @Test
    void targetsArePassMissOrNotAvailable() {
        final Map<String, Double> figures = figures();
        figures.remove("tasks_async.tpe");  // a failed peer
        final KernelBenchReport report = new KernelBenchReport(KernelBenchPlan.create(true), figures);
        final List<String> targets = report.targets();
        assertTrue(line(targets, "tasks async >= 2,000,000").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "0.5x ThreadPoolExecutor").startsWith("  n/a"), targets.toString());
        assertTrue(line(targets, "p50 <= 5 µs").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "p50 <= 5 µs").contains("4.20 µs"), targets.toString());
        assertTrue(line(targets, "wait 1k refs").startsWith("  MISS"), targets.toString());
        assertTrue(line(targets, "submitted in <= 2 s").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "(retained heap)").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "(allocated by the submitter)").startsWith("  MISS"), targets.toString());
        assertFalse(report.allMet());
        assertTrue(report.table().stream().anyMatch(l -> l.contains("ThreadPoolExecutor") && l.contains("failed")),
            String.join("\n", report.table()));
    }

    @Test
    void relativeTargetShowsTheRatio() {
        final KernelBenchReport report = new KernelBenchReport(KernelBenchPlan.create(true), figures());
        final String line = line(report.targets(), "0.5x ThreadPoolExecutor");
        assertTrue(line.startsWith("  MISS") && line.contains("= 0.30x of 10,000,000 ops/s"), line);
    }

    @Test
    void tableShowsEveryFigureWithItsPeerAndUnit() {
        final KernelBenchReport report = new KernelBenchReport(KernelBenchPlan.create(true), figures());
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
        assertEquals("1,234,568", KernelBenchReport.format(Kind.OPS_PER_SECOND, 1234567.8));
        assertEquals("21.38", KernelBenchReport.format(Kind.LATENCY, 21_376));
        assertEquals("µs", KernelBenchReport.unit(Kind.LATENCY));
        assertEquals("297", KernelBenchReport.format(Kind.BYTES_PER_TASK, 296.6));
        assertEquals("failed", KernelBenchReport.format(Kind.SECONDS, Double.NaN));
    }

    @Test
    void unknownFigureIsAnError() {
        final KernelBenchReport report = new KernelBenchReport(KernelBenchPlan.create(true), figures());
        assertThrows(IllegalArgumentException.class, () -> report.value("no.such.figure"));
    }

    private static String line(final List<String> lines, final String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
            .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in " + lines));
    }
}
