package io.kairos.cluster;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.TaskContext;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An actor's options on the member it lives on: concurrency groups, and a detached actor outliving its owner. */
@Timeout(60)
class ClusterActorOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

    private final LoopbackTransports hub = new LoopbackTransports();
    private final List<Kernel> kernels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        LATCHES.values().forEach(l -> {
            while (l.getCount() > 0) {
                l.countDown();
            }
        });
        for (final Kernel k : kernels) {
            k.close();
        }
        LATCHES.clear();
        RUNNING.clear();
    }

    private Kernel member(final String id, final double cpus) {
        final Kernel kernel = Kernel.start(new KernelContext()
            .node(id, Map.of("CPU", cpus), Map.of())
            .objectStoreBytes(0)
            .cluster(hub.transport()));
        kernels.add(kernel);
        return kernel;
    }

    static CountDownLatch latch(final String key, final int count) {
        return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(count));
    }

    /** An actor with a gate per group. */
    public static final class Service {
        private int count;

        public String hold(final String group) throws InterruptedException {
            RUNNING.computeIfAbsent(group, k -> new AtomicInteger()).incrementAndGet();
            try {
                latch(group + "-started", 1000).countDown();
                latch(group + "-gate", 1).await(30, TimeUnit.SECONDS);
                return group + "@" + TaskContext.current().nodeId();
            } finally {
                RUNNING.get(group).decrementAndGet();
            }
        }

        public int add(final int n) {
            count += n;
            return count;
        }

        public String where() {
            return TaskContext.current().nodeId();
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
    void concurrencyGroupsHoldOnTheMemberTheActorLivesOn() throws Exception {
        member("node-a", 2);
        final Kernel driver = member("driver", 0);
        final ActorHandle<Service> actor = driver.actor(Service::new)
            .setConcurrencyGroup("io", 2).setConcurrencyGroup("compute", 1).remote();
        final List<ObjectRef<String>> io = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            io.add(actor.task(Service::hold, "io").setConcurrencyGroup("io").remote());
        }
        awaitStarted("io", 2);
        final ObjectRef<String> compute = actor.task(Service::hold, "compute").setConcurrencyGroup("compute").remote();
        awaitStarted("compute", 1);  // io is full: compute still runs
        assertEquals(2, RUNNING.get("io").get(), "io runs no more than its limit there");
        assertFalse(io.get(2).isReady());
        latch("compute-gate", 1).countDown();
        assertEquals("compute@node-a", compute.get(WAIT));
        latch("io-gate", 1).countDown();
        for (final ObjectRef<String> ref : io) {
            assertEquals("io@node-a", ref.get(WAIT));
        }
    }

    @Test
    void aDetachedActorOutlivesItsOwnerWhileAnAttachedOneDiesWithIt() {
        member("node-a", 2);
        final Kernel first = member("driver-1", 0);
        final Kernel second = member("driver-2", 0);
        final ActorHandle<Service> keeper = first.actor(Service::new).setName("keeper").setDetached(true).remote();
        final ActorHandle<Service> mortal = first.actor(Service::new).setName("mortal").remote();
        assertEquals(5, keeper.task(Service::add, 5).remote().get(WAIT));
        assertEquals(1, mortal.task(Service::add, 1).remote().get(WAIT));
        first.close();
        final ActorHandle<Service> found = second.<Service>getActor("keeper").orElseThrow();
        assertEquals(6, found.task(Service::add, 1).remote().get(WAIT), "the same instance lives on");
        assertEquals("node-a", found.task(Service::where).remote().get(WAIT));
        assertTrue(second.getActor("mortal").isEmpty(), "an attached actor dies with its owner");
        second.kill(found, true);
    }
}
