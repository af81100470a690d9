package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.exception.RayTaskException;
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

        /** Gets each ref itself: refs inside an argument are not resolved before the call, as in Ray. */
        public int sum(final List<ObjectRef<Integer>> refs) {
            int sum = 0;
            for (final ObjectRef<Integer> ref : refs) {
                sum += ref.get();
            }
            return sum;
        }

        public String failureOf(final List<ObjectRef<Integer>> refs) {
            try {
                return "got " + refs.get(0).get(30_000);
            } catch (final RayTaskException e) {
                return "RayTaskException: " + e.getCause().getMessage();
            }
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

    static int square(final int x) {
        return x * x;
    }

    static int fails(final int x) {
        throw new IllegalArgumentException("no " + x);
    }

    @Test
    void refsInsideAnArgumentResolveInTheWorkerJvm() {
        final ActorHandle<Worker> actor = Ray.actor(Worker::new).setJvmOptions(List.of("-Xmx128m")).remote();
        final List<ObjectRef<Integer>> refs = List.of(Ray.put(3), Ray.task(RayWorkerJvmTest::square, 4).remote());
        assertEquals(19, actor.task(Worker::sum, refs).remote().get(60_000), "each ref got from the driver's kernel");
        assertNotEquals(ME, actor.task(Worker::pid).remote().get(60_000), "in a worker JVM");
        final ObjectRef<Integer> failed = Ray.task(RayWorkerJvmTest::fails, 5).remote();
        assertEquals("RayTaskException: no 5", actor.task(Worker::failureOf, List.of(failed)).remote().get(60_000),
            "the producing task's failure, as Ray's exception, in the worker JVM");
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
