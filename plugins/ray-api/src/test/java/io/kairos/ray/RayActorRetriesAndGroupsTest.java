package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.concurrencygroup.ConcurrencyGroupBuilder;
import io.ray.api.exception.RayActorException;
import io.ray.api.exception.RayTaskException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ray's actor fault tolerance ({@code setMaxTaskRetries}, docs.ray.io "Actor fault tolerance") and concurrency groups
 * ({@code setConcurrencyGroups}, "Limiting concurrency per-method with concurrency groups"), as Ray's Java API has them.
 */
@Timeout(60)
class RayActorRetriesAndGroupsTest {
    static final AtomicInteger RUNS = new AtomicInteger();
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    @AfterEach
    void reset() {
        RayTestSupport.openAndClear(LATCHES);
        RUNNING.clear();
        RUNS.set(0);
    }

    static CountDownLatch latch(final String key) {
        return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(k.endsWith("-started") ? 1000 : 1));
    }

    /** Crashes its worker (an Error: a system failure) on the first run of a method, then works. */
    public static class Flaky {
        public Flaky() {
        }

        public int crashOnce() {
            if (RUNS.incrementAndGet() == 1) {
                throw new OutOfMemoryError("simulated crash");
            }
            return Ray.getRuntimeContext().wasCurrentActorRestarted() ? 2 : 1;
        }

        public int failAlways() {
            RUNS.incrementAndGet();
            throw new IllegalArgumentException("application error");
        }
    }

    /** Calls that hold until their group's gate opens. */
    public static class Service {
        public Service() {
        }

        private static String hold(final String group) throws InterruptedException {
            RUNNING.computeIfAbsent(group, k -> new AtomicInteger()).incrementAndGet();
            try {
                latch(group + "-started").countDown();
                latch(group + "-gate").await(30, TimeUnit.SECONDS);
                return group;
            } finally {
                RUNNING.get(group).decrementAndGet();
            }
        }

        public String download() throws InterruptedException {
            return hold("io");
        }

        public String compute() throws InterruptedException {
            return hold("compute");
        }

        public String other(final String group) throws InterruptedException {
            return hold(group);
        }

        public String ping() {
            return "pong";
        }
    }

    private static boolean ready(final ObjectRef<?> ref) {
        return ((RayObjectRef<?>) ref).ref.isReady();
    }

    private static void awaitStarted(final String group, final int calls) throws InterruptedException {
        final CountDownLatch started = latch(group + "-started");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (1000 - started.getCount() < calls) {
            assertTrue(System.nanoTime() < deadline, group + ": " + (1000 - started.getCount()) + " of " + calls
                + " calls started");
            started.await(10, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void maxTaskRetriesRunsACallAgainOnTheRestartedActor() {
        final ActorHandle<Flaky> actor = Ray.actor(Flaky::new).setMaxRestarts(1).setMaxTaskRetries(1).remote();
        assertEquals(2, actor.task(Flaky::crashOnce).remote().get(), "ran again, on the restarted actor");
        assertEquals(2, RUNS.get());
    }

    @Test
    void withoutMaxTaskRetriesTheCrashedCallFails() {
        final ActorHandle<Flaky> actor = Ray.actor(Flaky::new).setMaxRestarts(1).remote();
        assertThrows(RayActorException.class, () -> actor.task(Flaky::crashOnce).remote().get());
        assertEquals(2, actor.task(Flaky::crashOnce).remote().get(), "the actor restarted");
    }

    @Test
    void anApplicationExceptionIsNotRetried() {
        final ActorHandle<Flaky> actor = Ray.actor(Flaky::new).setMaxRestarts(-1).setMaxTaskRetries(-1).remote();
        assertThrows(RayTaskException.class, () -> actor.task(Flaky::failAlways).remote().get());
        assertEquals(1, RUNS.get());
    }

    @Test
    void callsInAFullGroupWaitWhileAnotherGroupRuns() throws Exception {
        final ConcurrencyGroup io = new ConcurrencyGroupBuilder<Service>().setName("io").setMaxConcurrency(2)
            .addMethod(Service::download).build();
        final ConcurrencyGroup compute = new ConcurrencyGroupBuilder<Service>().setName("compute").setMaxConcurrency(1)
            .addMethod(Service::compute).build();
        final ActorHandle<Service> actor = Ray.actor(Service::new).setConcurrencyGroups(io, compute).remote();
        final List<ObjectRef<String>> downloads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            downloads.add(actor.task(Service::download).remote());
        }
        awaitStarted("io", 2);
        final ObjectRef<String> computed = actor.task(Service::compute).remote();
        awaitStarted("compute", 1);  // group io is full, group compute still runs
        assertEquals("pong", actor.task(Service::ping).remote().get(), "and so does the default group");
        assertEquals(2, RUNNING.get("io").get(), "io runs at most its 2 calls at once");
        assertFalse(ready(downloads.get(2)));
        latch("compute-gate").countDown();
        assertEquals("compute", computed.get());
        latch("io-gate").countDown();
        for (final ObjectRef<String> ref : downloads) {
            assertEquals("io", ref.get());
        }
    }

    @Test
    void aCallMayNameItsGroup() throws Exception {
        final ConcurrencyGroup slow = new ConcurrencyGroupBuilder<Service>().setName("slow").setMaxConcurrency(1)
            .build();
        final ActorHandle<Service> actor = Ray.actor(Service::new).setConcurrencyGroups(slow).remote();
        final ObjectRef<String> held = actor.task(Service::other, "slow").setConcurrencyGroup("slow").remote();
        awaitStarted("slow", 1);
        final ObjectRef<String> queued = actor.task(Service::other, "slow2").setConcurrencyGroup("slow").remote();
        assertEquals("pong", actor.task(Service::ping).remote().get(), "the default group runs beside it");
        assertFalse(ready(queued), "the group's one slot is taken");
        latch("slow-gate").countDown();
        latch("slow2-gate").countDown();
        assertEquals("slow", held.get());
        assertEquals("slow2", queued.get());
        assertThrows(IllegalArgumentException.class,
            () -> actor.task(Service::ping).setConcurrencyGroup("missing").remote());
    }
}
