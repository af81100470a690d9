package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.Ray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An actor given JVM options runs in a worker JVM of the kernel; it restarts when that JVM dies. */
class RayWorkerJvmTest {
    static final long ME = ProcessHandle.current().pid();

    @BeforeAll
    static void init() {
        RayTestSupport.init(java.util.Map.of("ray.job.jvm-options.0", "-Xmx128m"));
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    public static class Worker {
        private int calls;

        public Worker() {
        }

        public long pid() {
            calls++;
            return ProcessHandle.current().pid();
        }

        public int calls() {
            return calls;
        }

        /** Kills its own worker JVM on the call's first attempt; on a retry returns this JVM's pid. */
        public long dieOnFirstAttempt() throws Exception {
            if (io.kairos.TaskContext.current().attempt() == 0) {
                new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                new java.util.concurrent.CountDownLatch(1).await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            return ProcessHandle.current().pid();
        }

    }

    @Test
    void anActorWithJvmOptionsRunsInAWorkerJvmAndRestartsWhenItDies() throws Exception {
        final ActorHandle<Worker> actor = Ray.actor(Worker::new).setJvmOptions(List.of("-Xmx128m")).setMaxRestarts(1)
            .remote();
        final long pid = actor.task(Worker::pid).remote().get(60_000);
        assertNotEquals(ME, pid, "the actor runs in a worker JVM");
        assertEquals(1, actor.task(Worker::calls).remote().get(60_000));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        long again = -1;
        for (int attempt = 0; attempt < 3 && again < 0; attempt++) {
            try {
                again = actor.task(Worker::pid).remote().get(60_000);
            } catch (final io.ray.api.exception.RayActorException e) {
                // a call in flight when the JVM died fails; the actor restarts
            }
        }
        assertTrue(again > 0);
        assertNotEquals(pid, again, "a new worker JVM");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void aCallWhoseWorkerJvmDiedRunsAgainWithMaxTaskRetries() {
        final ActorHandle<Worker> actor = Ray.actor(Worker::new).setJvmOptions(List.of("-Xmx128m")).setMaxRestarts(1)
            .setMaxTaskRetries(1).remote();
        final long first = actor.task(Worker::pid).remote().get(60_000);
        final long again = actor.task(Worker::dieOnFirstAttempt).remote().get(60_000);
        assertNotEquals(first, again, "ran again in the restarted actor's new worker JVM");
        assertEquals(0, actor.task(Worker::calls).remote().get(60_000), "a new instance");
    }
}
