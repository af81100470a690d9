package io.kairos;

import io.kairos.exception.ObjectLostException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A lost object made by a task is made again by running its task again, recursively through lost arguments. */
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
