package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.concurrencygroup.ConcurrencyGroupBuilder;
import io.ray.api.concurrencygroup.annotations.DefConcurrencyGroup;
import io.ray.api.concurrencygroup.annotations.UseConcurrencyGroup;
import io.ray.api.function.RayFunc0;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ray's concurrency-group annotations (docs.ray.io "Limiting concurrency per-method with concurrency groups", Java:
 * {@code @DefConcurrencyGroup} on the actor class, {@code @UseConcurrencyGroup} on its methods).
 */
@Timeout(60)
class RayConcurrencyAnnotationsTest {
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    @AfterEach
    void openGates() {
        RayTestSupport.openAndClear(LATCHES);
    }

    static CountDownLatch latch(final String key) {
        return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(k.endsWith("-started") ? 1000 : 1));
    }

    /** Counts a start of a call holding key, then holds it until key's gate opens. */
    static String hold(final String key) throws InterruptedException {
        latch(key + "-started").countDown();
        return latch(key + "-gate").await(30, TimeUnit.SECONDS) ? key : "timed out";
    }

    private static void awaitStarted(final String key, final int calls) throws InterruptedException {
        final CountDownLatch started = latch(key + "-started");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (1000 - started.getCount() < calls) {
            assertTrue(System.nanoTime() < deadline, key + ": " + (1000 - started.getCount()) + " of " + calls
                + " calls started");
            started.await(10, TimeUnit.MILLISECONDS);
        }
    }

    private static int started(final String key) {
        return (int) (1000 - latch(key + "-started").getCount());
    }

    /** Two groups of one call each, declared on the class; the actor's default group runs one call at a time. */
    @DefConcurrencyGroup(name = "io", maxConcurrency = 1)
    @DefConcurrencyGroup(name = "compute", maxConcurrency = 1)
    public static class Annotated {
        public Annotated() {
        }

        @UseConcurrencyGroup(name = "io")
        public String download() throws InterruptedException {
            return hold("download");
        }

        @UseConcurrencyGroup(name = "compute")
        public String compute() throws InterruptedException {
            return hold("compute");
        }

        public String plain() throws InterruptedException {
            return hold("plain");
        }

        public String ping() {
            return "pong";
        }
    }

    /** The class annotations are inherited, and so are the annotated methods. */
    public static class Derived extends Annotated {
        public Derived() {
        }
    }

    @DefConcurrencyGroup(name = "io", maxConcurrency = 1)
    public static class Misdeclared {
        public Misdeclared() {
        }

        @UseConcurrencyGroup(name = "missing")
        public String download() {
            return "never";
        }
    }

    @Test
    void anAnnotatedMethodRunsInItsGroupBesideTheOtherGroups() throws Exception {
        final ActorHandle<Annotated> actor = Ray.actor(Annotated::new).remote();
        final ObjectRef<String> download = actor.task(Annotated::download).remote();
        awaitStarted("download", 1);
        final ObjectRef<String> compute = actor.task(Annotated::compute).remote();
        awaitStarted("compute", 1);  // group io holds its call, group compute runs its own
        final ObjectRef<String> plain = actor.task(Annotated::plain).remote();
        awaitStarted("plain", 1);  // and so does the default group
        final ObjectRef<String> queued = actor.task(Annotated::download).remote();
        latch("compute-gate").countDown();
        assertEquals("compute", compute.get(20_000));
        assertEquals("pong", actor.task(Annotated::ping).setConcurrencyGroup("compute").remote().get(20_000));
        assertFalse(((RayObjectRef<?>) queued).ref.isReady(), "group io runs one call at a time");
        assertEquals(1, started("download"), "the second download waits for group io");
        latch("download-gate").countDown();
        latch("plain-gate").countDown();
        assertEquals("download", download.get(20_000));
        assertEquals("plain", plain.get(20_000));
        assertEquals("download", queued.get(20_000));
    }

    @Test
    void aGroupNamedWithTheCallWinsOverTheAnnotation() throws Exception {
        final ActorHandle<Annotated> actor = Ray.actor(Annotated::new).remote();
        final ObjectRef<String> first = actor.task(Annotated::download).remote();
        awaitStarted("download", 1);
        // group io is full: a download given group compute runs there at once
        final ObjectRef<String> second = actor.task(Annotated::download).setConcurrencyGroup("compute").remote();
        awaitStarted("download", 2);
        latch("download-gate").countDown();
        assertEquals("download", first.get(20_000));
        assertEquals("download", second.get(20_000));
    }

    @Test
    void groupsGivenToTheCreatorReplaceTheAnnotatedOnes() throws Exception {
        final ConcurrencyGroup wide = new ConcurrencyGroupBuilder<Annotated>().setName("wide").setMaxConcurrency(2)
            .addMethod(Annotated::download).build();
        final ActorHandle<Annotated> actor = Ray.actor(Annotated::new).setConcurrencyGroups(wide).remote();
        final ObjectRef<String> first = actor.task(Annotated::download).remote();
        final ObjectRef<String> second = actor.task(Annotated::download).remote();
        awaitStarted("download", 2);  // in group wide, two at once
        assertThrows(IllegalArgumentException.class,
            () -> actor.task(Annotated::ping).setConcurrencyGroup("io").remote(), "group io is not created");
        latch("download-gate").countDown();
        assertEquals("download", first.get(20_000));
        assertEquals("download", second.get(20_000));
    }

    @Test
    void aSubclassInheritsTheGroupsAndTheAnnotatedMethods() throws Exception {
        final ActorHandle<Derived> actor = Ray.actor(Derived::new).remote();
        final ObjectRef<String> download = actor.task(Derived::download).remote();
        awaitStarted("download", 1);
        final ObjectRef<String> compute = actor.task(Derived::compute).remote();
        awaitStarted("compute", 1);
        latch("download-gate").countDown();
        latch("compute-gate").countDown();
        assertEquals("download", download.get(20_000));
        assertEquals("compute", compute.get(20_000));
    }

    @Test
    void aMethodUsingAGroupTheClassDoesNotDefineIsRefusedAtCreation() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Ray.actor(Misdeclared::new));
        assertTrue(e.getMessage().contains("uses concurrency group 'missing'") && e.getMessage().contains("[io]"),
            e.getMessage());
    }

    @Test
    void theAnnotationsAreReadOncePerConstructor() {
        final RayFunc0<Annotated> constructor = Annotated::new;
        assertSame(RayConcurrencyAnnotations.of(constructor), RayConcurrencyAnnotations.of(constructor));
        assertEquals(2, RayConcurrencyAnnotations.of(constructor).size());
        final RayFunc0<Derived> derived = Derived::new;
        assertSame(RayConcurrencyAnnotations.of(derived), RayConcurrencyAnnotations.of(derived));
        assertEquals(2, RayConcurrencyAnnotations.of(derived).size(), "the class annotations are inherited");
    }
}
