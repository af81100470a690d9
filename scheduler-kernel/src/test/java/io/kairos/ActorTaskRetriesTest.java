package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An actor's maxTaskRetries: a call that its actor's death interrupted runs again on the restarted actor. */
@Timeout(120)
class ActorTaskRetriesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile CountDownLatch started;
    static volatile CountDownLatch release;

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (release != null) {
            release.countDown();
        }
        if (kernel != null) {
            kernel.close();
        }
        CONSTRUCTIONS.set(0);
        RUNS.set(0);
        started = null;
        release = null;
    }

    /** An actor whose calls record the instance they ran on. */
    public static final class Flaky implements Serializable {
        private final int instance;
        private final List<String> log = new ArrayList<>();

        public Flaky() {
            instance = CONSTRUCTIONS.incrementAndGet();
        }

        /** Crashes (an Error: a system failure) on its first attempt, then returns the instance it ran on. */
        public int crashOnFirstAttempt() {
            RUNS.incrementAndGet();
            if (TaskContext.current().attempt() == 0) {
                throw new OutOfMemoryError("simulated crash");
            }
            return instance;
        }

        public int crashAlways() {
            RUNS.incrementAndGet();
            throw new OutOfMemoryError("simulated crash");
        }

        public int failAlways() {
            RUNS.incrementAndGet();
            throw new IllegalStateException("an application error");
        }

        /** Blocks on its first attempt until interrupted (or released), then returns the instance. */
        public int blockOnFirstAttempt() throws InterruptedException {
            if (TaskContext.current().attempt() == 0) {
                started.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
            return instance;
        }

        public String logged(final String entry) {
            log.add(entry);
            return instance + ":" + String.join(",", log);
        }

        /** Kills its own worker process on the first attempt; returns the instance on a retry. */
        public int dieOnFirstAttempt() throws Exception {
            if (TaskContext.current().attempt() == 0) {
                new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                new CountDownLatch(1).await(60, TimeUnit.SECONDS);  // the signal arrives first
            }
            return instance;
        }
    }

    @Test
    void aCallThatCrashedItsActorRunsAgainOnTheRestartedActor() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(1).setMaxTaskRetries(1).remote();
        assertEquals(2, actor.task(Flaky::crashOnFirstAttempt).remote().get(WAIT), "ran again on the second instance");
        assertEquals(2, RUNS.get());
    }

    @Test
    void withoutMaxTaskRetriesTheCallFailsAndTheActorRestarts() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(1).remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> actor.task(Flaky::crashOnFirstAttempt).remote().get(WAIT));
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        assertEquals("2:x", actor.task(Flaky::logged, "x").remote().get(WAIT));
    }

    @Test
    void anApplicationExceptionIsNeverRetried() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(3).setMaxTaskRetries(3).remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> actor.task(Flaky::failAlways).remote().get(WAIT));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(1, RUNS.get());
        assertEquals(1, CONSTRUCTIONS.get(), "not restarted");
    }

    @Test
    void retriesStopAtMaxTaskRetries() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(10).setMaxTaskRetries(2).remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> actor.task(Flaky::crashAlways).remote().get(WAIT));
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        assertEquals(3, RUNS.get(), "the first run and two retries");
        assertEquals("4:y", actor.task(Flaky::logged, "y").remote().get(WAIT), "restarted after each crash");
    }

    @Test
    void aCallIsNotRetriedWhenItsActorIsDeadForGood() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxTaskRetries(5).remote();
        assertThrows(TaskFailedException.class, () -> actor.task(Flaky::crashOnFirstAttempt).remote().get(WAIT));
        assertEquals(1, RUNS.get());
        assertThrows(ActorDiedException.class, () -> actor.task(Flaky::logged, "z").remote().get(WAIT));
    }

    @Test
    void aCallRunningWhenItsActorIsKilledWithRestartRunsAgainBeforeTheCallsBehindIt() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(1).setMaxTaskRetries(1).remote();
        final ObjectRef<Integer> blocked = actor.task(Flaky::blockOnFirstAttempt).remote();
        final ObjectRef<String> a = actor.task(Flaky::logged, "a").remote();
        final ObjectRef<String> b = actor.task(Flaky::logged, "b").remote();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        kernel.kill(actor, false);
        assertEquals(2, blocked.get(WAIT), "ran again on the restarted actor");
        assertEquals("2:a", a.get(WAIT));
        assertEquals("2:a,b", b.get(WAIT));
    }

    @Test
    void killWithoutRestartFailsTheRunningCallWhateverItsRetries() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setMaxRestarts(1).setMaxTaskRetries(1).remote();
        final ObjectRef<Integer> blocked = actor.task(Flaky::blockOnFirstAttempt).remote();
        assertTrue(started.await(30, TimeUnit.SECONDS));
        kernel.kill(actor, true);
        assertThrows(ActorDiedException.class, () -> blocked.get(WAIT));
    }

    @Test
    void aCallWhoseWorkerProcessDiedRunsAgainInTheNewProcess() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ActorHandle<Flaky> actor = kernel.actor(Flaky::new).setIsolated(true).setMaxRestarts(1)
            .setMaxTaskRetries(1).remote();
        final ObjectRef<Integer> died = actor.task(Flaky::dieOnFirstAttempt).remote();
        final ObjectRef<String> after = actor.task(Flaky::logged, "after").remote();
        assertEquals(1, died.get(WAIT), "the worker process's own count: a new process constructs instance 1 again");
        assertEquals("1:after", after.get(WAIT));
    }

    @Test
    void maxTaskRetriesIsChecked() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Flaky::new).setMaxTaskRetries(-2));
        assertTrue(e.getMessage().contains("maxTaskRetries -2"), e.getMessage());
        kernel.actor(Flaky::new).setMaxTaskRetries(-1).remote();  // no limit
    }
}
