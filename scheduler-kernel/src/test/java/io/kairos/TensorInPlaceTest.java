package io.kairos;

import io.kairos.value.Tensor;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A get of a {@link Tensor} in the shared store reads it where it lies: no copy, the object pinned for as long as the
 * Tensor (or any buffer of it) lives, even past its ObjectRef and past the kernel's close.
 */
@Timeout(120)
class TensorInPlaceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int N = 2 << 20;  // 2 Mi floats: 8 MiB
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private static Tensor tensor(final int offset) {
        final float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = i + offset;
        }
        return Tensor.of(values);
    }

    private static double sum(final Tensor t) {
        final ByteBuffer data = t.data();
        double s = 0;
        for (int i = 0; i < N; i++) {
            s += data.getFloat(i * 4);
        }
        return s;
    }

    private static double expectedSum(final int offset) {
        return (double) N * (N - 1) / 2 + (double) offset * N;
    }

    @Test
    void aGetOfAStoredTensorReadsItInPlaceWithoutACopy() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final ObjectRef<Tensor> ref = kernel.put(tensor(0));
        assertTrue(ref.isStored());
        final Tensor a = ref.get(WAIT);
        final Tensor b = ref.get(WAIT);
        assertTrue(a.data().isDirect(), "the data is the store's memory, not a heap copy");
        assertTrue(a.data().isReadOnly());
        assertEquals(BufferUtil.address(a.data()), BufferUtil.address(b.data()), "two gets: the same bytes");
        assertEquals(0, BufferUtil.address(a.data()) % 64, "64-byte aligned");
        assertArrayEquals(new long[] {N}, a.shape());
        assertEquals(expectedSum(0), sum(a));
        assertEquals(tensor(0), a);
        // A task reading it as its argument reads the same memory.
        final long address = BufferUtil.address(a.data());
        assertEquals(address, kernel.task(TensorInPlaceTest::addressOf, ref).remote().get(WAIT));
    }

    static long addressOf(final Tensor t) {
        return BufferUtil.address(t.data());
    }

    @Test
    void theObjectStaysWhileATensorReadInPlaceLivesAndGoesAfterIt() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final long before = kernel.objectStoreStats().objects();
        ObjectRef<Tensor> viewed = kernel.put(tensor(1));
        ObjectRef<Tensor> control = kernel.put(tensor(2));
        assertEquals(before + 2, kernel.objectStoreStats().objects());
        Tensor view = viewed.get(WAIT);
        viewed = null;
        control = null;
        // The control object goes when its ref does; the viewed one's ref went as well, but its Tensor holds it.
        awaitGc(() -> kernel.objectStoreStats().objects() == before + 1, "the unviewed object freed");
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertEquals(before + 1, kernel.objectStoreStats().objects(), "the viewed object stays");
        assertEquals(expectedSum(1), sum(view), "and its bytes are intact");
        kernel.put(tensor(3));  // a new object in the freed room does not touch the viewed one
        assertEquals(expectedSum(1), sum(view));
        view = null;
        awaitGc(() -> kernel.objectStoreStats().objects() <= before + 1, "the viewed object freed with its Tensor");
    }

    @Test
    void aTensorReadInPlaceOutlivesTheKernelsCloseAndTheSegmentIsGone() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final Path segment = Path.of("/dev/shm", "kairos-" + kernel.objectStoreName());
        assertTrue(Files.exists(segment));
        final Tensor view = kernel.put(tensor(4)).get(WAIT);
        final List<ByteBuffer> floats = List.of(view.data());
        kernel.close();
        kernel = null;
        assertFalse(Files.exists(segment), "the segment's name goes at close, views or not");
        assertEquals(expectedSum(4), sum(view), "the mapping stays while the Tensor lives: no crash, same bytes");
        assertNotEquals(0, floats.get(0).getFloat(4));
    }

    @Test
    void closingATensorReadInPlaceLetsItsFreedObjectGoAtOnce() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final long before = kernel.objectStoreStats().objects();
        final ObjectRef<Tensor> ref = kernel.put(tensor(5));
        final Tensor view = ref.get(WAIT);
        ref.free();
        assertEquals(before + 1, kernel.objectStoreStats().objects(), "freed, but read in place: it stays");
        assertEquals(expectedSum(5), sum(view));
        view.close();
        assertEquals(before, kernel.objectStoreStats().objects(), "gone with the tensor's close, no GC needed");
        assertThrows(IllegalStateException.class, view::data, "a closed tensor is not read");
        view.close();  // idempotent
        try (Tensor heap = Tensor.of(new float[] {1, 2})) {
            assertEquals(2f, heap.data().getFloat(4), "a tensor that owns its data: close does nothing to it");
        }
    }

    @Test
    void aTensorWrittenInPlaceIsPublishedWithoutACopy() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final long before = kernel.objectStoreStats().objects();
        final ObjectRef<Tensor> ref;
        final long address;
        try (TensorWriter w = kernel.newTensor(Tensor.DType.FLOAT32, 1024, 2048)) {
            assertTrue(w.inPlace());
            final ByteBuffer data = w.data();
            assertEquals(1024 * 2048 * 4, data.remaining());
            address = BufferUtil.address(data);
            assertEquals(0, address % 64, "64-byte aligned");
            for (int i = 0; i < N; i++) {
                data.putFloat(i * 4, i);
            }
            ref = w.seal();
            assertThrows(IllegalStateException.class, w::data, "nothing is written after the seal");
        }
        assertTrue(ref.isStored());
        assertEquals(before + 1, kernel.objectStoreStats().objects());
        try (Tensor t = ref.get(WAIT)) {
            assertEquals(address, BufferUtil.address(t.data()), "the object is the bytes the writer filled");
            assertArrayEquals(new long[] {1024, 2048}, t.shape());
            assertEquals(expectedSum(0), sum(t));
        }
    }

    @Test
    void aTensorWriterClosedUnsealedGivesItsRoomBackAndBadShapesAreRefused() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final long used = kernel.objectStoreStats().bytesUsed();
        final TensorWriter w = kernel.newTensor(Tensor.DType.INT64, 1 << 20);
        assertTrue(kernel.objectStoreStats().bytesUsed() > used);
        w.close();
        assertEquals(used, kernel.objectStoreStats().bytesUsed(), "the room is back");
        assertThrows(IllegalStateException.class, w::seal);
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> kernel.newTensor(Tensor.DType.FLOAT32, 4, -1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        final IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
            () -> kernel.newTensor(Tensor.DType.FLOAT64, 1L << 40));
        assertTrue(huge.getMessage().contains("more than a tensor holds"), huge.getMessage());
    }

    @Test
    void aTensorWriterWithoutRoomInTheStoreFillsTheHeapInstead() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(4L << 20));
        try (TensorWriter w = kernel.newTensor(Tensor.DType.FLOAT32, N)) {  // 8 MiB: more than the store
            assertFalse(w.inPlace());
            final ByteBuffer data = w.data();
            for (int i = 0; i < N; i++) {
                data.putFloat(i * 4, i + 6);
            }
            assertEquals(expectedSum(6), sum(w.seal().get(WAIT)));
        }
    }

    private static void awaitGc(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting: " + what);
            System.gc();
            Thread.onSpinWait();
        }
    }
}
