package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kairos soak} end to end, as {@code ./kairos soak} runs it: in a JVM of its own with the fixed heap, for 30 s
 * in 3 s windows with a kill every 2 s on average. It passes (no lost task, no wrong result, RSS within its bound, p99
 * within 10x), reports every window and the verdict's figures, and leaves no data directory, store segment or worker
 * process behind.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SoakCommandTest {
    private static final int SECONDS = 30;
    private static final int WINDOWS = 10;

    @TempDir
    Path dir;

    @Test
    void aShortSoakPassesReportsEveryWindowAndLeavesNothingBehind() throws Exception {
        final Path json = dir.resolve("soak.json");
        final Path log = dir.resolve("soak.log");
        final Process soak = ChildJvm.start(log, SoakCommand.FIXED_HEAP_FLAGS, "soak", "--seconds",
            Integer.toString(SECONDS), "--window-seconds", Integer.toString(SECONDS / WINDOWS),
            "--kill-every-seconds", "2", "--seed", "42", "--json", json.toString(),
            // the drift rule's 2x is SoakVerdictTest's; thirds of 3 windows of 3 s on a shared machine are too short
            // to hold to it here without flaking when a neighbour's build starts
            "--max-p99-drift", "10");
        try {
            assertTrue(soak.waitFor(240, TimeUnit.SECONDS), "the soak ended within 240 s");
        } finally {
            soak.descendants().forEach(ProcessHandle::destroyForcibly);
            soak.destroyForcibly();
        }
        final String out = Files.readString(log);
        System.out.println(out);  // the run's report, in the test's output
        assertEquals(0, soak.exitValue(), out);
        assertTrue(out.contains("heap: 1024 MiB, fixed"), out);
        assertEquals(WINDOWS, out.lines().filter(l -> l.startsWith("window ")).count(), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("summary: ") && l.contains(" 0 lost, 0 wrong")), out);
        assertTrue(out.contains("  rss growth ") && out.contains("  p99 drift "), out);
        assertTrue(out.contains("soak: PASS"), out);

        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertTrue(report.get("passed").asBoolean(), report.toString());
        assertEquals(WINDOWS, report.get("windows").size());
        final JsonNode summary = report.get("summary");
        assertTrue(summary.get("tasks").asLong() > 0, summary.toString());
        assertTrue(summary.get("spilledMiB").asLong() > 0, "the store spilled: " + summary);
        assertTrue(summary.get("largeObjects").asLong() > 0 && summary.get("placementGroups").asLong() > 0,
            summary.toString());
        assertTrue(summary.get("kills").asLong() > 0, "worker processes were killed: " + summary);
        assertTrue(summary.get("retries").asLong() + summary.get("restarts").asLong() > 0,
            "a kill cost a retry or a restart: " + summary);

        final Path data = Path.of(group(out, "data directory (\\S+) \\(deleted at the end\\)"));
        assertFalse(Files.exists(data), data + " is left");
        final String store = group(out, "store (\\S+) \\(");
        assertFalse(Files.exists(SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + store)), store + " is left");
        awaitCondition(() -> processesNaming(store) == 0, "no worker process of store " + store + " is left");
    }

    @Test
    void aRunOfNoTimeIsRefusedBeforeAnythingStarts() {
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertEquals(2, KairosCli.commandLine().execute("soak", "--minutes", "0"));
        } finally {
            System.setErr(err);
        }
        final String message = captured.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("kairos soak: the run must last at least a second (--minutes 0)"), message);
    }

    private static String group(final String out, final String regex) {
        final Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " not in\n" + out);
        return m.group(1);
    }

    /** Live processes whose command line names the store (a kernel's worker processes do). */
    private static long processesNaming(final String store) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                .filter(p -> commandLine(p).contains(store)).count();
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String commandLine(final Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (final IOException gone) {
            return "";
        }
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "not within 30 s: " + what);
            Thread.onSpinWait();
        }
    }
}
