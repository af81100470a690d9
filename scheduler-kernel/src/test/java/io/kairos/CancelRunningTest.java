package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.TaskCancelledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling work while it runs: a task in a worker process (its process is ended, its ref fails, the pool starts
 * another for the next task), a call of an actor in a worker process (its process is ended: the actor restarts within
 * its maxRestarts, else it is dead, and no process is left), and a call of an actor in this JVM (interrupted; the
 * actor lives on with its state).
 */
@Timeout(120)
class CancelRunningTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    Path dir;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** Says it runs (creates started, holding its pid), then waits for go, at most a minute; returns its pid. */
    static long runUntilTold(final String started, final String go) throws Exception {
        Files.writeString(Path.of(started), Long.toString(ProcessHandle.current().pid()));
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(Path.of(go)) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        return ProcessHandle.current().pid();
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** The pid a running call wrote to started, once it did. */
    private long startedIn(final Path started, final ObjectRef<?> ref) throws Exception {
        KernelTest.awaitCondition("the call to start", () -> fileHasContent(started) || ref.isReady());
        assertFalse(ref.isReady(), "it runs until told");
        return Long.parseLong(Files.readString(started));
    }

    private static boolean fileHasContent(final Path file) {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (final java.io.IOException e) {
            return false;
        }
    }

    private static void awaitGone(final long pid) {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " is gone");
    }

    @ParameterizedTest(name = "force {0}")
    @ValueSource(booleans = {false, true})
    void cancellingARunningWorkerProcessTaskEndsItsProcess(final boolean force) throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1).workerProcesses(1));
        final Path started = dir.resolve("started");
        final ObjectRef<Long> ref = kernel.task(CancelRunningTest::runUntilTold, started.toString(),
            dir.resolve("go").toString()).setIsolated(true).setMaxRetries(3).remote();
        final long pid = startedIn(started, ref);
        kernel.cancel(ref, force);
        final TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> ref.get(WAIT));
        assertTrue(e.getMessage().contains("'CancelRunningTest::runUntilTold' was cancelled"), e.getMessage());
        awaitGone(pid);
        final long next = kernel.task(CancelRunningTest::pid).setIsolated(true).remote().get(WAIT);
        assertTrue(next != pid && next != ProcessHandle.current().pid(), "a new process runs the next task");
        KernelTest.awaitCondition("the pool to forget " + pid, () -> !kernel.workerProcessIds().contains(pid));
        assertEquals(java.util.List.of(next), kernel.workerProcessIds(), "no process is left behind");
    }

    /** An actor in a worker process. */
    public static final class Counter {
        private int count;

        public int increment() {
            return ++count;
        }

        public long pid() {
            return ProcessHandle.current().pid();
        }

        public long runUntilTold(final String started, final String go) throws Exception {
            return CancelRunningTest.runUntilTold(started, go);
        }

        public String await(final String key) throws InterruptedException {
            LATCHES.get(key + "-started").countDown();
            LATCHES.get(key).await();
            return key;
        }
    }

    static final java.util.Map<String, CountDownLatch> LATCHES = new java.util.concurrent.ConcurrentHashMap<>();

    @ParameterizedTest(name = "maxRestarts {0}")
    @ValueSource(ints = {0, 1})
    void cancellingARunningCallOfAWorkerProcessActorEndsItsProcessAndRestartsItWithinItsLimit(final int maxRestarts)
        throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new).setIsolated(true).setMaxRestarts(maxRestarts)
            .remote();
        assertEquals(1, counter.task(Counter::increment).remote().get(WAIT));
        final Path started = dir.resolve("started");
        final ObjectRef<Long> call = counter.task(Counter::runUntilTold, started.toString(),
            dir.resolve("go").toString()).remote();
        final long pid = startedIn(started, call);
        kernel.cancel(call, false);
        final TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> call.get(WAIT));
        assertTrue(e.getMessage().contains("was cancelled"), e.getMessage());
        final ObjectRef<Integer> next = counter.task(Counter::increment).remote();  // at once: not sent to the dead process
        if (maxRestarts == 1) {
            assertEquals(1, next.get(WAIT), "restarted, in a new process");
            awaitGone(pid);
            final long again = counter.task(Counter::pid).remote().get(WAIT);
            assertTrue(again != pid && kernel.workerProcessIds().equals(java.util.List.of(again)),
                "one process, a new one: " + kernel.workerProcessIds());
        } else {
            assertThrows(ActorDiedException.class, () -> next.get(WAIT), "no restart left: the cancel ended it");
            awaitGone(pid);
            KernelTest.awaitCondition("no worker process left", () -> kernel.workerProcessIds().isEmpty());
        }
    }

    @Test
    void cancellingARunningCallOfAnActorInThisJvmInterruptsItAndTheActorKeepsItsState() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get(WAIT));
        LATCHES.put("c", new CountDownLatch(1));
        LATCHES.put("c-started", new CountDownLatch(1));
        final ObjectRef<String> call = counter.task(Counter::await, "c").remote();
        assertTrue(LATCHES.get("c-started").await(30, TimeUnit.SECONDS));
        kernel.cancel(call, false);
        final TaskCancelledException e = assertThrows(TaskCancelledException.class, () -> call.get(WAIT));
        assertTrue(e.getMessage().contains("was cancelled while running"), e.getMessage());
        assertEquals(2, counter.task(Counter::increment).remote().get(WAIT), "the same actor, its state kept");
        LATCHES.clear();
    }
}
