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

/** Objects that need more than the store holds are spilled to files, read back on get, and their files deleted. */
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

    @Test
    void aSpillDirectoryThatIsAFileStopsTheStartNamingIt() throws Exception {
        final Path file = Files.createFile(dir.resolve("not-a-directory"));
        final UncheckedIOException e = assertThrows(UncheckedIOException.class, () ->
            Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE).spillDirectory(file)));
        assertTrue(e.getMessage().startsWith("spill directory " + file + " cannot be prepared"), e.getMessage());
    }
}
