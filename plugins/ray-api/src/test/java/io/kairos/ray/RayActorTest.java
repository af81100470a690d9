package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.exception.PendingCallsLimitExceededException;
import io.ray.api.exception.RayActorException;
import io.ray.api.exception.RayTaskException;
import io.ray.api.options.ActorLifetime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Actors as Ray's Java documentation shows them (docs.ray.io, "Actors", "Named actors", "Actor fault tolerance"). */
class RayActorTest {
    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    /** Ray's documentation's counter. */
    public static class Counter {
        private int value;

        public Counter() {
        }

        public Counter(final int start) {
            this.value = start;
        }

        public static Counter startingAt(final int start) {
            return new Counter(start);
        }

        public int increment() {
            return ++value;
        }

        public int add(final int n) {
            value += n;
            return value;
        }

        public int get() {
            return value;
        }

        public void reset() {
            value = 0;
        }

        public boolean restarted() {
            return Ray.getRuntimeContext().wasCurrentActorRestarted();
        }

        public int crash() {
            throw new OutOfMemoryError("simulated crash");  // an Error: a system failure, the actor restarts
        }

        public int exit() {
            Ray.exitActor();
            return -1;
        }

        public int fail() {
            throw new IllegalArgumentException("application error");
        }

        public String actorId() {
            return Ray.getRuntimeContext().getCurrentActorId().toString();
        }
    }

    /** Blocks its calls on a latch, to see them run at once. */
    public static class Gate {
        private final CountDownLatch both = new CountDownLatch(2);

        public Gate() {
        }

        public boolean enter() throws InterruptedException {
            both.countDown();
            return both.await(10, TimeUnit.SECONDS);
        }

        public boolean enterBriefly() throws InterruptedException {
            both.countDown();
            return both.await(200, TimeUnit.MILLISECONDS);
        }
    }

    static int callThroughHandle(final ActorHandle<Counter> counter, final int n) {
        return counter.task(Counter::add, n).remote().get();
    }

    static int sumOf(final int a, final int b) {
        return a + b;
    }

