package io.kairos.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KairosCliTest {
    @Test
    void jmhPassesItsOptionsToJmhUntouched() {
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("jmh", "-l", "StoreGet")));
        assertTrue(out.contains("io.kairos.bench.StoreGetBenchmark.jniGet"), out);
        assertFalse(out.contains("StorePutBenchmark"), out);
    }

    @Test
    void benchHelpShowsTheSuitesOptionsAndTheNarrowerRuns() {
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("bench", "--help")));
        for (final String word : new String[] {"store", "kernel", "--compare", "--only", "--smoke", "--no-ray"}) {
            assertTrue(out.contains(word), word + " missing from:\n" + out);
        }
    }

    @Test
    void jmhListsTheKernelBenchmarksUnderRaysNames() {
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("jmh", "-l", "Kernel")));
        for (final String name : new String[] {"single_client_tasks_async", "single_client_tasks_sync",
            "single_client_put_calls", "single_client_get_calls", "single_client_wait_1k_refs", "many_queued_tasks"}) {
            assertTrue(out.contains(name), name + " not in\n" + out);
        }
    }

    @Test
    void unknownBenchOptionIsAnError() {
        final PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertNotEquals(0, KairosCli.commandLine().execute("bench", "store", "--no-such-option"));
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void benchCommandsTakeQuickAndJson() {
        for (final String name : new String[] {"store", "kernel"}) {
            final CommandLine.ParseResult parsed = KairosCli.commandLine()
                .parseArgs("bench", name, "--quick", "--json", "out.json");
            final Object command = parsed.subcommand().subcommand().commandSpec().userObject();
            assertEquals(Path.of("out.json"), ((BenchPlanCommand) command).json, name);
            assertTrue(parsed.subcommand().subcommand().hasMatchedOption("--quick"), name);
        }
    }

    @Test
    void aSmallDemoRunsEveryStageAndChecksItsResults() {
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("demo", "--leaves", "64",
            "--pipeline-items", "200", "--large-objects", "2", "--latency-samples", "200", "--device-objects", "4")));
        for (final String stage : new String[] {"placement group", "device objects", "task DAG", "actor pipeline",
            "large objects", "task latency", "object store"}) {
            assertTrue(out.contains(stage), stage + " missing from:\n" + out);
        }
        assertTrue(out.contains("2 on the same device (no copy), 2 device-to-device copies, 4 host copies"), out);
        assertTrue(out.contains("127 tasks") && out.contains("result checked"), out);
    }

    /** demo --ray: an unmodified Ray Java program runs through kairos-ray-api and prints Ray's results. */
    @Test
    void demoRayRunsAnUnmodifiedRayProgramAndPrintsItsResults() {
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("demo", "--ray")));
        assertEquals(List.of("[0, 1, 4, 9]", "[1, 1, 1, 1]"), out.lines().toList(), out);
        assertFalse(io.ray.api.Ray.isInitialized(), "the program's Ray.shutdown() left Ray initialized");
    }

    private static String stdoutOf(final Runnable action) {
        final PrintStream out = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            action.run();
        } finally {
            System.setOut(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static int twice(final int x) {
        return 2 * x;
    }

    @Test
    void timelineAndStateReadAKernelsJournal(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path data = dir.resolve("data");
        try (io.kairos.Kernel kernel = io.kairos.Kernel.start(new io.kairos.KernelContext().cpus(2).dataDirectory(data))) {
            for (int i = 0; i < 20; i++) {
                kernel.task(KairosCliTest::twice, i).remote().get();
            }
            kernel.syncJournal(java.time.Duration.ofSeconds(30));
        }
        final Path trace = dir.resolve("trace.json");
        final String out = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("timeline", data.toString(),
            "-o", trace.toString())));
        assertTrue(out.startsWith("kairos: 20 tasks from "), out);
        final String json = java.nio.file.Files.readString(trace);
        assertTrue(json.startsWith("{\"displayTimeUnit\""), json);
        assertEquals(20, json.split("\"name\":\"KairosCliTest::twice\"", -1).length - 1, json);
        final String state = stdoutOf(() -> assertEquals(0, KairosCli.commandLine().execute("state", data.toString(),
            "--tasks", "FINISHED", "--limit", "3")));
        assertTrue(state.contains("  FINISHED       20"), state);
        assertTrue(state.contains("KairosCliTest::twice"), state);
    }
}
