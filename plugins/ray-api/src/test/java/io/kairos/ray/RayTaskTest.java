package io.kairos.ray;

import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.WaitResult;
import io.ray.api.exception.RayException;
import io.ray.api.exception.RayTaskException;
import io.ray.api.exception.RayTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks and objects as Ray's Java documentation shows them (docs.ray.io, "Tasks", "Objects", "Fault tolerance"). */
class RayTaskTest {
    static final AtomicInteger VOID_CALLS = new AtomicInteger();
    static final CountDownLatch NEVER = new CountDownLatch(1);

    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        NEVER.countDown();
        RayTestSupport.shutdown();
    }

    // -- functions, as a Ray program declares them: static methods
    static String hello() {
        return "hello";
    }

    static int square(final int x) {
        return x * x;
    }

    static int sum2(final int a, final int b) {
        return a + b;
    }

    static int sum3(final int a, final int b, final int c) {
        return a + b + c;
    }

    static int sum4(final int a, final int b, final int c, final int d) {
        return a + b + c + d;
    }

    static int sum5(final int a, final int b, final int c, final int d, final int e) {
        return a + b + c + d + e;
    }

    static int sum6(final int a, final int b, final int c, final int d, final int e, final int f) {
        return a + b + c + d + e + f;
    }

    static void count0() {
        VOID_CALLS.incrementAndGet();
    }

    static void countN(final int n) {
        VOID_CALLS.addAndGet(n);
    }

    static void count6(final int a, final int b, final int c, final int d, final int e, final int f) {
        VOID_CALLS.addAndGet(a + b + c + d + e + f);
    }

    static int fail(final int x) {
        throw new IllegalStateException("bad input " + x);
    }

    static int waitForever() throws InterruptedException {
        NEVER.await();
        return 0;
    }

    static int sleepMs(final int ms) throws InterruptedException {
        Thread.sleep(ms);
        return ms;
    }

    static byte[] bytes(final int n) {
        final byte[] b = new byte[n];
        Arrays.fill(b, (byte) 7);
        return b;
    }

    static long sumBytes(final byte[] b) {
        long s = 0;
        for (final byte x : b) {
            s += x;
        }
        return s;
    }

    static double resourceOf(final String name) {
        return io.kairos.TaskContext.current().resources().getOrDefault(name, 0.0);
    }

    @Test
    void helloWorld() {
        final ObjectRef<String> ref = Ray.task(RayTaskTest::hello).remote();
        assertEquals("hello", ref.get());
        assertEquals("hello", Ray.get(ref));
    }

    @Test
    void everyArityOfRayFuncRuns() {
        assertEquals(9, Ray.task(RayTaskTest::square, 3).remote().get());
        assertEquals(3, Ray.task(RayTaskTest::sum2, 1, 2).remote().get());
        assertEquals(6, Ray.task(RayTaskTest::sum3, 1, 2, 3).remote().get());
        assertEquals(10, Ray.task(RayTaskTest::sum4, 1, 2, 3, 4).remote().get());
        assertEquals(15, Ray.task(RayTaskTest::sum5, 1, 2, 3, 4, 5).remote().get());
        assertEquals(21, Ray.task(RayTaskTest::sum6, 1, 2, 3, 4, 5, 6).remote().get());
    }

    @Test
    void voidFunctionsRun() throws Exception {
        final int before = VOID_CALLS.get();
        Ray.task(RayTaskTest::count0).remote();
        Ray.task(RayTaskTest::countN, 10).remote();
        Ray.task(RayTaskTest::count6, 1, 1, 1, 1, 1, 1).remote();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (VOID_CALLS.get() != before + 17 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(before + 17, VOID_CALLS.get());
    }

    @Test
    void objectRefArgumentsAreResolvedBeforeTheCall() {
        final ObjectRef<Integer> a = Ray.task(RayTaskTest::square, 2).remote();          // 4
        final ObjectRef<Integer> b = Ray.task(RayTaskTest::sum2, a, Ray.put(1)).remote(); // 5
        final ObjectRef<Integer> c = Ray.task(RayTaskTest::sum3, a, b, 10).remote();      // 19
        assertEquals(19, c.get());
        // a chain: each task depends on the one before
        ObjectRef<Integer> x = Ray.put(0);
        for (int i = 0; i < 100; i++) {
            x = Ray.task(RayTaskTest::sum2, x, 1).remote();
        }
        assertEquals(100, x.get());
    }

    @Test
    void putAndGetValuesAndLists() {
        final ObjectRef<String> s = Ray.put("value");
        assertEquals("value", s.get());
        assertEquals("value", Ray.get(s, 1000));
        final List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            refs.add(Ray.task(RayTaskTest::square, i).remote());
        }
        final List<Integer> values = Ray.get(refs);
        for (int i = 0; i < 10; i++) {
            assertEquals(i * i, values.get(i));
        }
        assertEquals(values, Ray.get(refs, 10_000));
        assertNull(Ray.put(null).get());
    }

    @Test
    void largeObjectsGoThroughTheSharedStore() {
        final byte[] big = bytes(4 << 20);
        final ObjectRef<byte[]> put = Ray.put(big);
        assertArrayEquals(big, put.get());
        assertEquals(7L * (4 << 20), Ray.task(RayTaskTest::sumBytes, put).remote().get());
        final ObjectRef<byte[]> made = Ray.task(RayTaskTest::bytes, 2 << 20).remote();
        assertEquals(2 << 20, made.get().length);
        assertTrue(((RayObjectRef<byte[]>) made).ref.isStored(), "a 2 MiB result should be in the shared store");
        assertTrue(RayTestSupport.runtime().kernel().objectStoreStats() != null);
    }

    @Test
    void getTimesOutWithRayTimeoutException() {
        final ObjectRef<Integer> never = Ray.task(RayTaskTest::waitForever).remote();
        final long start = System.nanoTime();
        assertThrows(RayTimeoutException.class, () -> Ray.get(never, 50));
        assertThrows(RayTimeoutException.class, () -> never.get(0));
        assertThrows(RayTimeoutException.class, () -> Ray.get(List.of(Ray.put(1), never), 50));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void waitReturnsReadyRefsInTheOrderGiven() {
        final ObjectRef<Integer> fast = Ray.put(1);
        final ObjectRef<Integer> slow = Ray.task(RayTaskTest::sleepMs, 300).remote();
        final ObjectRef<Integer> never = Ray.task(RayTaskTest::waitForever).remote();
        final List<ObjectRef<Integer>> refs = List.of(never, slow, fast);

        WaitResult<Integer> r = Ray.wait(refs, 1, 5000);
        assertEquals(List.of(fast), r.getReady());
        assertEquals(List.of(never, slow), r.getUnready());

        r = Ray.wait(refs, 2, 5000);
        assertEquals(List.of(slow, fast), r.getReady());
        assertEquals(List.of(never), r.getUnready());

        final long start = System.nanoTime();
        r = Ray.wait(refs, 3, 100);  // times out: returns what is ready
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(90));
        assertEquals(2, r.getReady().size());
        assertSame(never, r.getUnready().get(0));

        assertTrue(Ray.wait(new ArrayList<ObjectRef<Integer>>()).getReady().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Ray.wait(refs, 4, 10));
    }

    @Test
    void aFailedTaskThrowsRayTaskExceptionWithItsCause() {
        final ObjectRef<Integer> ref = Ray.task(RayTaskTest::fail, 3).remote();
        final RayTaskException e = assertThrows(RayTaskException.class, ref::get);
        final Throwable cause = e.getCause();
        assertInstanceOf(IllegalStateException.class, cause);
        assertEquals("bad input 3", cause.getMessage());
        assertTrue(e.getMessage().contains("RayTaskTest::fail"), "the message names the function: " + e.getMessage());
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getMethodName().equals("fail")),
            "the cause carries the remote stack trace");
    }

    @Test
    void exceptionsCrossDependentTasks() {
        final ObjectRef<Integer> failed = Ray.task(RayTaskTest::fail, 1).remote();
        final ObjectRef<Integer> dependent = Ray.task(RayTaskTest::square, failed).remote();
        final RayTaskException e = assertThrows(RayTaskException.class, dependent::get);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        assertInstanceOf(IllegalStateException.class, root);
    }

    @Test
    void aNamedTaskNamesItselfInItsError() {
        final RayTaskException e = assertThrows(RayTaskException.class,
            () -> Ray.task(RayTaskTest::fail, 2).setName("my-task").remote().get());
        assertTrue(e.getMessage().contains("my-task"), e.getMessage());
    }

    @Test
    void resourcesAreAskedForAndGiven() {
        assertEquals(0.5, Ray.task(RayTaskTest::resourceOf, "GPU").setResource("GPU", 0.5).remote().get());
        assertEquals(2.0, Ray.task(RayTaskTest::resourceOf, "custom")
            .setResources(Map.of("custom", 2.0, "CPU", 0.5)).remote().get());
        assertEquals(1.0, Ray.task(RayTaskTest::resourceOf, "CPU").remote().get(), "a task asks for 1 CPU by default");
    }

    @Test
    void anInfeasibleTaskFailsAtRemote() {
        final RayException e = assertThrows(RayException.class,
            () -> Ray.task(RayTaskTest::square, 1).setResource("GPU", 3.0).remote());
        assertTrue(e.getMessage().contains("GPU"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> Ray.task(RayTaskTest::square, 1).setResource("GPU", -1.0).remote());
    }

    @Test
    void manyDriverThreadsSubmitAtOnce() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<Integer>> sums = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sums.add(pool.submit(() -> {
                    final List<ObjectRef<Integer>> refs = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        refs.add(Ray.task(RayTaskTest::square, i % 10).remote());
                    }
                    int s = 0;
                    for (final int v : Ray.get(refs)) {
                        s += v;
                    }
                    return s;
                }));
            }
            for (final Future<Integer> sum : sums) {
                assertEquals(50 * 285, sum.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refsFromAnotherRuntimeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Ray.get(new io.ray.api.ObjectRef<Integer>() {
            @Override
            public Integer get() {
                return 1;
            }

            @Override
            public Integer get(final long timeoutMs) {
                return 1;
            }
        }));
        assertFalse(Ray.put(1).equals(Ray.put(1)));
    }
}
