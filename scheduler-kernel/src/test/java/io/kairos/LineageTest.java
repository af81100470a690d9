package io.kairos;

import io.kairos.exception.ObjectLostException;
import io.kairos.spi.kernel.KernelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lost object made by a task is made again by running its task again, recursively through lost arguments, at most
 * its retries per object; diamonds run their shared argument once more; an actor's result and a put are not made again.
 */
@Timeout(120)
class LineageTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int OBJECT = 256 << 10;
    private static final long STORE = 4L << 20;
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    @TempDir
    Path dir;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static byte[] make(final String key, final int seed) {
        RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return SpillTest.pattern(seed);
    }

    static byte[] shifted(final String key, final byte[] in) {
        RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        final byte[] out = in.clone();
        for (int i = 0; i < out.length; i++) {
            out[i]++;
        }
        return out;
    }

    /** Truncates every spill file: whatever was spilled can no longer be read. */
    private void loseSpilledObjects() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path file : files.toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(0);
                } catch (final java.nio.file.NoSuchFileException gone) {
                    // its object was freed (and its file deleted) after the listing: nothing left to lose
                }
            }
        }
    }

    @Test
    void aLostChainIsMadeAgainThroughItsLineage() throws Exception {
        RUNS.clear();
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
        final ObjectRef<byte[]> a = kernel.task(LineageTest::make, "a", 7).remote();
        final ObjectRef<byte[]> b = kernel.task(LineageTest::shifted, "b", a).remote();
        b.get(WAIT);
        final List<ObjectRef<byte[]>> filler = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {  // pushes a and b out to spill files
            filler.add(kernel.put(SpillTest.pattern(100 + i)));
        }
        assertTrue(kernel.spillStats().spilledObjects() >= 2, kernel.spillStats().toString());
        loseSpilledObjects();

        final byte[] expected = shifted("check", SpillTest.pattern(7));
        assertArrayEquals(expected, b.get(WAIT), "made again");
        assertEquals(2, RUNS.get("b").get(), "b ran again");
        assertEquals(2, RUNS.get("a").get(), "and so did a, its lost argument");
        assertArrayEquals(expected, b.get(WAIT), "kept: no third run");
        assertEquals(2, RUNS.get("b").get());
    }

    static byte[] combined(final String key, final byte[] left, final byte[] right) {
        RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        final byte[] out = new byte[left.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (left[i] ^ right[i] + 1);
        }
        return out;
    }

    private static int runs(final String key) {
        final AtomicInteger n = RUNS.get(key);
        return n == null ? 0 : n.get();
    }

    /** Puts four stores' worth of other objects: everything older is pushed out to spill files. */
    private List<ObjectRef<byte[]>> pushOut(final int seed) {
        final List<ObjectRef<byte[]>> filler = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            filler.add(kernel.put(SpillTest.pattern(seed + i)));
        }
        return filler;
    }

    @Test
    void aDiamondIsMadeRightWithItsSharedArgumentRunOnce() {
        RUNS.clear();
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
        final ObjectRef<byte[]> a = kernel.task(LineageTest::make, "a", 3).remote();
        final ObjectRef<byte[]> b = kernel.task(LineageTest::shifted, "b", a).remote();
        final ObjectRef<byte[]> c = kernel.task(LineageTest::shifted, "c", a).remote();
        final ObjectRef<byte[]> d = kernel.task(LineageTest::combined, "d", b, c).remote();
        final byte[] shifted = shifted("check", SpillTest.pattern(3));
        assertArrayEquals(combined("check", shifted, shifted), d.get(WAIT));
        assertEquals(List.of(1, 1, 1, 1), List.of(runs("a"), runs("b"), runs("c"), runs("d")), "each ran once");
    }

    /**
     * Every object of a diamond lost: D is made again from B and C, both made again from A, which runs once more (not
     * once per reader). With one CPU: the second reader of lost A waits for the first one's run of A without holding
     * the CPU that run needs.
     */
    @Test
    void aLostDiamondIsMadeAgainRunningItsSharedArgumentOnceMoreWithOneCpu() throws Exception {
        RUNS.clear();
        kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE).spillDirectory(dir));
        final ObjectRef<byte[]> a = kernel.task(LineageTest::make, "a", 3).remote();
        final ObjectRef<byte[]> b = kernel.task(LineageTest::shifted, "b", a).remote();
        final ObjectRef<byte[]> c = kernel.task(LineageTest::shifted, "c", a).remote();
        final ObjectRef<byte[]> d = kernel.task(LineageTest::combined, "d", b, c).remote();
        final byte[] expected = d.get(WAIT);
        final List<ObjectRef<byte[]>> filler = pushOut(100);
        assertTrue(kernel.spillStats().spilledObjects() >= 4, kernel.spillStats().toString());
        loseSpilledObjects();

        assertArrayEquals(expected, d.get(WAIT), "made again");
        assertEquals(List.of(2, 2, 2, 2), List.of(runs("a"), runs("b"), runs("c"), runs("d")),
            "a, b, c, d each ran once more");
        assertEquals(filler.size(), filler.stream().filter(ObjectRef::isReady).count());
    }

    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    /** Like shifted, but reads its input through a ref inside an argument, after its gate opens. */
    static byte[] shiftedAfterGate(final String key, final List<ObjectRef<byte[]>> in) throws InterruptedException {
        final CountDownLatch gate = GATES.get(key);
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + key + " never opened");
        }
        return shifted(key, in.get(0).get(WAIT));
    }

    /**
     * Two readers of one lost object, with one CPU: B (running) finds A lost and runs it again, while C, queued ahead
     * of that run, starts and finds A lost too. C must wait for B's run of A without holding the CPU the run needs.
     */
    @Test
    void twoReadersOfALostObjectWithOneCpuDoNotDeadlock() throws Exception {
        RUNS.clear();
        GATES.clear();
        final AtomicInteger submitted = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();
        kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE).spillDirectory(dir)
            .listener(new KernelListener() {
                @Override
                public void onTaskSubmitted(final long taskId) {
                    submitted.incrementAndGet();
                }

                @Override
                public void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
                    started.incrementAndGet();
                }
            }));
        final ObjectRef<byte[]> a = kernel.task(LineageTest::make, "a", 3).remote();
        final ObjectRef<byte[]> b = kernel.task(LineageTest::shiftedAfterGate, "b", List.of(a)).remote();
        final ObjectRef<byte[]> c = kernel.task(LineageTest::shifted, "c", a).remote();
        final byte[] expected = shifted("check", SpillTest.pattern(3));
        assertArrayEquals(expected, b.get(WAIT));
        assertArrayEquals(expected, c.get(WAIT));
        final List<ObjectRef<byte[]>> filler = pushOut(100);
        loseSpilledObjects();

        final CountDownLatch gate = new CountDownLatch(1);
        GATES.put("b", gate);
        final int submittedBefore = submitted.get();
        final int startedBefore = started.get();
        // a reader thread each (not the common pool: with one pool thread the second reader would wait for the first)
        final java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            final java.util.concurrent.Future<byte[]> bAgain =
                readers.submit(() -> b.get(WAIT));  // B runs again, waits at its gate
            KernelTest.awaitCondition("b running again", () -> started.get() == startedBefore + 1);
            final java.util.concurrent.Future<byte[]> cAgain =
                readers.submit(() -> c.get(WAIT));  // C queued: B holds the CPU
            KernelTest.awaitCondition("c queued", () -> submitted.get() == submittedBefore + 2);
            assertEquals(startedBefore + 1, started.get(), "c waits for the CPU");
            gate.countDown();  // B reads A: lost, runs it again after C, which starts first and reads A too
            assertArrayEquals(expected, bAgain.get(60, TimeUnit.SECONDS));
            assertArrayEquals(expected, cAgain.get(60, TimeUnit.SECONDS));
        } finally {
            gate.countDown();
            readers.shutdownNow();
        }
        assertEquals(2, runs("a"), "a ran once more, for both readers");
        assertEquals(filler.size(), filler.stream().filter(ObjectRef::isReady).count());
    }

    @Test
    void anObjectLostMoreOftenThanItsTasksRetriesSaysSoNamingTheLimit() throws Exception {
        RUNS.clear();
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
        final ObjectRef<byte[]> a = kernel.task(LineageTest::make, "a", 5).setMaxRetries(2).remote();
        a.get(WAIT);
        for (int loss = 1; loss <= 2; loss++) {
            final List<ObjectRef<byte[]>> filler = pushOut(100 * loss);
            loseSpilledObjects();
            assertArrayEquals(SpillTest.pattern(5), a.get(WAIT), "loss " + loss + " is within the 2 retries");
            assertEquals(1 + loss, runs("a"));
            java.lang.ref.Reference.reachabilityFence(filler);  // spilled, not freed, until the loss
        }
        final List<ObjectRef<byte[]>> filler = pushOut(300);
        loseSpilledObjects();
        final ObjectLostException e = assertThrows(ObjectLostException.class, () -> a.get(WAIT));
        assertTrue(e.getMessage().startsWith("object " + a.id() + " is lost and its task 'LineageTest::make' was run "
            + "again 2 time(s) already, its limit"), e.getMessage());
        assertEquals(3, runs("a"), "no run beyond the limit");
        assertEquals(filler.size(), filler.stream().filter(ObjectRef::isReady).count());
    }

    /** An actor's state. */
    public static final class Maker {
        private int calls;

        public byte[] make(final int seed) {
            calls++;
            return SpillTest.pattern(seed);
        }

        public int calls() {
            return calls;
        }
    }

    @Test
    void aLostActorCallResultIsNotMadeAgainAndSaysSo() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
        final ActorHandle<Maker> maker = kernel.actor(Maker::new).remote();
        final ObjectRef<byte[]> made = maker.task(Maker::make, 9).remote();
        assertArrayEquals(SpillTest.pattern(9), made.get(WAIT));
        final List<ObjectRef<byte[]>> filler = pushOut(100);
        loseSpilledObjects();
        final ObjectLostException e = assertThrows(ObjectLostException.class, () -> made.get(WAIT));
        assertTrue(e.getMessage().startsWith("object " + made.id() + " is lost and cannot be made again: it was made "
            + "by an actor"), e.getMessage());
        assertEquals(1, maker.task(Maker::calls).remote().get(WAIT), "the call did not run again; the actor lives");
        assertEquals(filler.size(), filler.stream().filter(ObjectRef::isReady).count());
    }

    @Test
    void aLostPutObjectCannotBeMadeAgainAndSaysSo() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
        final ObjectRef<byte[]> put = kernel.put(SpillTest.pattern(1));
        final List<ObjectRef<byte[]>> filler = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            filler.add(kernel.put(SpillTest.pattern(100 + i)));
        }
        loseSpilledObjects();
        final ObjectLostException e = assertThrows(ObjectLostException.class, () -> put.get(WAIT));
        assertTrue(e.getMessage().startsWith("object " + put.id() + " is lost and cannot be made again: it was put, "
            + "not made by a task"), e.getMessage());
    }
}
