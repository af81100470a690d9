package io.kairos;

import io.kairos.spi.serialization.Serializer;
import io.kairos.store.StoreStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LargeObjectTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MIB = 1 << 20;

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static byte[] pattern(final int size, final int seed) {
        final byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    static byte[] makeBytes(final int size) {
        return pattern(size, 7);
    }

    static long checksum(final byte[] bytes) {
        long sum = 0;
        for (final byte b : bytes) {
            sum = sum * 31 + b;
        }
        return sum;
    }

    @Test
    void aLargePutLivesInTheSharedStoreAndReadsBackEqual() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final byte[] bytes = pattern(2 * MIB, 3);
        final ObjectRef<byte[]> ref = kernel.put(bytes);
        final StoreStats stats = kernel.objectStoreStats();
        assertEquals(1, stats.objects());
        assertEquals(1, stats.pinnedObjects(), "pinned by the kernel while the ref lives");
        assertTrue(stats.bytesUsed() >= 2L * MIB);
        assertArrayEquals(bytes, ref.get());
        assertEquals(checksum(bytes), kernel.task(LargeObjectTest::checksum, ref).remote().get(WAIT));
    }

    @Test
    void smallValuesStayInline() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        assertFalse(kernel.put(new byte[1000]).isStored());
        assertFalse(kernel.put("small").isStored());
        assertFalse(kernel.put(42L).isStored());
        assertEquals(0, kernel.objectStoreStats().objects());
        assertTrue(kernel.put(new byte[2 * MIB]).isStored(), "a large value goes to the store");
    }

    @Test
    void aLargeTaskResultGoesToTheStoreAndFeedsTheNextTask() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<byte[]> big = kernel.task(LargeObjectTest::makeBytes, 3 * MIB).remote();
        final ObjectRef<Long> sum = kernel.task(LargeObjectTest::checksum, big).remote();
        assertEquals(checksum(pattern(3 * MIB, 7)), sum.get(WAIT));
        assertEquals(1, kernel.objectStoreStats().sealedObjects());
        assertTrue(big.isStored());
        assertFalse(sum.isStored());
    }

    @Test
    void stringsBuffersAndSerializablesRoundTrip() {
        kernel = Kernel.start(new KernelContext().cpus(2).inlineThresholdBytes(16));
        final String text = "Kairos ".repeat(100);
        assertEquals(text, kernel.put(text).get());
        final ByteBuffer buffer = ByteBuffer.wrap(pattern(4096, 1));
        assertEquals(buffer, kernel.put(buffer).get());
        final ArrayList<Integer> list = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals(list, kernel.put(list).get());
        assertEquals(3, kernel.objectStoreStats().objects());
    }

    @Test
    void anUnreachableStoredObjectIsFreed() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        ObjectRef<byte[]> ref = kernel.put(pattern(MIB, 5));
        assertEquals(1, kernel.objectStoreStats().objects());
        ref = null;
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (kernel.objectStoreStats().objects() != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.yield();
        }
        assertNull(ref);
        assertEquals(0, kernel.objectStoreStats().objects(), "freed once no ObjectRef reaches it");
        assertEquals(0, kernel.objectStoreStats().bytesUsed());
    }

    /** A plugin serializer for a type of its own. */
    record Point(int x, int y) {
    }

    static final class PointSerializer implements Serializer {
        @Override
        public int typeId() {
            return FIRST_PLUGIN_TYPE_ID;
        }

        @Override
        public boolean supports(final Object value) {
            return value instanceof Point[];
        }

        @Override
        public long serializedSize(final Object value) {
            return 4L + 8L * ((Point[]) value).length;
        }

        @Override
        public void write(final Object value, final ByteBuffer out) {
            final Point[] points = (Point[]) value;
            out.putInt(points.length);
            for (final Point p : points) {
                out.putInt(p.x()).putInt(p.y());
            }
        }

        @Override
        public Object read(final ByteBuffer in) {
            final Point[] points = new Point[in.getInt()];
            for (int i = 0; i < points.length; i++) {
                points[i] = new Point(in.getInt(), in.getInt());
            }
            return points;
        }
    }

    @Test
    void aPluginSerializerIsUsedForItsType() {
        kernel = Kernel.start(new KernelContext().cpus(2).inlineThresholdBytes(64).serializer(new PointSerializer()));
        final Point[] points = new Point[100];
        Arrays.setAll(points, i -> new Point(i, -i));
        assertArrayEquals(points, kernel.put(points).get());
        assertEquals(1, kernel.objectStoreStats().objects());
    }

    @Test
    void withoutAStoreEverythingStaysOnTheHeap() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(0));
        assertArrayEquals(pattern(MIB, 2), kernel.put(pattern(MIB, 2)).get());
        assertNull(kernel.objectStoreStats());
    }
}