    @Test
    void callsRunInSubmissionOrder() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
        final List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            refs.add(counter.task(Counter::increment).remote());
        }
        final List<Integer> values = Ray.get(refs);
        for (int i = 0; i < 200; i++) {
            assertEquals(i + 1, values.get(i));
        }
        counter.task(Counter::reset).remote();
        assertEquals(0, counter.task(Counter::get).remote().get());
    }

    @Test
    void constructorAndMethodArgumentsMayBeRefs() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::startingAt, Ray.put(10)).remote();
        final ObjectRef<Integer> five = Ray.task(RayActorTest::sumOf, 2, 3).remote();
        assertEquals(15, counter.task(Counter::add, five).remote().get());
    }

    @Test
    void namedActorsAreFoundByNameInTheirNamespace() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setName("named-counter").remote();
        counter.task(Counter::add, 5).remote().get();
        final Optional<ActorHandle<Counter>> found = Ray.getActor("named-counter");
        assertTrue(found.isPresent());
        assertEquals(counter.getId(), found.get().getId());
        assertEquals(6, found.get().task(Counter::increment).remote().get());
        assertTrue(Ray.getActor("named-counter", "kairos-test").isPresent());
        assertFalse(Ray.getActor("named-counter", "another-namespace").isPresent());
        assertFalse(Ray.getActor("no-such-actor").isPresent());

        final ActorHandle<Counter> other = Ray.actor(Counter::new).setName("named-counter", "another-namespace").remote();
        assertEquals(other.getId(), Ray.<ActorHandle<Counter>>getActor("named-counter", "another-namespace").get().getId());
        assertThrows(IllegalArgumentException.class, () -> Ray.actor(Counter::new).setName("named-counter").remote());
    }

    @Test
    void aDetachedActorLivesUntilKilled() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setName("detached")
            .setLifetime(ActorLifetime.DETACHED).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get());
        assertTrue(((RayActor<?>) counter).detached);
        counter.kill();
        assertThrows(RayActorException.class, () -> counter.task(Counter::increment).remote().get());
        assertFalse(Ray.getActor("detached").isPresent());
    }

    @Test
    void killWithoutRestartEndsTheActor() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setMaxRestarts(3).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get());
        counter.kill(true);
        final RayActorException e = assertThrows(RayActorException.class,
            () -> counter.task(Counter::increment).remote().get());
        assertEquals(counter.getId(), e.actorId);
    }

    @Test
    void killWithRestartMakesANewInstance() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setMaxRestarts(1).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get());
        assertFalse(counter.task(Counter::restarted).remote().get());
        counter.kill(false);
        assertEquals(1, counter.task(Counter::increment).remote().get(), "a new instance starts from 0");
        assertTrue(counter.task(Counter::restarted).remote().get());
    }

    @Test
    void aCrashedActorRestartsWithinMaxRestarts() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setMaxRestarts(1).remote();
        counter.task(Counter::increment).remote().get();
        assertThrows(RayActorException.class, () -> counter.task(Counter::crash).remote().get());
        assertEquals(1, counter.task(Counter::increment).remote().get());
        assertTrue(counter.task(Counter::restarted).remote().get());
        assertThrows(RayActorException.class, () -> counter.task(Counter::crash).remote().get());
        assertThrows(RayActorException.class, () -> counter.task(Counter::increment).remote().get(),
            "no restarts left: the actor is dead");
    }

    @Test
    void anApplicationErrorIsARayTaskExceptionAndTheActorLivesOn() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
        final RayTaskException e = assertThrows(RayTaskException.class, () -> counter.task(Counter::fail).remote().get());
        assertTrue(e.getCause() instanceof IllegalArgumentException);
        assertEquals(1, counter.task(Counter::increment).remote().get());
    }

    @Test
    void exitActorEndsItForGood() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).setMaxRestarts(5).remote();
        assertEquals(1, counter.task(Counter::increment).remote().get());
        assertThrows(RayActorException.class, () -> counter.task(Counter::exit).remote().get());
        assertThrows(RayActorException.class, () -> counter.task(Counter::increment).remote().get());
        assertThrows(IllegalStateException.class, Ray::exitActor, "not in an actor");
    }

    @Test
    void maxConcurrencyRunsCallsAtOnce() {
        final ActorHandle<Gate> gate = Ray.actor(Gate::new).setMaxConcurrency(2).remote();
        final ObjectRef<Boolean> a = gate.task(Gate::enter).remote();
        final ObjectRef<Boolean> b = gate.task(Gate::enter).remote();
        assertTrue(a.get());
        assertTrue(b.get());
    }

    @Test
    void maxPendingCallsRefusesCallsBeyondIt() {
        final ActorHandle<Gate> gate = Ray.actor(Gate::new).setMaxPendingCalls(1).remote();
        final ObjectRef<Boolean> first = gate.task(Gate::enterBriefly).remote();  // waits for a second call: refused
        final PendingCallsLimitExceededException e = assertThrows(PendingCallsLimitExceededException.class,
            () -> gate.task(Gate::enterBriefly).remote());
        assertEquals(gate.getId(), e.actorId);
        assertFalse(first.get());  // its wait timed out: nothing else entered
    }

    @Test
    void handlesPassToTasks() {
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
        assertEquals(3, Ray.task(RayActorTest::callThroughHandle, counter, 3).remote().get());
        assertEquals(7, Ray.task(RayActorTest::callThroughHandle, counter, 4).remote().get());
    }

    @Test
    void actorsHoldTheirResources() {
        final ActorHandle<Counter> gpuActor = Ray.actor(Counter::new).setResource("GPU", 2.0).remote();
        gpuActor.task(Counter::increment).remote().get();
        final double freeGpu = RayTestSupport.runtime().kernel().resources().get(0).available().getOrDefault("GPU", 0.0);
        assertEquals(0.0, freeGpu);
        gpuActor.kill();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (RayTestSupport.runtime().kernel().resources().get(0).available().getOrDefault("GPU", 0.0) < 2.0) {
            assertTrue(System.nanoTime() < deadline, "the GPUs should come back after the kill");
            Thread.onSpinWait();
        }
    }

    @Test
    void actorIdsAreKnownInsideTheActor() {
        final ActorHandle<Counter> a = Ray.actor(Counter::new).remote();
        final ActorHandle<Counter> b = Ray.actor(Counter::new).remote();
        assertEquals(a.getId().toString(), a.task(Counter::actorId).remote().get());
        assertNotEquals(a.task(Counter::actorId).remote().get(), b.task(Counter::actorId).remote().get());
        assertEquals(Ray.getRuntimeContext().getCurrentJobId(), a.getId().getJobId());
        assertEquals(a, Ray.internal().getActorHandle(a.getId()));
    }
}
