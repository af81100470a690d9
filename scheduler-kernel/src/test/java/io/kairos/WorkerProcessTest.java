package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.TaskFailedException;
import io.kairos.exception.WorkerDiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Isolated tasks and actors run in worker processes; a process that dies costs a retry or a restart, not work. */
@Timeout(180)
class WorkerProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long ME = ProcessHandle.current().pid();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    static String whereAmI(final int x) {
        final TaskContext c = TaskContext.current();
        return ProcessHandle.current().pid() + " " + c.taskName() + " " + c.attempt() + " " + x;
    }

    static byte[] reversed(final byte[] in) {
        final byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }

    static int exitWith(final int code) {
        System.exit(code);
        return 0;
    }

    /** Kills its own process with SIGKILL on the first attempt; returns on a retry. */
    static int dieOnFirstAttempt(final int x) throws Exception {
        if (TaskContext.current().attempt() == 0) {
            new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(10_000);  // the signal arrives first
        }
        return x * 2;
    }

    /** Writes through a null pointer (a native crash: SIGSEGV in the JVM, which then aborts) on the first attempt. */
    static int crashNativelyOnFirstAttempt(final int x) throws Exception {
        if (TaskContext.current().attempt() == 0) {
            final java.lang.reflect.Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            ((sun.misc.Unsafe) field.get(null)).putAddress(0, 1);
        }
        return x * 2;
    }

    /** The crash-report options of a worker JVM that crashes: its report under dir, never in the working directory. */
    private static KernelContext crashing(final java.nio.file.Path dir) {
        return new KernelContext().cpus(1).workerJvmOptions(List.of("-XX:ErrorFile=" + dir + "/hs_err_pid%p.log"));
    }

    /** Whether this process may write core files (its worker processes would, on a native crash). */
    private static boolean writesCoreFiles() throws java.io.IOException {
        for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max core file size")) {
                return !line.substring("Max core file size".length()).trim().startsWith("0 ");
            }
        }
        return true;
    }

    @Test
    void aNativeCrashInAWorkerCostsTheTaskOneRetryAndNamesTheSignalAndTheCrashReport(
        @org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(writesCoreFiles(), "WorkerProcessTest: core files are on "
            + "(ulimit -c): a worker's native crash would write one in the working directory; skipped");
        kernel = Kernel.start(crashing(dir));
        assertEquals(42, kernel.task(WorkerProcessTest::crashNativelyOnFirstAttempt, 21).setIsolated(true)
            .setMaxRetries(1).remote().get(WAIT), "the retry ran in a new process");
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(WorkerProcessTest::crashNativelyOnFirstAttempt, 1).setIsolated(true).setMaxRetries(0).remote()
            .get(WAIT));
        assertTrue(e.getCause() instanceof WorkerDiedException, String.valueOf(e.getCause()));
        final String died = e.getCause().getMessage();
        final String pid = died.replaceFirst("worker process (\\d+) died.*", "$1");
        final String expected = "worker process " + pid + " died: killed by signal 6 (SIGABRT: a native crash) (exit "
            + "code 134); its JVM reported SIGSEGV (0xb) at pc=0x";
        assertTrue(died.startsWith(expected) && died.endsWith(" in " + dir + "/hs_err_pid" + pid + ".log"), died);
        assertTrue(e.getMessage().contains(died), e.getMessage());
    }

    static String cudaVisibleDevices() {
        return String.valueOf(System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /** spin, after appending "x attempt" to the log (one small O_APPEND write: atomic), so a killed attempt shows. */
    static int spinLogged(final int x, final String log) throws java.io.IOException {
        java.nio.file.Files.write(java.nio.file.Path.of(log), (x + " " + TaskContext.current().attempt() + "\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.WRITE);
        return spin(x);
    }

    static int spin(final int x) {
        final long until = System.nanoTime() + 2_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        return x;
    }

    @Test
    void anIsolatedTaskRunsInAnotherProcessThatIsReused() {
        kernel = Kernel.start(new KernelContext().cpus(1).workerProcesses(1));
        final String first = kernel.task(WorkerProcessTest::whereAmI, 7).setIsolated(true).remote().get(WAIT);
        final String[] words = first.split(" ");
        assertNotEquals(Long.toString(ME), words[0], "not in this JVM");
        assertEquals("WorkerProcessTest::whereAmI 0 7", first.substring(words[0].length() + 1), "its context came along");
        final long again = kernel.task(WorkerProcessTest::pid).setIsolated(true).remote().get(WAIT);
        assertEquals(Long.parseLong(words[0]), again, "the pool reuses the process");
        assertEquals(ME, kernel.task(WorkerProcessTest::pid).remote().get(WAIT), "not isolated: a thread here");
        assertEquals(List.of(again), kernel.workerProcessIds());
    }

    @Test
    void largeArgumentsAndResultsGoThroughTheStore() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final byte[] big = new byte[4 << 20];
        ThreadLocalRandom.current().nextBytes(big);
        final ObjectRef<byte[]> put = kernel.put(big);
        final ObjectRef<byte[]> out = kernel.task(WorkerProcessTest::reversed, put).setIsolated(true).remote();
        assertArrayEquals(reversed(big), out.get(WAIT));
        assertTrue(out.isStored(), "the result lives in the shared store");
        final byte[] small = {1, 2, 3};
        assertArrayEquals(new byte[] {3, 2, 1}, kernel.task(WorkerProcessTest::reversed, small).setIsolated(true)
            .remote().get(WAIT));
    }

    @Test
    void aKilledWorkerCostsTheTaskOneRetry() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        assertEquals(42, kernel.task(WorkerProcessTest::dieOnFirstAttempt, 21).setIsolated(true).remote().get(WAIT));
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(WorkerProcessTest::dieOnFirstAttempt, 1).setIsolated(true).setMaxRetries(0).remote().get(WAIT));
        assertTrue(e.getMessage().contains("died: killed by signal 9 (SIGKILL) (exit code 137)"), e.getMessage());
        assertTrue(e.getCause() instanceof WorkerDiedException, String.valueOf(e.getCause()));
    }

    @Test
    void systemExitInAWorkerSaysSo() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(WorkerProcessTest::exitWith, 3).setIsolated(true).setMaxRetries(1).remote().get(WAIT));
        assertTrue(e.getMessage().contains("died: exited with code 3"), e.getMessage());
    }

    @Test
    void anApplicationExceptionComesBackAsIs() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(WorkerProcessTest::parse, "x").setIsolated(true).remote().get(WAIT));
        assertTrue(e.getCause() instanceof NumberFormatException, String.valueOf(e.getCause()));
    }

    static int parse(final String s) {
        return Integer.parseInt(s);
    }

    @Test
    void aGpuTaskSeesOnlyItsDevices() {
        kernel = Kernel.start(new KernelContext().cpus(2).simulatedGpus("2x1GiB"));
        final ObjectRef<String> one = kernel.task(WorkerProcessTest::cudaVisibleDevices).setResource("GPU", 1.0)
            .setIsolated(true).remote();
        assertTrue(List.of("0", "1").contains(one.get(WAIT)), one.get(WAIT));
        assertEquals("0,1", kernel.task(WorkerProcessTest::cudaVisibleDevices).setResource("GPU", 2.0)
            .setIsolated(true).remote().get(WAIT));
    }

    /** An actor's state. */
    public static final class Counter {
        private int count;

        public int increment() {
            return ++count;
        }

        public long pid() {
            return ProcessHandle.current().pid();
        }
    }

    @Test
    void anIsolatedActorIsRestartedWhenItsProcessIsKilled() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new).setIsolated(true).setMaxRestarts(1).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get(WAIT));
        assertEquals(2, counter.task(Counter::increment).remote().get(WAIT));
        final long pid = counter.task(Counter::pid).remote().get(WAIT);
        assertNotEquals(ME, pid);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        assertEquals(1, incrementAfterItsProcessDied(counter), "restarted in a new process: fresh state");
        final long second = counter.task(Counter::pid).remote().get(WAIT);
        assertNotEquals(pid, second);
        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        ProcessHandle.of(second).ifPresent(p -> p.onExit().join());
        final ActorDiedException dead = assertThrows(ActorDiedException.class, () -> incrementAfterItsProcessDied(counter),
            "its one restart is spent");
        final Throwable why = dead.getCause() != null ? dead.getCause() : dead;
        assertTrue(why.getMessage().contains("worker process " + second + " died: killed by signal 9"),
            why.getMessage());
    }

    /**
     * A call after the actor's process was killed: the kernel restarts the actor when it sees the process end, or the
     * call that finds it dead fails ("died") and the next one runs on the restarted actor.
     */
    private static int incrementAfterItsProcessDied(final ActorHandle<Counter> counter) {
        try {
            return counter.task(Counter::increment).remote().get(WAIT);
        } catch (final TaskFailedException died) {
            assertTrue(died.getMessage().contains("died"), died.getMessage());
            return counter.task(Counter::increment).remote().get(WAIT);
        }

    }

    @Test
    void killingWorkersDuringAWorkloadLosesNoTaskAndRestartsActorsTenTrials() throws Exception {
        int retriedInAll = 0;
        for (int trial = 0; trial < 10; trial++) {
            final java.nio.file.Path log = java.nio.file.Files.createTempFile("kairos-kills-", ".log");
            try (Kernel k = Kernel.start(new KernelContext().cpus(2).workerProcesses(2))) {
                // The random kills may hit the actor's process too: it has restarts for all of them.
                final ActorHandle<Counter> counter = k.actor(Counter::new).setIsolated(true).setMaxRestarts(10).remote();
                final List<ObjectRef<Integer>> refs = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    refs.add(k.task(WorkerProcessTest::spinLogged, i, log.toString()).setIsolated(true).setMaxRetries(5)
                        .remote());
                }
                int kills = 0;
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (kills < 3 && System.nanoTime() < deadline) {
                    final List<Long> pids = k.workerProcessIds();
                    final long done = refs.stream().filter(ObjectRef::isReady).count();
                    if (done >= 20L * (kills + 1) && !pids.isEmpty()) {
                        ProcessHandle.of(pids.get(ThreadLocalRandom.current().nextInt(pids.size())))
                            .ifPresent(ProcessHandle::destroyForcibly);
                        kills++;
                    }
                    Thread.onSpinWait();
                }
                for (int i = 0; i < refs.size(); i++) {
                    assertEquals(i, refs.get(i).get(WAIT), "trial " + trial + " task " + i);
                }
                assertEquals(3, kills, "trial " + trial);
                // the kills hit running work: a task started again (attempt n+1 after attempt n), within its retries
                final Map<Integer, Integer> attempts = new HashMap<>();
                for (final String line : java.nio.file.Files.readAllLines(log)) {
                    final String[] f = line.split(" ");
                    attempts.merge(Integer.parseInt(f[0]), Integer.parseInt(f[1]) + 1, Math::max);
                }
                assertEquals(150, attempts.size(), "trial " + trial + ": every task started");
                attempts.values().forEach(a -> assertTrue(a <= 6, "at most 1 + 5 retries, was " + a));
                retriedInAll += (int) attempts.values().stream().filter(a -> a > 1).count();
                final long actorPid = counter.task(Counter::pid).remote().get(WAIT);
                ProcessHandle.of(actorPid).ifPresent(ProcessHandle::destroyForcibly);
                ProcessHandle.of(actorPid).ifPresent(p -> p.onExit().join());
                final int after = incrementAfterItsProcessDied(counter);
                assertEquals(1, after, "trial " + trial + ": the actor was restarted in a new process");
            } finally {
                java.nio.file.Files.deleteIfExists(log);
            }
        }
        // 30 kills of a pool of two busy processes: some may land between tasks, most land on a running one
        System.out.println("WorkerProcessTest: 30 kills in 10 trials, " + retriedInAll + " tasks retried");
        assertTrue(retriedInAll >= 5, retriedInAll + " tasks were retried after 30 kills (16 in a run of 2026-12-07)");
    }

    @Test
    void anIsolatedActorRunsOneCallAtATime() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Counter::new).setIsolated(true).setMaxConcurrency(2).remote());
        assertEquals("an isolated actor runs one call at a time: maxConcurrency must be 1, was 2", e.getMessage());
    }
}
