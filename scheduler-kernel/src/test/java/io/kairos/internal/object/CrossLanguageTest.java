package io.kairos.internal.object;

import io.kairos.value.PythonValue;
import io.kairos.value.Tensor;
import io.kairos.store.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cross-language format (python/FORMAT.md) on the Java side: layout, round trips, and malformed input. */
class CrossLanguageTest {
    private final ValueCodec codec = new ValueCodec(List.of());

    private static byte[] encode(final Object value) {
        final long end = CrossLanguage.end(value, ValueCodec.HEADER);
        final ByteBuffer b = ByteBuffer.allocate((int) end).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(CrossLanguage.TYPE_ID).putInt(0);
        assertEquals(end, CrossLanguage.write(value, b, ValueCodec.HEADER));
        assertFalse(b.hasRemaining(), "end() and write() agree on the length");
        return b.array();
    }

    private Object decode(final byte[] bytes) {
        return codec.decode(ByteBuffer.wrap(bytes));
    }

    @Test
    void scalarsStringsAndBytesHaveTheDocumentedBytes() {
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0}, encode(null));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 2}, encode(true));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 3, 5, 0, 0, 0, 0, 0, 0, 0}, encode(5));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 6, 2, 0, 0, 0, 0, 0, 0, 0, 'h', 'i'}, encode("hi"));
        final byte[] f = encode(1.5f);
        assertEquals(4, f[8]);
        assertEquals(1.5, ByteBuffer.wrap(f, 9, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
    }

    @Test
    void valuesComeBackAsJavaValues() {
        final Map<Object, Object> map = new LinkedHashMap<>();
        map.put("a", List.of(1L, 2.5, "x"));
        map.put(7L, null);
        map.put(true, new byte[] {1, 2});
        @SuppressWarnings("unchecked")
        final Map<Object, Object> back = (Map<Object, Object>) decode(encode(map));
        assertEquals(List.of(1L, 2.5, "x"), back.get("a"));
        assertTrue(back.containsKey(7L) && back.get(7L) == null);
        assertArrayEquals(new byte[] {1, 2}, (byte[]) back.get(true));
        assertEquals(List.of("a", 7L, true), new ArrayList<>(back.keySet()), "order kept");
        assertEquals(new PythonValue(new byte[] {(byte) 0x80, 5, 'N', '.'}),
            ((List<?>) decode(encode(List.of(new PythonValue(new byte[] {(byte) 0x80, 5, 'N', '.'}))))).get(0));
    }

    @Test
    void tensorDataIsAlignedTo64BytesFromTheValueStartAtAnyDepth() {
        final Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        for (final Object value : List.of(t, List.of("pad", t), List.of(1L, List.of(t, "x", t)))) {
            final byte[] bytes = encode(value);
            final List<Integer> starts = new ArrayList<>();
            findTensors(bytes, starts);
            assertFalse(starts.isEmpty());
            for (final int start : starts) {
                assertEquals(0, start % 64, "data at offset " + start + " in " + value);
            }
            assertEquals(value, decode(bytes));
        }
        final Tensor back = (Tensor) decode(encode(t));
        assertEquals(t, back);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.toFloatArray());
        assertArrayEquals(new long[] {2, 3}, back.shape());
    }

    /** The data offsets of the FLOAT32 tensors of values 1..6 in bytes (found by their first element, 1.0f). */
    private static void findTensors(final byte[] bytes, final List<Integer> starts) {
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 24 <= bytes.length; i++) {
            if (b.getFloat(i) == 1f && b.getFloat(i + 4) == 2f && b.getFloat(i + 20) == 6f) {
                starts.add(i);
            }
        }
    }

    @Test
    void everyDtypeAndShapeRoundTrips() {
        for (final Tensor.DType dtype : Tensor.DType.values()) {
            for (final long[] shape : new long[][] {{}, {0}, {3}, {2, 0, 4}, {2, 3, 4}}) {
                long n = 1;
                for (final long d : shape) {
                    n *= d;
                }
                final ByteBuffer data = ByteBuffer.allocate((int) n * dtype.itemSize());
                for (int i = 0; i < data.capacity(); i++) {
                    data.put(i, (byte) (i * 31 + dtype.code()));
                }
                final Tensor t = Tensor.wrap(dtype, data, shape);
                assertEquals(t, decode(encode(t)), dtype + " " + Arrays.toString(shape));
            }
        }
    }

    @Test
    void seededRandomValuesRoundTrip() {
        final long seed = 20261207L;
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            final Object value = randomValue(random, 0);
            final Object back = decode(encode(value));
            assertEquals(normalize(value), normalize(back), "seed " + seed + ", value " + i);
        }
    }

    private static Object randomValue(final SplittableRandom r, final int depth) {
        switch (r.nextInt(depth > 3 ? 6 : 9)) {
            case 0: return null;
            case 1: return r.nextBoolean();
            case 2: return r.nextLong();
            case 3: return r.nextDouble();
            case 4: return "s" + r.nextInt(1000) + "\u00e9\u4e2d";
            case 5: {
                final byte[] b = new byte[r.nextInt(20)];
                r.nextBytes(b);
                return b;
            }
            case 6: {
                final List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    list.add(randomValue(r, depth + 1));
                }
                return list;
            }
            case 7: {
                final Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    map.put("k" + r.nextInt(100), randomValue(r, depth + 1));
                }
                return map;
            }
            default: {
                final double[] values = new double[r.nextInt(10)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextDouble();
                }
                return Tensor.of(values);
            }
        }
    }

    /** byte[] compared by content. */
    private static Object normalize(final Object v) {
        if (v instanceof byte[]) {
            return "bytes" + Arrays.toString((byte[]) v);
        }
        if (v instanceof List) {
            final List<Object> out = new ArrayList<>();
            for (final Object e : (List<?>) v) {
                out.add(normalize(e));
            }
            return out;
        }
        if (v instanceof Map) {
            final Map<Object, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) v).forEach((k, e) -> out.put(normalize(k), normalize(e)));
            return out;
        }
        return v;
    }

    @Test
    void stringsOfEveryUtf8LengthAreSizedAsTheyAreWritten() {
        // 1, 2, 3 and 4 bytes a character, and lone surrogates (which UTF-8 encoding replaces with '?')
        for (final String s : List.of("a", "\u00e9", "\u4e2d", "\ud83d\ude00", "x\ud83dy", "\ude00", "end\ud83d")) {
            final byte[] bytes = encode(s);  // end() and write() must agree: encode() checks it
            assertEquals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), decode(bytes), s);
        }
        assertEquals("x?y", decode(encode("x\ud83dy")));
    }

    @Test
    void malformedValuesAreClearErrorsNamingTheOffset() {
        final byte[] ok = encode(List.of("abc", Tensor.of(new long[] {1, 2})));
        expectMalformed(Arrays.copyOf(ok, ok.length - 1), "tensor data of 16 bytes at offset 64 lies past the end");
        expectMalformed(Arrays.copyOf(encode("abc"), 15), "ends early");
        final byte[] unknownKind = {2, 0, 0, 0, 0, 0, 0, 0, 42};
        expectMalformed(unknownKind, "at offset 9: unknown kind 42");
        final byte[] longString = {2, 0, 0, 0, 0, 0, 0, 0, 6, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 'a'};
        expectMalformed(longString, "string length 65535 is more than the 1 bytes left");
        final byte[] trailing = Arrays.copyOf(encode(5), 18);
        expectMalformed(trailing, "1 bytes left over after the value");
        final byte[] tensor = encode(Tensor.of(new long[] {1, 2}));
        final byte[] badDtype = tensor.clone();
        badDtype[9] = 99;
        expectMalformed(badDtype, "tensor dtype 99 is not one of the format's 1..12");
        final byte[] badBytes = tensor.clone();
        ByteBuffer.wrap(badBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(8 + 9 + 16, 99);  // nbytes
        expectMalformed(badBytes, "tensor nbytes 99 does not match its shape of 2 INT64 elements");
        final byte[] ref = encode(new CrossLanguage.StoreRef(ObjectId.of(1, 2), 10));
        expectMalformed(ref, "a store reference (kind 10) is only sent to Python");
        final byte[] deep = new byte[8 + 9 * 200 + 1];
        final ByteBuffer d = ByteBuffer.wrap(deep).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(0);
        for (int i = 0; i < 200; i++) {
            d.put(CrossLanguage.LIST).putLong(1);
        }
        expectMalformed(deep, "nesting deeper than 100");
    }

    private void expectMalformed(final byte[] bytes, final String part) {
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> decode(bytes));
        assertTrue(e.getMessage().startsWith("malformed cross-language value") && e.getMessage().contains(part),
            e.getMessage());
    }

    @Test
    void javaValuesWithoutACrossLanguageFormAreNamed() {
        assertFalse(CrossLanguage.writable(new Object()));
        assertFalse(CrossLanguage.writable(List.of(1, new Object())));
        assertTrue(CrossLanguage.writable(Map.of("a", List.of(1, 2.0, "x", new byte[0]))));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CrossLanguage.end(new StringBuilder(), 8));
        assertTrue(e.getMessage().startsWith("java.lang.StringBuilder has no cross-language form"), e.getMessage());
    }

    @Test
    void tensorsAndPythonValuesGoThroughTheCodecWithTheirTypeIds() {
        final Tensor t = Tensor.of(new int[] {1, 2, 3});
        final byte[] bytes = codec.encode(t, "t");
        assertEquals(CrossLanguage.TYPE_ID, ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(0));
        assertEquals(t, codec.decode(ByteBuffer.wrap(bytes)));
        final PythonValue p = new PythonValue(new byte[] {(byte) 0x80, 5, 'K', 1, '.'});
        final byte[] pickled = codec.encode(p, "p");
        assertEquals(CrossLanguage.PICKLE_TYPE_ID, ByteBuffer.wrap(pickled).order(ByteOrder.nativeOrder()).getInt(0));
        assertEquals(p, codec.decode(ByteBuffer.wrap(pickled)));
        assertInstanceOf(String.class, codec.decode(ByteBuffer.wrap(codec.encode("plain", "s"))),
            "other Java values keep the built-in serializer");
    }
}
