package io.kairos;

import io.kairos.exception.PendingCallsLimitExceededException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.UnschedulableException;
import io.kairos.exception.ActorDiedException;
import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.TaskFailedException;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ActorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        LATCHES.values().forEach(l -> {
            while (l.getCount() > 0) {
                l.countDown();
            }
        });
        LATCHES.clear();
        if (kernel != null) {
            kernel.close();
        }
    }

    /** A stateful actor: calls must see each other's effects, in order. */
    public static final class Counter {
        private final List<Integer> seen = new ArrayList<>();
        private int value;

        public Counter(final int start) {
            CONSTRUCTIONS.incrementAndGet();
            this.value = start;
        }

        public int add(final int delta) {
            value += delta;
            seen.add(delta);
            return value;
        }

        public List<Integer> seen() {
            return new ArrayList<>(seen);
        }

        public int crash() {
            throw new OutOfMemoryError("simulated crash");
        }

        public int fail() {
            throw new IllegalArgumentException("bad call");
        }

        public String await(final String key) throws InterruptedException {
            final CountDownLatch started = LATCHES.get(key + "-started");
            if (started != null) {
                started.countDown();
            }
            LATCHES.get(key).await();
            return key;
        }

        public String node() {
            return TaskContext.current().nodeId();
        }
    }

    public static final class Broken {
        public Broken() {
            throw new IllegalStateException("cannot construct");
        }
    }

    private Kernel start(final KernelContext context) {
        kernel = Kernel.start(context);
        return kernel;
    }

    @Test
    void callsRunInOrderAndShareState() {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 10).remote();
        ObjectRef<Integer> last = null;
        for (int i = 1; i <= 100; i++) {
            last = counter.task(Counter::add, i).remote();
        }
        assertEquals(10 + 5050, last.get(WAIT));
        final List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            expected.add(i);
        }
        assertEquals(expected, counter.task(Counter::seen).remote().get(WAIT));
    }

    @Test
    void callsFromConcurrentCallersEachKeepTheirOrder() throws Exception {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        final int callers = 4;
        final int perCaller = 250;
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            final int caller = c;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perCaller; i++) {
                    counter.task(Counter::add, caller * 1_000_000 + i).remote();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(20));
        }
        final List<Integer> seen = counter.task(Counter::seen).remote().get(WAIT);
        assertEquals(callers * perCaller, seen.size());
        final int[] next = new int[callers];
        for (final int delta : seen) {
            final int caller = delta / 1_000_000;
            assertEquals(next[caller]++, delta % 1_000_000, "caller " + caller + " out of order");
        }
    }

    @Test
    void anArgumentRefHoldsBackLaterCallsToKeepOrder() {
        start(new KernelContext().cpus(2));
        LATCHES.put("arg", new CountDownLatch(1));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        final ObjectRef<Integer> slow = kernel.task(ActorTest::slowOne, "arg").remote();
        counter.task(Counter::add, slow).remote();
        final ObjectRef<Integer> second = counter.task(Counter::add, 10).remote();
        assertThrows(GetTimeoutException.class, () -> second.get(Duration.ofMillis(50)), "waits for the first call");
        LATCHES.get("arg").countDown();
        assertEquals(11, second.get(WAIT));
        assertEquals(List.of(1, 10), counter.task(Counter::seen).remote().get(WAIT));
    }

    static int slowOne(final String key) throws InterruptedException {
        LATCHES.get(key).await();
        return 1;
    }

    @Test
    void anExceptionFailsTheCallButNotTheActor() {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        final ObjectRef<Integer> failed = counter.task(Counter::fail).remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> failed.get(WAIT));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(5, counter.task(Counter::add, 5).remote().get(WAIT));
        assertTrue(counter.isAlive());
    }

    @Test
    void aCrashedActorIsRestartedUpToMaxRestartsThenDies() {
        start(new KernelContext().cpus(2));
        CONSTRUCTIONS.set(0);
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 100).setMaxRestarts(1).remote();
        assertEquals(101, counter.task(Counter::add, 1).remote().get(WAIT));
        assertThrows(TaskFailedException.class, () -> counter.task(Counter::crash).remote().get(WAIT));
        assertEquals(101, counter.task(Counter::add, 1).remote().get(WAIT), "a fresh instance after the restart");
        assertEquals(2, CONSTRUCTIONS.get());
        assertThrows(TaskFailedException.class, () -> counter.task(Counter::crash).remote().get(WAIT));
        final ActorDiedException dead = assertThrows(ActorDiedException.class,
            () -> counter.task(Counter::add, 1).remote().get(WAIT));
        assertTrue(dead.getMessage().contains("Counter"), dead.getMessage());
        assertFalse(counter.isAlive());
    }

    @Test
    void aFailingConstructorKillsTheActor() {
        start(new KernelContext().cpus(2));
        final ActorHandle<Broken> broken = kernel.actor(Broken::new).remote();
        final ActorDiedException e = assertThrows(ActorDiedException.class,
            () -> broken.task(ActorTest::describe).remote().get(WAIT));
        assertInstanceOf(IllegalStateException.class, e.getCause().getCause());
    }

    static String describe(final Broken broken) {
        return String.valueOf(broken);
    }

    @Test
    void namedActorsAreFoundAndNamesAreUnique() {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 1).setName("counter").remote();
        counter.task(Counter::add, 1).remote().get(WAIT);
        final ActorHandle<Counter> found = kernel.<Counter>getActor("counter").orElseThrow();
        assertEquals(3, found.task(Counter::add, 1).remote().get(WAIT));
        final IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
            () -> kernel.actor(Counter::new, 1).setName("counter").remote());
        assertTrue(taken.getMessage().contains("'counter' is taken"), taken.getMessage());
        assertTrue(kernel.getActor("nobody").isEmpty());
    }

    @Test
    void killWithoutRestartEndsTheActorAndFreesItsName() {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 1).setName("victim").setMaxRestarts(5).remote();
        counter.task(Counter::add, 1).remote().get(WAIT);
        kernel.kill(counter, true);
        assertThrows(ActorDiedException.class, () -> counter.task(Counter::add, 1).remote().get(WAIT));
        assertTrue(kernel.getActor("victim").isEmpty());
        kernel.actor(Counter::new, 1).setName("victim").remote();  // the name is free again
    }

    @Test
    void killWithRestartInterruptsTheRunningCallAndRecreates() throws Exception {
        start(new KernelContext().cpus(2));
        CONSTRUCTIONS.set(0);
        LATCHES.put("stuck", new CountDownLatch(1));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 7).setMaxRestarts(1).remote();
        LATCHES.put("stuck-started", new CountDownLatch(1));
        final ObjectRef<String> stuck = counter.task(Counter::await, "stuck").remote();
        assertTrue(LATCHES.get("stuck-started").await(20, TimeUnit.SECONDS), "the call is running");
        kernel.kill(counter, false);
        assertThrows(ActorDiedException.class, () -> stuck.get(WAIT));
        assertEquals(8, counter.task(Counter::add, 1).remote().get(WAIT));
        assertEquals(2, CONSTRUCTIONS.get());
    }

    @Test
    void maxPendingCallsRefusesTheCallBeyondIt() {
        start(new KernelContext().cpus(2));
        LATCHES.put("pending", new CountDownLatch(1));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).setMaxPendingCalls(2).remote();
        final ObjectRef<String> first = counter.task(Counter::await, "pending").remote();
        counter.task(Counter::add, 1).remote();
        final PendingCallsLimitExceededException e = assertThrows(PendingCallsLimitExceededException.class,
            () -> counter.task(Counter::add, 1).remote());
        assertTrue(e.getMessage().contains("2 pending calls"), e.getMessage());
        LATCHES.get("pending").countDown();
        first.get(WAIT);
        assertEquals(2, counter.task(Counter::add, 1).remote().get(WAIT), "room again once calls finish");
    }

    @Test
    void maxConcurrencyRunsCallsInParallel() throws Exception {
        start(new KernelContext().cpus(2));
        LATCHES.put("both", new CountDownLatch(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).setMaxConcurrency(2).remote();
        final ObjectRef<Boolean> a = counter.task(ActorTest::meetHalfway, "both").remote();
        final ObjectRef<Boolean> b = counter.task(ActorTest::meetHalfway, "both").remote();
        assertTrue(a.get(WAIT) && b.get(WAIT), "both calls ran at once");
    }

    static boolean meetHalfway(final Counter counter, final String key) throws InterruptedException {
        LATCHES.get(key).countDown();
        return LATCHES.get(key).await(10, TimeUnit.SECONDS);
    }

    @Test
    void anActorHoldsItsResourcesWhileItLives() {
        start(new KernelContext()
            .node("cpu-node", Map.of("CPU", 2.0), Map.of())
            .node("gpu-node", Map.of("CPU", 2.0, "GPU", 1.0), Map.of()));
        final ActorHandle<Counter> gpuActor = kernel.actor(Counter::new, 0).setResource("GPU", 1.0).remote();
        assertEquals("gpu-node", gpuActor.task(Counter::node).remote().get(WAIT));
        assertEquals(0.0, kernel.resources().get(1).available().get("GPU"), 1e-9);
        assertThrows(UnschedulableException.class, () -> kernel.actor(Counter::new, 0).setResource("GPU", 2.0).remote());
        kernel.kill(gpuActor, true);
        while (kernel.resources().get(1).available().get("GPU") != 1.0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void anActorCallCanSubmitAndGetATaskWithOneCpu() {
        start(new KernelContext().cpus(1));
        KernelTest.KernelHolder.kernel = kernel;
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        assertEquals(50, counter.task(ActorTest::nested, 7).remote().get(WAIT));
    }

    static int nested(final Counter counter, final int x) {
        return KernelTest.parentOfChild(x);
    }

    /** Queues calls behind a blocked call so that they are handed to the actor's worker as one chain. */
    private List<ObjectRef<Integer>> chainBehindABlockedCall(final ActorHandle<Counter> counter, final int calls)
        throws Exception {
        LATCHES.put("gate1", new CountDownLatch(1));
        LATCHES.put("gate2", new CountDownLatch(1));
        LATCHES.put("gate2-started", new CountDownLatch(1));
        final ObjectRef<String> first = counter.task(Counter::await, "gate1").remote();
        counter.task(Counter::await, "gate2").remote();
        final List<ObjectRef<Integer>> adds = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            adds.add(counter.task(Counter::add, 1).remote());
        }
        LATCHES.get("gate1").countDown();  // the calls queued meanwhile go out together, gate2 first
        first.get(WAIT);
        assertTrue(LATCHES.get("gate2-started").await(20, TimeUnit.SECONDS));
        return adds;
    }

    @Test
    void killWithRestartRequeuesTheChainedCallsThatHadNotStarted() throws Exception {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 1000).setMaxRestarts(1).remote();
        final List<ObjectRef<Integer>> adds = chainBehindABlockedCall(counter, 50);
        kernel.kill(counter, false);
        for (int i = 0; i < adds.size(); i++) {
            assertEquals(1001 + i, adds.get(i).get(WAIT), "call " + i + " ran once, in order, on the new instance");
        }
    }

    @Test
    void killWithoutRestartFailsTheChainedCalls() throws Exception {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        final List<ObjectRef<Integer>> adds = chainBehindABlockedCall(counter, 20);
        kernel.kill(counter, true);
        for (final ObjectRef<Integer> add : adds) {
            assertThrows(ActorDiedException.class, () -> add.get(WAIT));
        }
    }

    @Test
    void cancellingAChainedCallRemovesOnlyThatCall() throws Exception {
        start(new KernelContext().cpus(2));
        final ActorHandle<Counter> counter = kernel.actor(Counter::new, 0).remote();
        final List<ObjectRef<Integer>> adds = chainBehindABlockedCall(counter, 10);
        kernel.cancel(adds.get(4), false);
        kernel.resources();  // a conductor round trip: the cancel is processed
        LATCHES.get("gate2").countDown();
        assertThrows(TaskCancelledException.class, () -> adds.get(4).get(WAIT));
        assertEquals(9, adds.get(9).get(WAIT), "nine adds ran, in order");
        assertEquals(4, adds.get(3).get(WAIT));
        assertEquals(5, adds.get(5).get(WAIT));
    }
}
