package io.kairos;

import io.kairos.internal.setup.SegmentNames;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes during recovery, and crashes in a row: a kernel journaling {@value #TASKS} tasks is killed (kill -9) in the
 * middle of them, then each of {@value #CRASHES} kernels started on its data directory is killed too, at a moment
 * drawn at random: while its JVM starts or its journal is replayed, right after it submitted the recovered tasks
 * again, or while they run. A last kernel then recovers and runs to the end. Across the generations: every task runs
 * to its end in one of them; a task whose end the journal held when a generation started never runs in it or later;
 * a task runs at most once per generation, and only in a generation that recovered it; the last generation recovers
 * exactly the tasks without a journaled end; the key-value entry and the named actor of the first outlive every kill;
 * and no segment of theirs is left in /dev/shm. Trials: {@code kairos.recoveryCrash.trials} (default 2; the long-trials profile runs
 * 20), seeded from {@code kairos.recoveryCrash.seed} (printed).
 */
@Timeout(900)
class RecoveryCrashTest {
    private static final int TASKS = 2_000;
    private static final int CRASHES = 3;

    @TempDir
    Path temp;

    @Test
    void killsDuringRecoveryAndInARowLoseNoTaskAndRunNoEndedTaskAgain() throws Exception {
        final int trials = Integer.getInteger("kairos.recoveryCrash.trials", 2);
        final long seed = Long.getLong("kairos.recoveryCrash.seed", System.nanoTime());
        System.out.println("RecoveryCrashTest: " + trials + " trials, seed " + seed
            + " (-Dkairos.recoveryCrash.seed=" + seed + " repeats them)");
        final SplittableRandom random = new SplittableRandom(seed);
        final Set<String> segments = new HashSet<>();
        for (int trial = 0; trial < trials; trial++) {
            System.out.println("RecoveryCrashTest trial " + trial + ": " + trial(trial, random.split()));
            segments.add(SegmentNames.forDirectory(temp.resolve("data-" + trial)));
        }
        final Set<String> left = ShmSegments.list();  // only this test's: other runs on the machine may kill kernels too
        left.retainAll(segments);
        assertEquals(Set.of(), left, "the killed kernels' segments were replaced by their successors, and the last "
            + "one closed");
    }

    private String trial(final int trial, final SplittableRandom random) throws Exception {
        final Path dir = temp.resolve("data-" + trial);
        final Path log = temp.resolve("log-" + trial);
        final StringBuilder story = new StringBuilder();
        try (ChildJvm first = ChildJvm.startMain(CrashWorkload.class, List.of("-Dkairos.generation=1"), "first",
            dir.toString(), log.toString(), String.valueOf(TASKS))) {
            assertEquals("SUBMITTED", first.readLine(120));
            awaitLines(log, TASKS / 5);
            first.kill(30);
        }
        story.append("1: killed running");
        final Set<Integer> ran = new HashSet<>(runs(log, 1).values());
        for (int generation = 2; generation <= CRASHES + 2; generation++) {
            final boolean last = generation == CRASHES + 2;
            final Set<Long> endedBefore = journaledEnds(dir);
            final Set<Long> recovered = new HashSet<>();
            final String moment;
            try (ChildJvm kernel = ChildJvm.startMain(CrashWorkload.class,
                List.of("-Dkairos.generation=" + generation), "recover", dir.toString(), log.toString())) {
                final int when = last ? -1 : random.nextInt(3);
                if (when == 0) {  // a moment drawn in the JVM's start, the journal's replay, the recovery
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1_500)));
                    kernel.kill(30);
                    moment = "killed " + "starting or recovering";
                } else {
                    final String[] words = kernel.readLine(120).split(" ");
                    assertEquals("RECOVERED", words[0], "generation " + generation);
                    for (int i = 2; i < words.length; i++) {
                        recovered.add(Long.parseLong(words[i]));
                    }
                    assertEquals(TASKS - endedBefore.size(), recovered.size(), "generation " + generation
                        + " recovers every task without a journaled end, and only those");
                    for (final Long id : recovered) {
                        assertFalse(endedBefore.contains(id), "task " + id + " ended in the journal but was recovered");
                    }
                    if (when == 1) {
                        kernel.kill(30);
                        moment = "killed after recovering " + recovered.size();
                    } else {
                        assertEquals("KV submitting ACTOR kept", kernel.readLine(120), "generation " + generation);
                        if (last) {
                            assertEquals("DONE", kernel.readLine(300), "the last generation runs every task");
                            assertEquals(0, kernel.waitFor(60));
                            moment = "ran " + recovered.size() + " to the end";
                        } else {
                            awaitLines(log, Files.size(log) / 10 + random.nextInt(1 + recovered.size() / 2));
                            kernel.kill(30);
                            moment = "killed running " + recovered.size();
                        }
                    }
                }
            }
            story.append(", ").append(generation).append(": ").append(moment);
            final Map<Long, Integer> runs = runs(log, generation);
            for (final Long id : runs.keySet()) {
                assertFalse(endedBefore.contains(id), "task " + id + " ran in generation " + generation
                    + " though its end was journaled before it started");
                if (!recovered.isEmpty()) {
                    assertTrue(recovered.contains(id), "task " + id + " ran in generation " + generation
                        + " without being recovered");
                }
            }
            ran.addAll(runs.values());
        }
        assertEquals(TASKS, ran.size(), "every task ran to its end in one generation or another");
        return story.toString();
    }

    /** Waits (at most two minutes) until the log holds at least this many bytes' worth of 10-byte lines. */
    private static void awaitLines(final Path log, final long lines) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while ((Files.exists(log) ? Files.size(log) / 10 : 0) < lines) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the log never reached " + lines + " lines");
            }
            Thread.onSpinWait();
        }
    }

    /** The tasks whose end is in the journal, read before a generation starts. */
    private static Set<Long> journaledEnds(final Path dir) {
        final Set<Long> ended = new HashSet<>();
        JournalHistory.read(dir).tasks(JournalHistory.TaskState.FINISHED).forEach(t -> ended.add(t.id()));
        return ended;
    }

    /** taskId -> index for the log lines of one generation; fails if a task ran twice in it. */
    private static Map<Long, Integer> runs(final Path log, final int generation) throws Exception {
        final Map<Long, Integer> runs = new HashMap<>();
        if (!Files.exists(log)) {
            return runs;
        }
        for (final String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            final String[] words = line.split(" ");
            if (words.length == 3 && words[0].equals(Integer.toString(generation))) {
                final Integer before = runs.put(Long.parseLong(words[1]), Integer.parseInt(words[2]));
                assertEquals(null, before, "task " + words[1] + " ran twice in generation " + generation);
            }
        }
        return runs;
    }
}
