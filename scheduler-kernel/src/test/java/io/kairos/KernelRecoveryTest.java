package io.kairos;

import io.kairos.exception.TaskFailedException;
import io.kairos.spi.journal.JournalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A kernel started again on its journal runs again what was submitted and did not end, and only that. */
@Timeout(60)
class KernelRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    static volatile CountDownLatch gate = new CountDownLatch(0);

    @TempDir
    Path dir;
    private final MemoryJournal journal = new MemoryJournal();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
        gate.countDown();
    }

    private Kernel start() {
        return Kernel.start(new KernelContext().cpus(2).dataDirectory(dir).journal(journal)
            .closeTimeout(Duration.ofMillis(100)));  // the gated tasks are interrupted at close
    }

    static int counted(final String key, final int value) {
        RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return value;
    }

    static int gated(final String key, final int value) throws InterruptedException {
        gate.await();
        return counted(key, value);
    }

    static int plus(final int a, final int b) {
        return a + b;
    }

    @Test
    void tasksSubmittedAndNotEndedRunAgainWithTheirIdsAndEndedOnesDoNot() {
        RUNS.clear();
        gate = new CountDownLatch(1);
        kernel = start();
        final List<ObjectRef<Integer>> done = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            done.add(kernel.task(KernelRecoveryTest::counted, "done" + i, i).remote());
        }
        for (final ObjectRef<Integer> ref : done) {
            ref.get(WAIT);
        }
        final List<Long> blockedIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            blockedIds.add(kernel.task(KernelRecoveryTest::gated, "blocked" + i, 100 + i).remote().id());
        }
        kernel.syncJournal(WAIT);
        kernel.close();  // the blocked tasks are stopped by the close: they did not end

        gate.countDown();
        kernel = start();
        final Recovery recovery = kernel.recovery();
        assertEquals(3, recovery.endedBefore(), recovery.toString());
        assertEquals(Set.copyOf(blockedIds), recovery.tasks().keySet(), "the same ids, and only them");
        int i = 0;
        for (final Map.Entry<Long, ObjectRef<?>> entry : recovery.tasks().entrySet()) {
            assertEquals(entry.getKey(), entry.getValue().id());
            assertEquals(100 + i++, entry.getValue().get(WAIT));
        }
        for (int d = 0; d < 3; d++) {
            assertEquals(1, RUNS.get("done" + d).get(), "an ended task never runs again");
        }
        final long next = kernel.task(KernelRecoveryTest::counted, "new", 1).remote().id();
        assertTrue(next > blockedIds.get(4), "new ids continue after the journal's: " + next);
    }

    @Test
    void aChainOfPendingTasksIsRecoveredWithItsReferences() {
        gate = new CountDownLatch(1);
        kernel = start();
        final ObjectRef<Integer> a = kernel.task(KernelRecoveryTest::gated, "chain", 20).remote();
        final ObjectRef<Integer> b = kernel.task(KernelRecoveryTest::plus, a, 22).remote();
        kernel.syncJournal(WAIT);
        kernel.close();
        gate.countDown();
        kernel = start();
        assertEquals(42, kernel.recovery().tasks().get(b.id()).get(WAIT));
        assertEquals(20, kernel.recovery().tasks().get(a.id()).get(WAIT));
    }

    @Test
    void aTaskWhoseArgumentWasLostFailsSayingWhy() {
        gate = new CountDownLatch(1);
        kernel = start();
        final ObjectRef<Integer> made = kernel.task(KernelRecoveryTest::plus, 1, 2).remote();
        made.get(WAIT);
        final ObjectRef<Integer> waiting = kernel.task(KernelRecoveryTest::gated, "w", 1).remote();
        final ObjectRef<Integer> dependent = kernel.task(KernelRecoveryTest::plus, made, 1)
            .setResource("CPU", 2.0).remote();  // waits behind the gated task for the CPUs
        kernel.syncJournal(WAIT);
        kernel.close();
        gate.countDown();
        kernel = start();
        final Recovery recovery = kernel.recovery();
        assertEquals(1, recovery.unrecoverable().size(), recovery.unrecoverable().toString());
        assertTrue(recovery.unrecoverable().get(0).contains("argument 0 is object " + made.id()),
            recovery.unrecoverable().get(0));
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> recovery.tasks().get(dependent.id()).get(WAIT));
        assertTrue(e.getMessage().contains("lost with the old process"), e.getMessage());
        assertEquals(1, recovery.tasks().get(waiting.id()).get(WAIT));

        kernel.close();
        kernel = start();
        assertEquals(0, kernel.recovery().tasks().size(), "an unrecoverable task is not tried again: "
            + kernel.recovery());
    }

    @Test
    void capturingLambdasAndSerializableArgumentsComeBack() {
        gate = new CountDownLatch(1);
        kernel = start();
        final int captured = 40;
        final CountDownLatch local = gate;
        final ObjectRef<Integer> first = kernel.task(KernelRecoveryTest::gated, "x", 0).remote();
        final ObjectRef<String> lambda = kernel.task((Integer v) -> v + captured + "!", 2)
            .setResource("CPU", 2.0).remote();
        final ObjectRef<Integer> listArg = kernel.task((List<Integer> l) -> l.size(), new ArrayList<>(List.of(1, 2, 3)))
            .setResource("CPU", 2.0).remote();
        kernel.syncJournal(WAIT);
        kernel.close();
        local.countDown();
        kernel = start();
        assertEquals("42!", kernel.recovery().tasks().get(lambda.id()).get(WAIT));
        assertEquals(3, kernel.recovery().tasks().get(listArg.id()).get(WAIT));
        assertEquals(0, kernel.recovery().tasks().get(first.id()).get(WAIT));
    }

    static final class NotSerializable {
    }

    @Test
    void aTaskThatCannotBeJournaledIsReportedAfterTheRestart() {
        gate = new CountDownLatch(1);
        kernel = start();
        kernel.task(KernelRecoveryTest::gated, "y", 0).remote();
        final ObjectRef<Integer> odd = kernel.task((NotSerializable n) -> 1, new NotSerializable())
            .setResource("CPU", 2.0).remote();
        kernel.syncJournal(WAIT);
        kernel.close();
        gate.countDown();
        kernel = start();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> kernel.recovery().tasks().get(odd.id()).get(WAIT));
        assertTrue(e.getMessage().contains("argument 0 (" + NotSerializable.class.getName() + ") is not Serializable"),
            e.getMessage());
    }

    @Test
    void aRecordTheKernelDidNotWriteStopsTheStartNamingIt() {
        final ByteBuffer bogus = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(77).putLong(1).putLong(0);
        journal.records.add(bogus.array());
        final JournalException e = assertThrows(JournalException.class, this::start);
        assertEquals("journal record 0 has unknown type 77: not a Kairos journal, or a newer one", e.getMessage());
    }

    static int failing(final int x) {
        throw new IllegalStateException("no " + x);
    }

    @Test
    void theHistoryListsTasksByStateAndTheTimelineIsAChromeTrace() throws Exception {
        gate = new CountDownLatch(1);
        kernel = start();
        kernel.task(KernelRecoveryTest::plus, 1, 2).setName("add \"one\"").remote().get(WAIT);
        assertThrows(TaskFailedException.class, () -> kernel.task(KernelRecoveryTest::failing, 3).remote().get(WAIT));
        final ObjectRef<Integer> running = kernel.task(KernelRecoveryTest::gated, "h", 5).remote();
        kernel.syncJournal(WAIT);
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JournalHistory history = JournalHistory.read(dir, journal);
        while (history.tasks(JournalHistory.TaskState.RUNNING).isEmpty() && System.nanoTime() < deadline) {
            kernel.syncJournal(WAIT);
            history = JournalHistory.read(dir, journal);
        }
        assertEquals(List.of(running.id()), history.tasks(JournalHistory.TaskState.RUNNING).stream()
            .map(JournalHistory.TaskRecord::id).toList());
        assertEquals("KernelRecoveryTest::gated", history.tasks(JournalHistory.TaskState.RUNNING).get(0).name());
        assertEquals(1, history.taskCounts().get(JournalHistory.TaskState.FINISHED));
        assertEquals("KernelRecoveryTest::failing", history.tasks(JournalHistory.TaskState.FAILED).get(0).name());
        gate.countDown();
        running.get(WAIT);
        kernel.syncJournal(WAIT);
        final java.io.StringWriter trace = new java.io.StringWriter();
        JournalHistory.read(dir, journal).writeChromeTrace(trace);
        final String json = trace.toString();
        assertTrue(json.startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":["), json);
        assertTrue(json.contains("\"name\":\"add \\\"one\\\"\",\"cat\":\"task\",\"ph\":\"X\""), json);
        assertTrue(json.contains("\"outcome\":\"FAILED\""), json);
        assertEquals(3, json.split("\"ph\":\"X\"", -1).length - 1, "one run per task: " + json);
    }

    @Test
    void withoutADataDirectorySyncSaysSo() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        assertEquals(0, kernel.recovery().tasks().size());
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernel.syncJournal(WAIT));
        assertEquals("the kernel has no journal: set KernelContext.dataDirectory", e.getMessage());
    }
}
