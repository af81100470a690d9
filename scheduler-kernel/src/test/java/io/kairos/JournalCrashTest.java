package io.kairos;

import io.kairos.store.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a kernel's JVM in the middle of 10,000 tasks, then a kernel on the same data directory (the Chronicle
 * journal, the LMDB metadata): every task completes, no task whose end was journaled runs again, and the key-value
 * entry and named actor made before the kill are there. Ten trials.
 */
@Timeout(300)
class JournalCrashTest {
    private static final int TASKS = 10_000;
    private static final int TRIALS = 10;

    @TempDir
    Path temp;

    @Test
    void everyTaskCompletesAndNoEndedTaskRunsAgainAfterAKill9() throws Exception {
        final java.util.Set<String> segments = ShmSegments.list();
        final StringBuilder summary = new StringBuilder();
        for (int trial = 0; trial < TRIALS; trial++) {
            summary.append(trial(trial)).append('\n');
        }
        System.out.println("JournalCrashTest, " + TRIALS + " trials of " + TASKS + " tasks:\n" + summary);
        // each killed first generation's segment was replaced by its restart, which closed: none is left
        assertEquals(java.util.Set.of(), ShmSegments.leftBehindSince(segments, java.util.Set.of()),
            "the kill -9 trials leave /dev/shm as they found it");
    }

    private String trial(final int trial) throws Exception {
        final Path dir = temp.resolve("data-" + trial);
        final Path log = temp.resolve("log-" + trial);
        try (ChildJvm first = ChildJvm.startMain(CrashWorkload.class, List.of("-Dkairos.generation=1"),
            "first", dir.toString(), log.toString(), String.valueOf(TASKS))) {
            assertEquals("SUBMITTED", first.readLine(60));
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (lines(log) < TASKS / 5 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            first.kill(30);  // SIGKILL in the middle of the run
        }
        final Map<Long, Integer> firstRuns = runs(log, "1");
        final int ranBeforeKill = firstRuns.size();
        assertTrue(ranBeforeKill < TASKS, "the kill came before the end: " + ranBeforeKill);
        // what the journal says ended, read by the test itself before any recovery runs
        final Set<Long> journaledEnds = new HashSet<>();
        JournalHistory.read(dir).tasks(JournalHistory.TaskState.FINISHED).forEach(t -> journaledEnds.add(t.id()));
        for (final Long id : journaledEnds) {
            assertTrue(firstRuns.containsKey(id), "task " + id + " ended in the journal but never ran");
        }

        final Set<Long> recovered = new HashSet<>();
        try (ChildJvm second = ChildJvm.startMain(CrashWorkload.class, List.of("-Dkairos.generation=2"),
            "recover", dir.toString(), log.toString())) {
            final String[] words = second.readLine(60).split(" ");
            assertEquals("RECOVERED", words[0]);
            for (int i = 2; i < words.length; i++) {
                recovered.add(Long.parseLong(words[i]));
            }
            assertEquals("KV submitting ACTOR kept", second.readLine(60),
                "the key-value store and the named actor outlive the kill");
            assertEquals("DONE", second.readLine(120), "every recovered task completes, none unrecoverable");
            assertEquals(0, second.waitFor(30));
        }
        final Map<Long, Integer> secondRuns = runs(log, "2");
        final Set<Integer> indices = new HashSet<>(firstRuns.values());
        indices.addAll(secondRuns.values());
        assertEquals(TASKS, indices.size(), "every task ran to its end in one generation or the other");
        for (final Long id : secondRuns.keySet()) {
            assertTrue(recovered.contains(id), "task " + id + " ran after the restart without being recovered");
        }
        assertEquals(recovered.size(), secondRuns.size(), "each recovered task ran once");
        assertEquals(TASKS - journaledEnds.size(), recovered.size(), "every task whose end was not journaled is "
            + "recovered, and only those");
        for (final Long id : recovered) {
            assertFalse(journaledEnds.contains(id), "task " + id + " ended in the journal but was recovered");
        }
        final Set<Long> ranTwice = new HashSet<>(secondRuns.keySet());
        ranTwice.retainAll(firstRuns.keySet());
        for (final Long id : ranTwice) {  // ran twice: only a task that had run but whose end was not yet journaled
            assertFalse(journaledEnds.contains(id), "task " + id + " ran again after its end was journaled");
        }
        assertTrue(ranTwice.size() <= ranBeforeKill - journaledEnds.size(), ranTwice.size() + " ran twice, but only "
            + (ranBeforeKill - journaledEnds.size()) + " had run without a journaled end");
        return "trial " + trial + ": " + ranBeforeKill + " ran before the kill, " + recovered.size()
            + " recovered (ended in the journal: " + (TASKS - recovered.size()) + "), " + ranTwice.size()
            + " had run but their end was not yet journaled";
    }

    private static long lines(final Path log) throws Exception {
        return Files.exists(log) ? Files.size(log) / 10 : 0;  // lines are 10+ bytes: a lower bound is enough here
    }

    /** taskId -> index for the log lines of one generation; fails if a task ran twice in it. */
    private static Map<Long, Integer> runs(final Path log, final String generation) throws Exception {
        final Map<Long, Integer> runs = new HashMap<>();
        for (final String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            final String[] words = line.split(" ");
            if (words.length == 3 && words[0].equals(generation)) {
                final Integer before = runs.put(Long.parseLong(words[1]), Integer.parseInt(words[2]));
                assertEquals(null, before, "task " + words[1] + " ran twice in generation " + generation);
            }
        }
        return runs;
    }
}
