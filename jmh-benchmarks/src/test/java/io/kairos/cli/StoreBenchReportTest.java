package io.kairos.cli;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreBenchReportTest {
    private static Map<String, Double> scores() {
        final Map<String, Double> scores = new HashMap<>();
        scores.put("put64", 5e6);
        scores.put("put64.copy", 2e8);
        scores.put("put64.chm", 1e7);
        scores.put("get64", 1.5e6);  // misses 2,000,000
        scores.put("get64.jni", 1e7);
        scores.put("get64.jna", 2e6);
        scores.put("get64.chm", 3e8);
        scores.put("put8m", 2000.0);  // 16.78 GB/s
        scores.put("put8m.footprint", 2100.0);
        scores.put("put8m.reuse", 3000.0);  // 75% of the one-buffer copy
        scores.put("put8m.copy", 4000.0);
        scores.put("xget", 110.0);
        scores.put("xget.same", 100.0);
        return scores;
    }

    @Test
    void largePutIsShownInGigabytesPerSecond() {
        final StoreBenchReport report = new StoreBenchReport(StoreBenchPlan.create(true), scores());
        assertEquals(2000.0 * (8 << 20) / 1e9, report.value("put8m"), 1e-9);
        assertTrue(report.table().stream().anyMatch(l -> l.startsWith("store put 8 MiB") && l.contains("16.78 GB/s")),
            String.join("\n", report.table()));
    }

    @Test
    void targetsArePassMissOrNotAvailable() {
        final Map<String, Double> scores = scores();
        scores.remove("xget");  // a failed step
        final StoreBenchReport report = new StoreBenchReport(StoreBenchPlan.create(true), scores);
        final List<String> targets = report.targets();
        assertTrue(line(targets, "small put 64 B").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "small get 64 B").startsWith("  MISS"), targets.toString());
        assertTrue(line(targets, "(256 MiB dest.)").startsWith("  PASS"), targets.toString());
        assertTrue(line(targets, "(256 MiB dest.)").contains("= 95% of"), targets.toString());
        assertTrue(line(targets, "(8 MiB dest.)").startsWith("  MISS"), targets.toString());
        assertTrue(line(targets, "cross-process").startsWith("  n/a"), targets.toString());
        assertFalse(report.allMet());
        assertTrue(report.table().stream().anyMatch(l -> l.startsWith("cross-process get 64 B") && l.contains("failed")));
    }

    @Test
    void latencyIsShownInNanosecondsAndMicroseconds() {
        final StoreBenchReport report = new StoreBenchReport(StoreBenchPlan.create(true), scores());
        final String row = line(report.table(), "cross-process get 64 B");
        assertTrue(row.contains("110.0 ns (0.110 µs)") && row.endsWith("1.10x"), row);
        assertTrue(line(report.targets(), "cross-process").startsWith("  PASS"));
    }

    private static String line(final List<String> lines, final String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
            .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in " + lines));
    }
}
