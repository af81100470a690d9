package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocks of every row kind the block encoding writes directly read back equal, of the announced size; blocks with
 * another row kind are left to Java serialization; a kernel finds the encoding and uses it for stored blocks.
 */
@Timeout(60)
class BlockSerializerTest {
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private static Block block(final Object... rows) {
        final Block b = new Block(rows.length);
        b.addAll(Arrays.asList(rows));
        return b;
    }

    @Test
    void everyKindRoundTripsInTheAnnouncedSize() {
        final BlockSerializer s = new BlockSerializer();
        final Block in = block(null, 42L, -7, 2.5, 1.25f, true, false, "", "héllo wörld ✓ 𝄞",
            new byte[] {1, -2, 3}, new float[] {1.5f, -0f, Float.NaN}, new double[] {Math.PI, Double.MIN_VALUE},
            new long[] {Long.MIN_VALUE, 3}, new int[] {}, new Image("a/b.png", 2, 1, new byte[] {1, 2, 3, 4, 5, 6}),
            new Image(null, 1, 1, new byte[3]));
        assertTrue(s.supports(in));
        final long size = s.serializedSize(in);
        final ByteBuffer buffer = ByteBuffer.allocate((int) size);
        s.write(in, buffer);
        assertEquals(size, buffer.position(), "wrote exactly the announced bytes");
        buffer.flip();
        final Object out = s.read(buffer.asReadOnlyBuffer());
        assertInstanceOf(Block.class, out);
        final List<?> rows = (List<?>) out;
        assertEquals(in.size(), rows.size());
        for (int i = 0; i < in.size(); i++) {
            final Object a = in.get(i);
            final Object b = rows.get(i);
            if (a instanceof float[]) {
                assertArrayEquals((float[]) a, (float[]) b);
            } else if (a instanceof double[]) {
                assertArrayEquals((double[]) a, (double[]) b);
            } else if (a instanceof long[]) {
                assertArrayEquals((long[]) a, (long[]) b);
            } else if (a instanceof int[]) {
                assertArrayEquals((int[]) a, (int[]) b);
            } else if (a instanceof byte[]) {
                assertArrayEquals((byte[]) a, (byte[]) b);
            } else {
                assertEquals(a, b, "row " + i);
            }
        }
    }

    @Test
    void otherRowsAndOtherListsAreLeftToJavaSerialization() {
        final BlockSerializer s = new BlockSerializer();
        assertFalse(s.supports(block(1L, Map.of("a", 1))), "a map row");
        assertFalse(s.supports(new ArrayList<>(List.of(1L, 2L))), "a list that is not a block");
        assertFalse(s.supports("text"));
        assertTrue(s.supports(block()), "an empty block");
    }

    @Test
    void aKernelStoresBlocksThroughItAndDatasetsReadThemBack() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final List<float[]> rows = Dataset.range(kernel, 2_000, 250).map(i -> {
            final float[] v = new float[1_000];
            Arrays.fill(v, i);
            return v;
        }).mapBatches(() -> batch -> batch, ActorPool.of(1, 1), 50).preserveOrder(true).takeAll();
        assertEquals(2_000, rows.size());
        for (int i = 0; i < rows.size(); i += 97) {
            assertEquals(i, rows.get(i)[999]);
        }
        final SplittableRandom random = new SplittableRandom(1);
        final List<Long> numbers = random.longs(30_000).boxed().collect(Collectors.toList());
        assertEquals(numbers, Dataset.from(kernel, numbers, 20_000).map(x -> x).preserveOrder(true).takeAll());
        final Block stored = block(new float[100_000]);
        final io.kairos.ObjectRef<Block> ref = kernel.put(stored);
        assertTrue(ref.isStored(), "a large block goes to the store");
        assertEquals(new BlockSerializer().serializedSize(stored) + 8, ref.storedBytes(),
            "in the block encoding (its size, after the store's 8-byte header), not Java serialization's");
        assertEquals(BlockSerializer.TYPE_ID, new BlockSerializer().typeId());
    }
}
