package io.kairos.cli;

import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.SuitePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTargetsCommandTest {
    private static final String REPORT = """
        {"created": "2026-12-07T06:00:00Z", "mode": "quick", "timing": "JMH, 3 forks", "machine": {"cpus": 2},
         "targets": [
          {"verdict": "PASS", "description": "tasks async >= 2,000,000 tasks/s", "figure": "5.2 M ops/s"},
          {"verdict": "MISS", "description": "single_client_tasks_async >= 0.50x ForkJoinPool",
           "figure": "1.5 M ops/s = 0.29x (peer 5.1 M ops/s)", "ratio": 0.29, "goal": 0.5},
          {"verdict": "n/a", "description": "store_get_64B: a get + release <= 40 ns", "figure": "no result"}]}
        """;

    @TempDir
    Path dir;

    private int run(final List<String> args, final ByteArrayOutputStream out) {
        final PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return KairosCli.commandLine().execute(args.toArray(new String[0]));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void theReadmeTableComesFromTheReportAndCheckFailsOnAMiss() throws Exception {
        final Path report = dir.resolve("report.json");
        Files.writeString(report, REPORT);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, run(List.of("bench", "targets", report.toString()), out));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("1 met, 1 MISSED, 1 without a result"), text);
        assertTrue(text.contains("| single_client_tasks_async >= 0.50x ForkJoinPool | 1.5 M ops/s = 0.29x (peer 5.1 M "
            + "ops/s) | MISSED |"), text);
        assertTrue(text.contains("| tasks async >= 2,000,000 tasks/s | 5.2 M ops/s | met |"), text);
        assertEquals(4, run(List.of("bench", "targets", "--check", report.toString()), new ByteArrayOutputStream()));
        assertEquals(2, run(List.of("bench", "targets", dir.resolve("missing.json").toString()),
            new ByteArrayOutputStream()));
    }

    @Test
    void theSuiteJudgesEveryRatioGoalOfIssue15AgainstAPeerOfTheSameRun() {
        final SuitePlan suite = SuitePlan.create(false, 1000);
        final List<String> ratios = suite.plan.targets.stream().filter(t -> t.peerKey() != null)
            .map(BenchPlan.Target::description).toList();
        for (final String row : List.of("single_client_tasks_async >= 0.50x ForkJoinPool",
            "multi_client_tasks_async >= 0.50x ForkJoinPool", "1_1_actor_calls_async >= 0.70x single-thread executor",
            "1_1_actor_calls_concurrent >= 0.50x fixed thread pool (2)", "n_n_actor_calls_with_arg_async >= 1.00x",
            "single_client_wait_1k_refs >= 1.00x CompletableFuture.allOf(1k)",
            "single_client_put_calls_shared_store >= 0.80x memory copy 128 KiB",
            "multi_client_put_gigabytes >= 0.90x memory copy 64 MiB, 2 threads",
            "single_client_tasks_async_journaled >= 0.91x Kairos without a journal")) {
            assertTrue(ratios.stream().anyMatch(d -> d.startsWith(row)), () -> row + " not in " + ratios);
        }
        for (final BenchPlan.Target t : suite.plan.targets) {  // every figure a target reads is measured by the suite
            suite.plan.figure(t.key());
            if (t.peerKey() != null) {
                suite.plan.figure(t.peerKey());
            }
        }
        assertTrue(suite.plan.targets.stream().anyMatch(t -> t.description().startsWith("store_get_64B")));
    }
}
