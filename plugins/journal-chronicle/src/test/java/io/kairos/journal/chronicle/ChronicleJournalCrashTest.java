package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Kills a writer process with SIGKILL and checks that every acknowledged record survives. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChronicleJournalCrashTest {
    private static final JournalOptions HOURLY = new JournalOptions(JournalOptions.Roll.HOURLY, 0);
    private static final long CHILD_OUTPUT_TIMEOUT_S = 30;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "trial {0}")
    @ValueSource(ints = {1, 2, 3})
    void acknowledgedRecordsSurviveKill9(final int trial) throws Exception {
        final Path dir = tmp.resolve("journal-" + trial);
        final Process child = startChild("append", dir.toString());
        long acknowledged = 0;
        try {
            final BlockingQueue<String> lines = readLines(child);
            while (acknowledged < 20_000) {
                final String line = nextLine(child, lines);
                if (line.startsWith("ACK ")) {
                    acknowledged = Long.parseLong(line.substring(4).trim());
                }
            }
        } finally {
            kill(child);
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir, HOURLY)) {
            final long[] count = {0};
            journal.replay(record -> {
                Records.check(count[0], record);
                count[0]++;
            });
            assertTrue(count[0] >= acknowledged, count[0] + " records replayed, " + acknowledged + " acknowledged");
            Records.appendRange(journal, count[0], count[0] + 100);
            Records.assertHolds(journal, 0, count[0] + 100);
        }
    }

    @Test
    void aRecordCutShortByAKillIsSkipped() throws Exception {
        final Path dir = tmp.resolve("partial");
        final Process child = startChild("partial", dir.toString(), "500");
        try {
            final BlockingQueue<String> lines = readLines(child);
            while (!nextLine(child, lines).equals("PARTIAL")) {
                // wait for it
            }
        } finally {
            kill(child);
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir, HOURLY)) {
            Records.assertHolds(journal, 0, 500);
            Records.appendRange(journal, 500, 600);
            Records.assertHolds(journal, 0, 600);
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir, HOURLY)) {
            Records.assertHolds(journal, 0, 600);
        }
    }

    private static Process startChild(final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access") || arg.startsWith("-Dchronicle.")) {
                command.add(arg);
            }
        }
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .directory(new File(System.getProperty("user.dir")))
                .start();
    }

    private static BlockingQueue<String> readLines(final Process child) {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child died
            }
        }, "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** The child's next line of output; fails if it exits or stays silent too long. */
    private static String nextLine(final Process child, final BlockingQueue<String> lines)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_OUTPUT_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                return line;
            }
            if (!child.isAlive() && lines.isEmpty()) {
                fail("the child exited with status " + child.exitValue() + " before printing what was awaited");
            }
        }
        return fail("the child printed nothing for " + CHILD_OUTPUT_TIMEOUT_S + " s");
    }

    private static void kill(final Process child) throws InterruptedException {
        child.destroyForcibly();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            fail("the child did not die");
        }
        assertEquals(137, child.exitValue(), "exit status of a SIGKILLed process");
    }
}
