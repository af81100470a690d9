package io.kairos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
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

/** Concurrency groups: each group of an actor runs at most its own limit of calls at once, independent of the others. */
@Timeout(60)
class ActorConcurrencyGroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> PEAK = new ConcurrentHashMap<>();

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        LATCHES.values().forEach(l -> {
            while (l.getCount() > 0) {
                l.countDown();
            }
        });
        if (kernel != null) {
            kernel.close();
        }
        LATCHES.clear();
        RUNNING.clear();
        PEAK.clear();
    }

    static CountDownLatch latch(final String key, final int count) {
        return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(count));
    }

    public static final class Service {
        /** Counts itself running in group, says it started, and waits for the group's gate. */
        public String hold(final String group) throws InterruptedException {
            final int now = RUNNING.computeIfAbsent(group, k -> new AtomicInteger()).incrementAndGet();
            PEAK.computeIfAbsent(group, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            try {
                latch(group + "-started", 1000).countDown();
                latch(group + "-gate", 1).await(30, TimeUnit.SECONDS);
                return group;
            } finally {
                RUNNING.get(group).decrementAndGet();
            }
        }

        public String ping() {
            return "pong";
        }
    }

    private static void awaitStarted(final String group, final int calls) throws InterruptedException {
        final CountDownLatch started = latch(group + "-started", 1000);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (1000 - started.getCount() < calls) {
            assertTrue(System.nanoTime() < deadline, group + ": " + (1000 - started.getCount()) + " of " + calls
                + " calls started");
            started.await(10, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aFullGroupHoldsBackOnlyItsOwnCalls() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final ActorHandle<Service> actor = kernel.actor(Service::new)
            .setConcurrencyGroup("io", 2).setConcurrencyGroup("compute", 1).remote();
        final List<ObjectRef<String>> io = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            io.add(actor.task(Service::hold, "io").setConcurrencyGroup("io").remote());
        }
        awaitStarted("io", 2);
        // group io is full (2 running, 2 queued): compute and the default group still run
        final ObjectRef<String> compute = actor.task(Service::hold, "compute").setConcurrencyGroup("compute").remote();
        awaitStarted("compute", 1);
        assertEquals("pong", actor.task(Service::ping).remote().get(WAIT), "the default group runs beside them");
        assertEquals(2, RUNNING.get("io").get(), "io runs no more than its limit");
        assertFalse(io.get(2).isReady());
        latch("compute-gate", 1).countDown();
        assertEquals("compute", compute.get(WAIT));
        latch("io-gate", 1).countDown();
        for (final ObjectRef<String> ref : io) {
            assertEquals("io", ref.get(WAIT));
        }
        assertEquals(2, PEAK.get("io").get());
        assertEquals(1, PEAK.get("compute").get());
    }

    @Test
    void theDefaultGroupKeepsTheActorsMaxConcurrency() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final ActorHandle<Service> actor = kernel.actor(Service::new).setMaxConcurrency(3)
            .setConcurrencyGroup("other", 1).remote();
        final List<ObjectRef<String>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(actor.task(Service::hold, "default").remote());
        }
        awaitStarted("default", 3);
        assertEquals(3, RUNNING.get("default").get());
        final ObjectRef<String> other = actor.task(Service::hold, "other").setConcurrencyGroup("other").remote();
        awaitStarted("other", 1);
        latch("other-gate", 1).countDown();
        latch("default-gate", 1).countDown();
        assertEquals("other", other.get(WAIT));
        for (final ObjectRef<String> ref : calls) {
            assertEquals("default", ref.get(WAIT));
        }
        assertEquals(3, PEAK.get("default").get());
    }

    @Test
    void killingAnActorFailsTheCallsQueuedInEveryGroup() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final ActorHandle<Service> actor = kernel.actor(Service::new).setConcurrencyGroup("g", 1).remote();
        final ObjectRef<String> running = actor.task(Service::hold, "g").setConcurrencyGroup("g").remote();
        final ObjectRef<String> queued = actor.task(Service::hold, "g").setConcurrencyGroup("g").remote();
        awaitStarted("g", 1);
        kernel.kill(actor, true);
        assertThrows(RuntimeException.class, () -> running.get(WAIT));
        assertThrows(RuntimeException.class, () -> queued.get(WAIT));
    }

    @Test
    void groupsAreChecked() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final ActorHandle<Service> actor = kernel.actor(Service::new).setConcurrencyGroup("a", 1).remote();
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> actor.task(Service::ping).setConcurrencyGroup("b"));
        assertTrue(unknown.getMessage().contains("no concurrency group 'b'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.actor(Service::new).setConcurrencyGroup("a", 0));
        assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Service::new).setConcurrencyGroup("a", 1).setConcurrencyGroup("a", 2));
        final IllegalArgumentException isolated = assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Service::new).setConcurrencyGroup("a", 1).setIsolated(true).remote());
        assertTrue(isolated.getMessage().contains("concurrency groups"), isolated.getMessage());
    }
}
