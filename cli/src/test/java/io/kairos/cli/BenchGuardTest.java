package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchGuardTest {
    private static JsonNode report(final double tasks, final double actors) throws Exception {
        return new ObjectMapper().readTree("""
            {"targets": [
              {"verdict": "MISS", "description": "single_client_tasks_async >= 0.50x ForkJoinPool", "ratio": %s,
               "goal": 0.5},
              {"verdict": "MISS", "description": "1_1_actor_calls_async >= 0.70x single-thread executor", "ratio": %s,
               "goal": 0.7},
              {"verdict": "PASS", "description": "tasks async >= 2,000,000 tasks/s"}]}
            """.formatted(tasks, actors));
    }

    @Test
    void aRatioBelowItsFloorFailsAndOneAboveItPassesWhateverTheGoal() throws Exception {
        final Properties baselines = new Properties();
        baselines.setProperty("single_client_tasks_async", "0.4");
        baselines.setProperty("1_1_actor_calls_async", "0.4");
        final List<String> lines = new ArrayList<>();
        assertEquals(0, BenchGuard.check(report(0.3, 0.23), baselines, lines), lines::toString);  // floors 0.22
        lines.clear();
        assertEquals(1, BenchGuard.check(report(0.19, 0.4), baselines, lines), "a 2x regression of tasks");
        assertTrue(lines.get(0).startsWith("  FAIL  single_client_tasks_async: 0.19x"), lines::toString);
        lines.clear();
        baselines.setProperty("single_client_wait_1k_refs", "1.3");
        assertEquals(1, BenchGuard.check(report(0.4, 0.4), baselines, lines), "a guarded row not measured fails");
    }

    @Test
    void theShippedBaselinesNameOnlyRowsTheGuardRuns() {
        final Properties baselines = BenchGuard.baselines();
        assertEquals(3, baselines.size());
        for (final String row : baselines.stringPropertyNames()) {
            assertTrue(row.matches(BenchGuard.ROWS), row);
            assertTrue(Double.parseDouble(baselines.getProperty(row)) > 0, row);
        }
    }
}
