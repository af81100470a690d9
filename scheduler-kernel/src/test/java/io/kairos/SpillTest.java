package io.kairos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Objects that need more than the store holds are spilled to files, read back on get, and their files deleted; an
 * object being read, or pinned by a worker process's call, is not spilled under its reader.
 */
@Timeout(120)
class SpillTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int OBJECT = 256 << 10;
    private static final long STORE = 4L << 20;

    @TempDir
    Path dir;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start() {
        return Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir));
    }

    static byte[] pattern(final int seed) {
        final byte[] bytes = new byte[OBJECT];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }

    static int checksum(final byte[] bytes) {
        int sum = 0;
        for (final byte b : bytes) {
            sum = sum * 31 + b;
        }
        return sum;
    }

    @Test
    void putObjectsFourTimesTheStoreAndGetThemAllBack() {
        kernel = start();
        final List<ObjectRef<byte[]>> refs = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            refs.add(kernel.put(pattern(i)));
        }
        for (int i = 0; i < refs.size(); i++) {
            assertArrayEquals(pattern(i), refs.get(i).get(WAIT), "object " + i);
        }
        final SpillStats stats = kernel.spillStats();
        assertTrue(stats.spilledBytes() >= 3 * STORE - OBJECT, stats.toString());
        assertTrue(stats.restoredObjects() > 0, stats.toString());
        assertTrue(kernel.objectStoreStats().bytesUsed() <= STORE, kernel.objectStoreStats().toString());
        assertTrue(stats.spillBytesPerSecond() > 0 && stats.restoreBytesPerSecond() > 0, stats.toString());
    }

    @Test
    void tasksWhoseResultsNeedFourTimesTheStoreComplete() {
        kernel = start();
        final List<ObjectRef<Integer>> sums = new ArrayList<>();
        final List<ObjectRef<byte[]>> made = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            final ObjectRef<byte[]> bytes = kernel.task(SpillTest::pattern, i).remote();
            made.add(bytes);
            sums.add(kernel.task(SpillTest::checksum, bytes).remote());
        }
        for (int i = 0; i < sums.size(); i++) {
            assertEquals(checksum(pattern(i)), sums.get(i).get(WAIT), "task " + i);
        }
        assertTrue(kernel.spillStats().spilledObjects() > 0, kernel.spillStats().toString());
        assertEquals(made.size(), made.stream().filter(ObjectRef::isReady).count());
    }

    @Test
    void spillFilesAreDeletedWhenTheirObjectsAreFreed() throws Exception {
        kernel = start();
        List<ObjectRef<byte[]>> refs = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            refs.add(kernel.put(pattern(i)));
        }
        assertTrue(kernel.spillStats().files() > 0, kernel.spillStats().toString());
        refs = null;
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (kernel.spillStats().files() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertEquals(0, kernel.spillStats().files(), kernel.spillStats().toString());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "no spill file is left");
        }
    }

    /**
     * Readers keep reading the newest objects while later puts spill them: every get returns the value put, whether it
     * reads the object in the store, while it is being spilled, or from its file (a reader's pin holds the spill off
     * until it has read; a spill under way sends it to the file).
     */
    @Test
    void getsOfObjectsBeingSpilledReadTheirValues() throws Exception {
        kernel = start();
        final int objects = Integer.getInteger("kairos.spillReaders.objects", 1000);
        final int recent = 8;
        final java.util.concurrent.atomic.AtomicReferenceArray<ObjectRef<byte[]>> ring =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(recent);
        final java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        final List<java.util.concurrent.Future<?>> readers = new ArrayList<>();
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            for (int r = 0; r < 3; r++) {
                final int reader = r;
                readers.add(pool.submit(() -> {
                    final java.util.SplittableRandom random = new java.util.SplittableRandom(reader);
                    while (written.get() < objects) {
                        final int n = written.get();
                        if (n == 0) {
                            Thread.onSpinWait();
                            continue;
                        }
                        final int seed = Math.max(0, n - 1 - random.nextInt(recent));
                        final ObjectRef<byte[]> ref = ring.get(seed % recent);
                        if (ref == null || seed < n - recent) {
                            continue;
                        }
                        check(ref, ref.get(WAIT));
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < objects; i++) {
                final long reached = i;
                KernelTest.awaitCondition("a read per two objects put", () -> reads.get() >= reached / 2);
                final ObjectRef<byte[]> ref = kernel.put(pattern(i));
                SEEDS.put(ref.id(), i);
                ring.set(i % recent, ref);
                written.incrementAndGet();
            }
            for (final java.util.concurrent.Future<?> reader : readers) {
                reader.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            SEEDS.clear();
        }
        final SpillStats stats = kernel.spillStats();
        assertTrue(stats.spilledObjects() >= objects - 2 * STORE / OBJECT, stats.toString());
        assertTrue(reads.get() >= objects / 2 - 1, reads + " reads of " + objects + " objects");
    }

    private static final java.util.Map<Long, Integer> SEEDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static void check(final ObjectRef<byte[]> ref, final byte[] value) {
        final int seed = SEEDS.get(ref.id());
        if (!java.util.Arrays.equals(pattern(seed), value)) {
            throw new AssertionError("object " + ref.id() + " (seed " + seed + ") read back different bytes");
        }
    }

    /** In a worker process: says it started (creates started), waits for go to exist, returns its argument's sum. */
    static int checksumWhenTold(final byte[] bytes, final String started, final String go) throws Exception {
        Files.createFile(Path.of(started));
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(Path.of(go))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("never told to go");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return checksum(bytes);
    }

    /**
     * A stored argument a worker process's call reads is pinned for the call: puts of four stores' worth spill
     * everything else but leave it in the store; once the call ended the next spill takes it.
     */
    @Test
    void anArgumentOfARunningWorkerProcessCallIsNotSpilledUntilTheCallEnds() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir.resolve("spill"))
            .workerProcesses(1));
        final ObjectRef<byte[]> argument = kernel.put(pattern(7));  // the oldest object: the first a spill would take
        final Path started = dir.resolve("started");
        final Path go = dir.resolve("go");
        final ObjectRef<Integer> sum = kernel.task(SpillTest::checksumWhenTold, argument, started.toString(),
            go.toString()).setIsolated(true).remote();
        KernelTest.awaitCondition("the call to start", () -> Files.exists(started) || sum.isReady());
        List<ObjectRef<byte[]>> filler = putFourStores(100);
        assertTrue(kernel.spillStats().spilledObjects() >= filler.size() / 2, kernel.spillStats().toString());
        Files.createFile(go);
        assertEquals(checksum(pattern(7)), sum.get(WAIT));
        final long restored = kernel.spillStats().restoredObjects();
        assertArrayEquals(pattern(7), argument.get(WAIT));
        assertEquals(restored, kernel.spillStats().restoredObjects(), "read from the store: it was never spilled");

        filler = putFourStores(200);
        assertArrayEquals(pattern(7), argument.get(WAIT));
        assertEquals(restored + 1, kernel.spillStats().restoredObjects(), "unpinned, it was spilled and read back");
        assertEquals(filler.size(), filler.stream().filter(ObjectRef::isReady).count());
    }

    private List<ObjectRef<byte[]>> putFourStores(final int seed) {
        final List<ObjectRef<byte[]>> refs = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            refs.add(kernel.put(pattern(seed + i)));
        }
        return refs;
    }

    static byte[] patternInAProcess(final int seed) {
        return pattern(seed);
    }

    /** Results that worker processes put in the store, four stores' worth: spilled as the kernel's own, read back. */
    @Test
    void workerProcessResultsNeedingFourTimesTheStoreAreSpilledAndReadBack() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(dir)
            .workerProcesses(2));
        final List<ObjectRef<byte[]>> made = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            made.add(kernel.task(SpillTest::patternInAProcess, i).setIsolated(true).remote());
        }
        final List<ObjectRef<Integer>> sums = new ArrayList<>();
        for (final ObjectRef<byte[]> ref : made) {
            sums.add(kernel.task(SpillTest::checksum, ref).setIsolated(true).remote());
        }
        for (int i = 0; i < made.size(); i++) {
            assertEquals(checksum(pattern(i)), sums.get(i).get(WAIT), "task " + i);
            assertTrue(made.get(i).isStored(), "result " + i + " went by the store");
        }
        assertTrue(kernel.spillStats().spilledObjects() > 0, kernel.spillStats().toString());
        for (int i = 0; i < made.size(); i++) {
            assertArrayEquals(pattern(i), made.get(i).get(WAIT), "result " + i);
        }
        assertTrue(kernel.spillStats().restoredObjects() > 0, kernel.spillStats().toString());
    }

    @Test
    void aSpillDirectoryThatIsAFileStopsTheStartNamingIt() throws Exception {
        final Path file = Files.createFile(dir.resolve("not-a-directory"));
        final UncheckedIOException e = assertThrows(UncheckedIOException.class, () ->
            Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE).spillDirectory(file)));
        assertTrue(e.getMessage().startsWith("spill directory " + file + " cannot be prepared"), e.getMessage());
    }
}
