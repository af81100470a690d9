package io.kairos;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.UnschedulableException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class KernelTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Latches and counters the static task functions use, by key (tasks are serializable functions). */
    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        closeReleasingLatches(kernel);
        COUNTERS.clear();
    }

    /** Opens every latch (so no task stays parked on one), forgets them, and closes the kernel (null: none). */
    static void closeReleasingLatches(final Kernel kernel) {
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

    static int square(final int x) {
        return x * x;
    }

    static int add(final int a, final int b) {
        return a + b;
    }

    static int fail(final int x) {
        throw new IllegalStateException("boom " + x);
    }

    static String startThenAwait(final String key) throws InterruptedException {
        LATCHES.get(key + "-started").countDown();
        return await(key);
    }

    static String await(final String key) throws InterruptedException {
        try {
            LATCHES.get(key).await();
        } catch (final InterruptedException e) {
            INTERRUPTED.add(key);  // the task saw the interrupt
            throw e;
        }
        return key;
    }

    private static final java.util.Set<String> INTERRUPTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Waits for the condition, at most WAIT: a test that would hang fails with what it waited for. */
    static void awaitCondition(final String what, final java.util.function.BooleanSupplier condition) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                org.junit.jupiter.api.Assertions.fail("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    static String contextNode() {
        return TaskContext.current().nodeId();
    }

    static String gpuInstancesAfter(final String key) throws InterruptedException {
        LATCHES.get(key).countDown();
        LATCHES.get(key + "-go").await();
        final TaskContext context = TaskContext.current();
        return context.gpuInstances()[0] + ":" + context.gpuAmounts()[0];
    }

    static String nodeAfter(final String key) throws InterruptedException {
        LATCHES.get(key).countDown();
        LATCHES.get(key + "-go").await();
        return TaskContext.current().nodeId();
    }

    static int failTimes(final String key, final int failures) {
        if (COUNTERS.get(key).incrementAndGet() <= failures) {
            throw new IllegalStateException("attempt " + COUNTERS.get(key).get() + " fails");
        }
        return TaskContext.current().attempt();
    }

    static int errorOnce(final String key) {
        if (COUNTERS.get(key).incrementAndGet() == 1) {
            throw new AssertionError("a system failure");
        }
        return 7;
    }

    static int parentOfChild(final int x) {
        final Kernel k = KernelHolder.kernel;
        return k.task(KernelTest::square, x).remote().get() + 1;
    }

    /** Nested tasks need the kernel inside the task: held statically for the test. */
    static final class KernelHolder {
        static volatile Kernel kernel;
    }

    private Kernel start(final KernelContext context) {
        kernel = Kernel.start(context);
        KernelHolder.kernel = kernel;
        return kernel;
    }

    private static CountDownLatch latch(final String key, final int count) {
        final CountDownLatch latch = new CountDownLatch(count);
        LATCHES.put(key, latch);
        return latch;
    }

    @Test
    void aTaskReturnsItsResult() {
        start(new KernelContext().cpus(2));
        assertEquals(9, kernel.task(KernelTest::square, 3).remote().get(WAIT));
    }

    @Test
    void objectRefArgumentsAreResolvedBeforeTheTaskRuns() {
        start(new KernelContext().cpus(2));
        final ObjectRef<Integer> a = kernel.task(KernelTest::square, 3).remote();
        final ObjectRef<Integer> b = kernel.task(KernelTest::add, a, 4).remote();
        final ObjectRef<Integer> c = kernel.task(KernelTest::add, b, kernel.put(100)).remote();
        assertEquals(113, c.get(WAIT));
    }

    @Test
    void aLongChainOfDependentTasksCompletes() {
        start(new KernelContext().cpus(2));
        ObjectRef<Integer> ref = kernel.put(0);
        for (int i = 0; i < 2_000; i++) {
            ref = kernel.task(KernelTest::add, ref, 1).remote();
        }
        assertEquals(2_000, ref.get(WAIT));
    }

    @Test
    void aFailedTaskCarriesItsNameAndTheRemoteStackTrace() {
        start(new KernelContext().cpus(1));
        final ObjectRef<Integer> ref = kernel.task(KernelTest::fail, 5).setName("failing-task").remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
        assertEquals("failing-task", e.taskName());
        assertTrue(e.getMessage().contains("failing-task") && e.getMessage().contains("boom 5"), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        final boolean thrownByTheFunction = List.of(e.getCause().getStackTrace()).stream()
            .anyMatch(f -> f.getMethodName().equals("fail") && f.getClassName().equals(KernelTest.class.getName()));
        assertTrue(thrownByTheFunction, "the cause keeps the worker's stack trace");
    }

    @Test
    void aFailedDependencyFailsItsDependentsWithTheCauseChained() {
        start(new KernelContext().cpus(1));
        final ObjectRef<Integer> failed = kernel.task(KernelTest::fail, 1).setName("upstream").remote();
        final ObjectRef<Integer> dependent = kernel.task(KernelTest::add, failed, 1).setName("downstream").remote();
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> dependent.get(WAIT));
        assertEquals("downstream", e.taskName());
        final TaskFailedException upstream = assertInstanceOf(TaskFailedException.class, e.getCause());
        assertEquals("upstream", upstream.taskName());
        assertInstanceOf(IllegalStateException.class, upstream.getCause());
    }

    @Test
    void aNestedGetWithOneCpuDoesNotDeadlock() {
        start(new KernelContext().cpus(1));
        assertEquals(50, kernel.task(KernelTest::parentOfChild, 7).remote().get(WAIT));
    }

    @Test
    void exceptionsAreRetriedOnlyWhenAsked() {
        start(new KernelContext().cpus(1));
        COUNTERS.put("retry", new AtomicInteger());
        final ObjectRef<Integer> retried = kernel.task(KernelTest::failTimes, "retry", 2)
            .setMaxRetries(3).setRetryExceptions(true).remote();
        assertEquals(2, retried.get(WAIT), "third attempt (attempt 2) succeeds");

        COUNTERS.put("once", new AtomicInteger());
        final ObjectRef<Integer> notRetried = kernel.task(KernelTest::failTimes, "once", 1).setMaxRetries(3).remote();
        assertThrows(TaskFailedException.class, () -> notRetried.get(WAIT));
        assertEquals(1, COUNTERS.get("once").get());

        COUNTERS.put("exhausted", new AtomicInteger());
        final ObjectRef<Integer> exhausted = kernel.task(KernelTest::failTimes, "exhausted", 10)
            .setMaxRetries(2).setRetryExceptions(true).remote();
        assertThrows(TaskFailedException.class, () -> exhausted.get(WAIT));
        assertEquals(3, COUNTERS.get("exhausted").get(), "one run and two retries");
    }

    @Test
    void systemFailuresAreRetriedByDefault() {
        start(new KernelContext().cpus(1));
        COUNTERS.put("error", new AtomicInteger());
        assertEquals(7, kernel.task(KernelTest::errorOnce, "error").remote().get(WAIT));
        assertEquals(2, COUNTERS.get("error").get());
    }

    @Test
    void cancellingAQueuedTaskRemovesIt() {
        start(new KernelContext().cpus(1));
        latch("hold", 1);
        final ObjectRef<String> blocker = kernel.task(KernelTest::await, "hold").remote();
        final ObjectRef<Integer> queued = kernel.task(KernelTest::square, 4).remote();
        kernel.cancel(queued, false);
        assertThrows(TaskCancelledException.class, () -> queued.get(WAIT));
        LATCHES.get("hold").countDown();
        assertEquals("hold", blocker.get(WAIT));
        assertEquals(16, kernel.task(KernelTest::square, 4).remote().get(WAIT), "the kernel keeps working");
    }

    @Test
    void forceCancellingARunningTaskInterruptsIt() {
        start(new KernelContext().cpus(1));
        latch("never", 1);
        final CountDownLatch started = latch("never-started", 1);
        INTERRUPTED.remove("never");
        final ObjectRef<String> running = kernel.task(KernelTest::startThenAwait, "never").remote();
        awaitCondition("the task to run", () -> started.getCount() == 0);  // inside its function, not just placed
        kernel.cancel(running, true);
        assertThrows(TaskCancelledException.class, () -> running.get(WAIT));
        awaitCondition("the task to see the interrupt", () -> INTERRUPTED.contains("never"));
        assertEquals(9, kernel.task(KernelTest::square, 3).remote().get(WAIT), "its CPU came back");
    }

    @Test
    void badInputGetsAClearExceptionAndTheKernelKeepsWorking() {
        start(new KernelContext().cpus(2));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> kernel.task(KernelTest::square, 1).setResource("TPU", 1.0).remote());
        assertTrue(unknown.getMessage().contains("unknown resource 'TPU'"), unknown.getMessage());
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> kernel.task(KernelTest::square, 1).setResource("CPU", -1.0));
        assertTrue(negative.getMessage().contains("'CPU'") && negative.getMessage().contains("-1.0"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.task((io.kairos.function.KFunc0<Integer>) null));
        final UnschedulableException infeasible = assertThrows(UnschedulableException.class,
            () -> kernel.task(KernelTest::square, 1).setResource("GPU", 2.0).remote());
        assertTrue(infeasible.getMessage().contains("GPU"), infeasible.getMessage());
        final UnschedulableException tooManyCpus = assertThrows(UnschedulableException.class,
            () -> kernel.task(KernelTest::square, 1).setResource("CPU", 3.0).remote());
        assertTrue(tooManyCpus.getMessage().contains("CPU"), tooManyCpus.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.wait(List.of(kernel.put(1)), 2, WAIT));
        assertEquals(4, kernel.task(KernelTest::square, 2).remote().get(WAIT));

        kernel.close();
        assertThrows(KernelClosedException.class, () -> kernel.task(KernelTest::square, 1).remote());
        assertThrows(KernelClosedException.class, () -> kernel.put(1));
    }

    @Test
    void aHardAffinityToAMissingNodeFailsItsRef() {
        start(new KernelContext().cpus(1));
        final ObjectRef<Integer> ref = kernel.task(KernelTest::square, 2)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("node-9", false)).remote();
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> ref.get(WAIT));
        assertTrue(e.getMessage().contains("node-9"), e.getMessage());
    }

    @Test
    void fractionalGpusArePackedOntoOneInstance() throws Exception {
        start(new KernelContext().cpus(4).gpus(2));
        latch("gpu", 2);
        latch("gpu-go", 1);
        final ObjectRef<String> a = kernel.task(KernelTest::gpuInstancesAfter, "gpu").setResource("GPU", 0.5).remote();
        final ObjectRef<String> b = kernel.task(KernelTest::gpuInstancesAfter, "gpu").setResource("GPU", 0.5).remote();
        assertTrue(LATCHES.get("gpu").await(20, TimeUnit.SECONDS), "both run at once");
        assertEquals(1.0, kernel.resources().get(0).available().get("GPU"), 1e-9, "one instance still free");
        LATCHES.get("gpu-go").countDown();
        assertEquals(a.get(WAIT), b.get(WAIT), "same instance, same share");
        assertTrue(a.get().endsWith(":0.5"), a.get());
    }

    @Test
    void aHardNodeAffinityRunsOnThatNode() {
        start(new KernelContext()
            .node("node-a", Map.of("CPU", 2.0), Map.of())
            .node("node-b", Map.of("CPU", 2.0), Map.of("zone", "b")));
        assertEquals("node-b", kernel.task(KernelTest::contextNode)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("node-b", false)).remote().get(WAIT));
        assertEquals("node-b", kernel.task(KernelTest::contextNode)
            .setSchedulingStrategy(SchedulingStrategy.nodeLabels(Map.of("zone", "b"), Map.of())).remote().get(WAIT));
    }

    @Test
    void spreadPlacesConcurrentTasksOnDifferentNodes() throws Exception {
        start(new KernelContext()
            .node("n0", Map.of("CPU", 4.0), Map.of())
            .node("n1", Map.of("CPU", 4.0), Map.of())
            .node("n2", Map.of("CPU", 4.0), Map.of()));
        latch("spread", 3);
        latch("spread-go", 1);
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            refs.add(kernel.task(KernelTest::nodeAfter, "spread").setSchedulingStrategy(SchedulingStrategy.SPREAD).remote());
        }
        assertTrue(LATCHES.get("spread").await(20, TimeUnit.SECONDS));
        LATCHES.get("spread-go").countDown();
        final Set<String> nodes = new HashSet<>(kernel.get(refs, WAIT));
        assertEquals(Set.of("n0", "n1", "n2"), nodes);
    }

    @Test
    void waitReturnsTheReadyRefsOnceEnoughAreDone() {
        start(new KernelContext().cpus(2));
        latch("slow", 1);
        final ObjectRef<Object> slow = cast(kernel.task(KernelTest::await, "slow").remote());
        final ObjectRef<Object> fast = cast(kernel.task(KernelTest::square, 2).remote());
        final ObjectRef<Object> put = cast(kernel.put(5));
        final WaitResult<Object> result = kernel.wait(List.of(slow, fast, put), 2, WAIT);
        assertEquals(List.of(fast, put), result.ready());
        assertEquals(List.of(slow), result.unready());
        final WaitResult<Object> timedOut = kernel.wait(List.of(slow), 1, Duration.ofMillis(20));
        assertTrue(timedOut.ready().isEmpty());
    }

    @Test
    void resourcesShowWhatRunningTasksHold() throws Exception {
        start(new KernelContext().cpus(2).resource("disk", 10));
        latch("res", 1);
        final ObjectRef<String> ref = kernel.task(KernelTest::await, "res").setResource("disk", 2.5).remote();
        awaitCondition("2.5 disk held", () -> kernel.resources().get(0).available().get("disk") == 7.5);
        assertEquals(1.0, kernel.resources().get(0).available().get("CPU"), 1e-9);
        LATCHES.get("res").countDown();
        ref.get(WAIT);
        awaitCondition("the disk back", () -> kernel.resources().get(0).available().get("disk") == 10.0);
        assertEquals(2.0, kernel.resources().get(0).total().get("CPU"), 1e-9);
    }

    @Test
    void getTimesOut() {
        start(new KernelContext().cpus(1));
        latch("late", 1);
        final ObjectRef<String> ref = kernel.task(KernelTest::await, "late").remote();
        final long start = System.nanoTime();
        assertThrows(GetTimeoutException.class, () -> ref.get(Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void closeCancelsQueuedTasksAndInterruptsRunningOnesAfterTheTimeout() {
        start(new KernelContext().cpus(1).closeTimeout(Duration.ofMillis(100)));
        latch("forever", 1);
        final ObjectRef<String> running = kernel.task(KernelTest::await, "forever").remote();
        final ObjectRef<Integer> queued = kernel.task(KernelTest::square, 3).remote();
        final ObjectRef<Integer> waiting = kernel.task(KernelTest::add, queued, 1).remote();
        kernel.close();
        assertThrows(TaskCancelledException.class, () -> queued.get(WAIT));
        assertThrows(KairosException.class, () -> waiting.get(WAIT));
        assertThrows(KairosException.class, () -> running.get(WAIT));
        assertTrue(kernel.isClosed());
    }

    static final AtomicBoolean STUBBORN_RELEASE = new AtomicBoolean();

    static String ignoreInterrupts(final String key) {
        LATCHES.get(key).countDown();
        while (!STUBBORN_RELEASE.get()) {
            Thread.onSpinWait();  // never looks at its interrupt
        }
        return "done";
    }

    @Test
    void closeFailsTheResultOfATaskWhoseWorkerIgnoresTheInterrupt() throws Exception {
        start(new KernelContext().cpus(1).closeTimeout(Duration.ofMillis(50)));
        STUBBORN_RELEASE.set(false);
        latch("stubborn", 1);
        final ObjectRef<String> stubborn = kernel.task(KernelTest::ignoreInterrupts, "stubborn").remote();
        assertTrue(LATCHES.get("stubborn").await(20, TimeUnit.SECONDS));
        try {
            final long start = System.nanoTime();
            kernel.close();
            final KernelClosedException e = assertThrows(KernelClosedException.class, () -> stubborn.get(WAIT));
            assertTrue(e.getMessage().contains("did not stop"), e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close waited a bounded time");
        } finally {
            STUBBORN_RELEASE.set(true);
        }
    }

    @Test
    void theInvokerModeRunsOnlyWhenDriven() {
        start(new KernelContext().cpus(1).threadingMode(ThreadingMode.INVOKER));
        final ObjectRef<Integer> ref = kernel.task(KernelTest::square, 6).remote();
        assertFalse(ref.isReady(), "nothing runs until the conductor is driven");
        assertEquals(1, kernel.invoker().invoke() > 0 ? 1 : 0, "one step takes the submission and dispatches it");
        assertEquals(36, ref.get(WAIT), "get on the owner thread drives the conductor");
        assertNull(TaskContext.current(), "no task context outside a task");
    }

    static String contextSummary() {
        final TaskContext c = TaskContext.current();
        return c.taskName() + "|" + c.nodeId() + "|" + c.attempt() + "|" + c.resources() + "|" + c.gpuInstances().length;
    }

    @Test
    void aTaskSeesItsContext() {
        start(new KernelContext().cpus(2).gpus(1));
        final ObjectRef<String> ref = kernel.task(KernelTest::contextSummary).setName("ctx")
            .setResource("CPU", 0.5).setResource("GPU", 1.0).remote();
        assertEquals("ctx|node-0|0|" + Map.of("CPU", 0.5, "GPU", 1.0) + "|1", ref.get(WAIT));
    }

    @SuppressWarnings("unchecked")
    private static <T> ObjectRef<Object> cast(final ObjectRef<T> ref) {
        return (ObjectRef<Object>) ref;
    }
}
