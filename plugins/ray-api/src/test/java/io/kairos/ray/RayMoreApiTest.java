package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.concurrencygroup.ConcurrencyGroupBuilder;
import io.ray.api.exception.RuntimeEnvException;
import io.ray.api.parallelactor.ParallelActor;
import io.ray.api.parallelactor.ParallelActorHandle;
import io.ray.api.runtimeenv.RuntimeEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rest of Ray's surface: task retries from configuration (Ray's Java API has no setMaxRetries), concurrency
 * groups, parallel actors, runtime environments.
 */
class RayMoreApiTest {
    static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void init() {
        RayTestSupport.init(Map.of("kairos.ray.task.max-retries", "2", "kairos.ray.task.retry-exceptions", "true"));
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    static String flaky(final String key, final int failures) {
        final int attempt = ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= failures) {
            throw new IllegalStateException("attempt " + attempt + " fails");
        }
        return "ok after " + attempt;
    }

    public static class Gate {
        private final CountDownLatch all = new CountDownLatch(3);

        public Gate() {
        }

        public boolean enter() throws InterruptedException {
            all.countDown();
            return all.await(10, TimeUnit.SECONDS);
        }

        /** As enter, a method declared in no group: it runs in the default group. */
        public boolean enterInTheDefaultGroup() throws InterruptedException {
            return enter();
        }

        public long thread() {
            return Thread.currentThread().getId();
        }
    }

    public static class Acc {
        private int sum;

        public Acc() {
        }

        public int add(final int x) {
            sum += x;
            return sum;
        }
    }

    @Test
    void freeingAnObjectGivesItsStoreMemoryBackAndLaterGetsFail() {
        final ObjectRef<byte[]> big = Ray.put(new byte[4 << 20]);
        assertEquals(4 << 20, big.get().length);
        Ray.internal().free(java.util.List.of(big), false);
        assertThrows(io.ray.api.exception.UnreconstructableException.class, big::get);
        assertThrows(io.ray.api.exception.UnreconstructableException.class,
            () -> Ray.task(RayMoreApiTest::length, big).remote().get());
    }

    static int length(final byte[] bytes) {
        return bytes.length;
    }

    @Test
    void tasksAreRetriedAsConfigured() {
        assertEquals("ok after 3", Ray.task(RayMoreApiTest::flaky, "twice", 2).remote().get());
        assertThrows(io.ray.api.exception.RayTaskException.class,
            () -> Ray.task(RayMoreApiTest::flaky, "thrice", 3).remote().get());
        assertEquals(3, ATTEMPTS.get("thrice").get(), "1 run + 2 retries");
    }

    @Test
    void aConcurrencyGroupRunsBesideTheDefaultGroup() {
        final ConcurrencyGroup io = new ConcurrencyGroupBuilder<Gate>().setName("io").setMaxConcurrency(2)
            .addMethod(Gate::enter).build();
        final ActorHandle<Gate> gate = Ray.actor(Gate::new).setConcurrencyGroups(io).remote();
        final ObjectRef<Boolean> a = gate.task(Gate::enter).remote();
        final ObjectRef<Boolean> b = gate.task(Gate::enter).setConcurrencyGroup("io").remote();
        final ObjectRef<Boolean> c = gate.task(Gate::enterInTheDefaultGroup).remote();
        assertTrue(a.get() && b.get() && c.get(), "2 (io) + 1 (default) calls run at once");
    }

    @Test
    void parallelActorInstancesKeepTheirOwnState() {
        final ParallelActorHandle<Acc> acc = ParallelActor.actor(Acc::new).setParallelism(2)
            .remote();
        assertEquals(2, acc.getParallelism());
        assertEquals(5, acc.getInstance(0).task(Acc::add, 5).remote().get());
        assertEquals(7, acc.getInstance(1).task(Acc::add, 7).remote().get());
        assertEquals(6, acc.getInstance(0).task(Acc::add, 1).remote().get());
        assertNotEquals(acc.getHandle().getId(), null);
    }

    @Test
    void runtimeEnvironmentsAreAcceptedAndHaveNoEffect() throws RuntimeEnvException {
        final RuntimeEnv env = new RuntimeEnv.Builder().build();
        env.set("env_vars", Map.of("A", "1"));
        assertEquals("{\"env_vars\":{\"A\":\"1\"}}", env.serialize());
        assertEquals("ok after 1", Ray.task(RayMoreApiTest::flaky, "env", 0).setRuntimeEnv(env).remote().get());
        final ActorHandle<Acc> acc = Ray.actor(Acc::new).setRuntimeEnv(env).remote();
        assertEquals(1, acc.task(Acc::add, 1).remote().get());
    }
}
