package io.kairos;

import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Actors in worker processes that host several at once ({@link KernelContext#actorsPerWorkerProcess}): their calls
 * run at once in one JVM, a process whose actors are gone is reused, and a process that dies takes its actors, which
 * restart within their limits.
 */
@Timeout(180)
class SharedWorkerProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long ME = ProcessHandle.current().pid();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** Lives in a worker process; the gate is the process's, shared by every actor it hosts. */
    public static final class Gate {
        static final CountDownLatch GATE = new CountDownLatch(1);
        private int calls;

        public long pid() {
            calls++;
            return ProcessHandle.current().pid();
        }

        /** Waits, in this process, for another actor's call to open the gate. */
        public boolean awaitGate() throws InterruptedException {
            calls++;
            return GATE.await(30, TimeUnit.SECONDS);
        }

        public boolean open() {
            calls++;
            GATE.countDown();
            return true;
        }

        public int calls() {
            return ++calls;
        }

        public long sum(final List<ObjectRef<Integer>> refs) {
            long sum = 0;
            for (final ObjectRef<Integer> ref : refs) {
                sum += ref.get();
            }
            return sum;
        }
    }

    private ActorHandle<Gate> gate(final int maxRestarts) {
        return kernel.actor(Gate::new).setIsolated(true).setMaxRestarts(maxRestarts).remote();
    }

    private static long pidOf(final ActorHandle<Gate> actor) {
        return actor.task(Gate::pid).remote().get(WAIT);
    }

    @Test
    void eightActorsLiveInTwoProcessesAndTheirCallsRunAtOnce() {
        kernel = Kernel.start(new KernelContext().cpus(2).actorsPerWorkerProcess(4));
        final List<ActorHandle<Gate>> actors = new ArrayList<>();
        final Set<Long> pids = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            actors.add(gate(0));
            pids.add(pidOf(actors.get(i)));
        }
        assertEquals(2, pids.size(), "8 actors, 4 a process: " + pids);
        assertTrue(!pids.contains(ME));
        assertEquals(pids, new HashSet<>(kernel.workerProcessIds()));
        assertEquals(pidOf(actors.get(0)), pidOf(actors.get(1)), "the first two share a process");
        // one actor waits in the process for another's call to open the gate: with one call at a time per process
        // this would wait 30 s and return false
        final ObjectRef<Boolean> waiting = actors.get(0).task(Gate::awaitGate).remote();
        assertTrue(actors.get(1).task(Gate::open).remote().get(WAIT));
        assertTrue(waiting.get(WAIT), "the two calls ran at once in one process");
        // each actor keeps its own state and order
        for (final ActorHandle<Gate> actor : actors) {
            assertTrue(actor.task(Gate::calls).remote().get(WAIT) >= 2);
        }
        final List<ObjectRef<Integer>> refs = List.of(kernel.put(1), kernel.put(2), kernel.put(3));
        final List<ObjectRef<Long>> sums = new ArrayList<>();
        for (final ActorHandle<Gate> actor : actors) {
            sums.add(actor.task(Gate::sum, refs).remote());  // gets from 8 actors in 2 processes, at once
        }
        for (final ObjectRef<Long> sum : sums) {
            assertEquals(6L, sum.get(WAIT));
        }
    }

    @Test
    void aProcessWhoseActorsAreGoneHostsTheNextOnesWithoutAJvmStart() {
        kernel = Kernel.start(new KernelContext().cpus(2).actorsPerWorkerProcess(2));
        final ActorHandle<Gate> a = gate(0);
        final ActorHandle<Gate> b = gate(0);
        final long pid = pidOf(a);
        assertEquals(pid, pidOf(b));
        kernel.kill(a, true);
        assertEquals(pid, pidOf(b), "b still lives there");
        kernel.kill(b, true);
        final ActorHandle<Gate> c = gate(0);
        final ActorHandle<Gate> d = gate(0);
        assertEquals(pid, pidOf(c), "the process went back to the pool and hosts the next actor");
        assertEquals(pid, pidOf(d));
        assertEquals(List.of(pid), kernel.workerProcessIds(), "no other JVM was started");
        assertEquals(2, c.task(Gate::calls).remote().get(WAIT), "a fresh instance");
        final ObjectRef<Long> taskPid = kernel.task(SharedWorkerProcessTest::taskPid).setIsolated(true).remote();
        assertNotEquals(pid, (long) taskPid.get(WAIT), "a process hosting actors runs no task");
    }

    static long taskPid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void aProcessThatDiesTakesItsActorsWhichRestartElsewhere() {
        kernel = Kernel.start(new KernelContext().cpus(2).actorsPerWorkerProcess(2));
        final ActorHandle<Gate> a = gate(1);
        final ActorHandle<Gate> b = gate(1);
        assertEquals(1, a.task(Gate::calls).remote().get(WAIT));
        final long pid = pidOf(a);
        assertEquals(pid, pidOf(b));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        KernelTest.awaitCondition("the dead process dropped", () -> !kernel.workerProcessIds().contains(pid));
        final long after = callAfterItsProcessDied(a);
        assertNotEquals(pid, after);
        assertEquals(after, callAfterItsProcessDied(b), "both restarted, together in a new process");
        assertEquals(2, a.task(Gate::calls).remote().get(WAIT), "restarted: fresh state");
    }

    /** The actor's pid once it has restarted (a call that finds its process dead fails, "died"). */
    private static long callAfterItsProcessDied(final ActorHandle<Gate> actor) {
        try {
            return pidOf(actor);
        } catch (final TaskFailedException died) {
            assertTrue(died.getMessage().contains("died"), died.getMessage());
            return pidOf(actor);
        }
    }

    @Test
    void theLimitIsChecked() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Kernel.start(new KernelContext().actorsPerWorkerProcess(0)));
        assertEquals("actorsPerWorkerProcess 0 is outside 1..1024", e.getMessage());
    }
}
