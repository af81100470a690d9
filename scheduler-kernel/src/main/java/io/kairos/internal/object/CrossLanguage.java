package io.kairos.internal.object;

import io.kairos.value.PythonValue;
import io.kairos.value.Tensor;
import io.kairos.store.ObjectId;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cross-language value format ({@code python/FORMAT.md}, type id {@value #TYPE_ID}): what Java and Python both
 * read. A value is a kind byte and its body, little-endian; offsets count from the start of the whole value (its
 * {@link ValueCodec} header), so a tensor's data lands 64-byte aligned in the store, nested ones too.
 *
 * <pre>
 * 0 NONE | 1 FALSE | 2 TRUE | 3 INT int64 | 4 FLOAT float64 | 5 BYTES u64 n, n bytes | 6 STR u64 n, n bytes UTF-8
 * 7 LIST u64 n, n values | 8 MAP u64 n, n (key, value) | 11 PICKLE u64 n, n bytes (Python to Python)
 * 9 TENSOR u8 dtype, u8 ndim, 6 zero bytes, int64 shape[ndim], int64 strides[ndim] (bytes), u64 nbytes,
 *          zero bytes to the next multiple of 64, the data
 * 10 REF   16-byte store object id, u64 length: a value in the shared store, read from there (kernel to Python)
 * </pre>
 *
 * Java writes null, Boolean, Byte/Short/Integer/Long, Float/Double, byte[], String, List, Map, {@link Tensor},
 * {@link PythonValue} and {@link StoreRef}; it reads back Long, Double, byte[], String, ArrayList, LinkedHashMap,
 * Tensor and PythonValue; a stored value that is a tensor is read in place ({@link #tensorInPlace}), a tensor
 * anywhere else is copied. Thread-safe (stateless).
 */
public final class CrossLanguage {
    /** The {@link ValueCodec} type id of a cross-language value. */
    public static final int TYPE_ID = 2;
    /** The type id of a Python pickle: Python to Python only. */
    public static final int PICKLE_TYPE_ID = 3;
    /** Where tensor data is aligned, from the start of the value. */
    public static final int ALIGNMENT = 64;

    static final byte NONE = 0;
    static final byte FALSE = 1;
    static final byte TRUE = 2;
    static final byte INT = 3;
    static final byte FLOAT = 4;
    static final byte BYTES = 5;
    static final byte STR = 6;
    static final byte LIST = 7;
    static final byte MAP = 8;
    static final byte TENSOR = 9;
    static final byte REF = 10;
    static final byte PICKLE = 11;
    private static final int MAX_DEPTH = 100;

    /** A value in the shared store, sent to Python by id (it reads it there, without a copy). */
    public record StoreRef(ObjectId id, long length) {
    }

    private CrossLanguage() {
    }

    /** Whether Java can write this value in the format (each element of a list or map too). */
    public static boolean writable(final Object v) {
        return writable(v, 0);
    }

    private static boolean writable(final Object v, final int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (v == null || v instanceof Boolean || v instanceof Byte || v instanceof Short || v instanceof Integer
            || v instanceof Long || v instanceof Float || v instanceof Double || v instanceof byte[]
            || v instanceof String || v instanceof Tensor || v instanceof PythonValue || v instanceof StoreRef) {
            return true;
        }
        if (v instanceof List) {
            for (final Object e : (List<?>) v) {
                if (!writable(e, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof Map) {
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!writable(e.getKey(), depth + 1) || !writable(e.getValue(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Where a value written at offset {@code at} ends. */
    public static long end(final Object v, final long at) {
        if (v == null || v instanceof Boolean) {
            return at + 1;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
            || v instanceof Float || v instanceof Double) {
            return at + 9;
        }
        if (v instanceof byte[]) {
            return at + 9 + ((byte[]) v).length;
        }
        if (v instanceof String) {
            return at + 9 + utf8Length((String) v);
        }
        if (v instanceof PythonValue) {
            return at + 9 + ((PythonValue) v).length();
        }
        if (v instanceof StoreRef) {
            return at + 1 + 16 + 8;
        }
        if (v instanceof Tensor) {
            final Tensor t = (Tensor) v;
            return dataOffset(at, t.shape().length) + t.data().remaining();
        }
        if (v instanceof List) {
            long end = at + 9;
            for (final Object e : (List<?>) v) {
                end = end(e, end);
            }
            return end;
        }
        if (v instanceof Map) {
            long end = at + 9;
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                end = end(e.getValue(), end(e.getKey(), end));
            }
            return end;
        }
        throw new IllegalArgumentException(v.getClass().getName() + " has no cross-language form (null, booleans, "
            + "numbers, byte[], String, List, Map, Tensor and PythonValue have)");
    }

    private static long dataOffset(final long at, final int ndim) {
        final long header = at + 9 + 16L * ndim + 8;  // kind, dtype, ndim, 6 zero bytes; shape, strides; nbytes
        return (header + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * Writes a value at out's position, which is offset {@code at} of the whole value; out must be little-endian.
     *
     * @return the offset where it ended
     */
    public static long write(final Object v, final ByteBuffer out, final long at) {
        if (v == null) {
            out.put(NONE);
            return at + 1;
        }
        if (v instanceof Boolean) {
            out.put((Boolean) v ? TRUE : FALSE);
            return at + 1;
        }
        if (v instanceof Float || v instanceof Double) {
            out.put(FLOAT).putDouble(((Number) v).doubleValue());
            return at + 9;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            out.put(INT).putLong(((Number) v).longValue());
            return at + 9;
        }
        if (v instanceof byte[]) {
            final byte[] b = (byte[]) v;
            out.put(BYTES).putLong(b.length).put(b);
            return at + 9 + b.length;
        }
        if (v instanceof String) {
            final byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
            out.put(STR).putLong(b.length).put(b);
            return at + 9 + b.length;
        }
        if (v instanceof PythonValue) {
            final byte[] b = ((PythonValue) v).pickle();
            out.put(PICKLE).putLong(b.length).put(b);
            return at + 9 + b.length;
        }
        if (v instanceof StoreRef) {
            final StoreRef r = (StoreRef) v;
            out.put(REF).put(r.id().toBytes()).putLong(r.length());
            return at + 25;
        }
        if (v instanceof Tensor) {
            return writeTensor((Tensor) v, out, at);
        }
        if (v instanceof List) {
            final List<?> list = (List<?>) v;
            out.put(LIST).putLong(list.size());
            long end = at + 9;
            for (final Object e : list) {
                end = write(e, out, end);
            }
            return end;
        }
        if (v instanceof Map) {
            final Map<?, ?> map = (Map<?, ?>) v;
            out.put(MAP).putLong(map.size());
            long end = at + 9;
            for (final Map.Entry<?, ?> e : map.entrySet()) {
                end = write(e.getValue(), out, write(e.getKey(), out, end));
            }
            return end;
        }
        throw new IllegalArgumentException(v.getClass().getName() + " has no cross-language form");
    }

    private static long writeTensor(final Tensor t, final ByteBuffer out, final long at) {
        final ByteBuffer data = t.data();
        final long nbytes = data.remaining();
        final long start = writeTensorHeader(t.dtype(), t.shape(), nbytes, out, at);
        out.put(data);
        return start + nbytes;
    }

    /** A tensor's kind, dtype, shape, C-order strides and nbytes, then zeros up to its data; returns the data's offset. */
    private static long writeTensorHeader(final Tensor.DType dtype, final long[] shape, final long nbytes,
                                          final ByteBuffer out, final long at) {
        out.put(TENSOR).put((byte) dtype.code()).put((byte) shape.length).put(new byte[6]);
        long stride = dtype.itemSize();
        final long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        for (final long d : shape) {
            out.putLong(d);
        }
        for (final long s : strides) {
            out.putLong(s);
        }
        out.putLong(nbytes);
        final long header = at + 9 + 16L * shape.length + 8;
        final long start = dataOffset(at, shape.length);
        for (long i = header; i < start; i++) {
            out.put((byte) 0);
        }
        return start;
    }

    /** The stored length of a tensor of this shape and size: the codec's header, the tensor's, then its data. */
    public static long storedTensorLength(final int ndim, final long nbytes) {
        return dataOffset(ValueCodec.HEADER, ndim) + nbytes;
    }

    /**
     * Writes a stored tensor's headers (the codec's, then the tensor's) at the start of the object's bytes, for a
     * writer that fills its data in place; returns where the data starts.
     */
    public static int writeStoredTensorHeader(final ByteBuffer object, final Tensor.DType dtype, final long[] shape,
                                              final long nbytes) {
        final ByteBuffer out = object.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        out.order(ByteOrder.nativeOrder()).putInt(0, TYPE_ID).putInt(4, 0).order(ByteOrder.LITTLE_ENDIAN);
        out.position(ValueCodec.HEADER);
        return (int) writeTensorHeader(dtype, shape, nbytes, out, ValueCodec.HEADER);
    }

    /**
     * Reads a value from in's position, which is offset {@code at} of the whole value.
     *
     * @throws IllegalStateException naming the offset and the field for a malformed value
     */
    public static Object read(final ByteBuffer in, final long at) {
        final ByteBuffer le = in.order(ByteOrder.LITTLE_ENDIAN);
        try {
            return read(le, at - le.position(), 0);
        } catch (final BufferUnderflowException e) {
            throw new IllegalStateException("malformed cross-language value: it ends early, at offset "
                + (at + le.limit() - in.position()), e);
        }
    }

    /** base: the value offset of in's position 0. */
    private static Object read(final ByteBuffer in, final long base, final int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed(in, base, "nesting deeper than " + MAX_DEPTH);
        }
        final byte kind = in.get();
        switch (kind) {
            case NONE:
                return null;
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case INT:
                return in.getLong();
            case FLOAT:
                return in.getDouble();
            case BYTES:
                return bytes(in, base, "bytes length");
            case STR:
                return new String(bytes(in, base, "string length"), StandardCharsets.UTF_8);
            case PICKLE:
                return new PythonValue(bytes(in, base, "pickle length"));
            case LIST: {
                final int n = count(in, base, "list length");
                final List<Object> list = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    list.add(read(in, base, depth + 1));
                }
                return list;
            }
            case MAP: {
                final int n = count(in, base, "map length");
                final Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    final Object key = read(in, base, depth + 1);
                    map.put(key, read(in, base, depth + 1));
                }
                return map;
            }
            case TENSOR:
                return readTensor(in, base, null);
            case REF:
                throw malformed(in, base, "a store reference (kind 10) is only sent to Python");
            default:
                throw malformed(in, base, "unknown kind " + kind);
        }
    }

    /** Whether a stored value (its {@link ValueCodec} header first, position 0) is a tensor at its top level. */
    static boolean isStoredTensor(final ByteBuffer stored) {
        return stored.remaining() > ValueCodec.HEADER
            && stored.order(ByteOrder.nativeOrder()).getInt(0) == TYPE_ID && stored.get(ValueCodec.HEADER) == TENSOR;
    }

    /**
     * A stored value that is a tensor ({@link #isStoredTensor}), read where it lies: a Tensor over the store's bytes
     * (no copy). The caller keeps the object pinned while the Tensor lives.
     *
     * @param stored  the whole stored value, its {@link ValueCodec} header first, position 0
     * @param onClose what the Tensor's close runs (it unpins the object)
     */
    static Tensor tensorInPlace(final ByteBuffer stored, final Runnable onClose) {
        final ByteBuffer in = stored.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        in.position(ValueCodec.HEADER + 1);
        try {
            final Tensor t = readTensor(in, 0, onClose);
            if (in.hasRemaining()) {
                throw malformed(in, 0, in.remaining() + " bytes left over after the value");
            }
            return t;
        } catch (final BufferUnderflowException e) {
            throw new IllegalStateException("malformed cross-language value: it ends early", e);
        }
    }

    /** inPlace non-null: the Tensor views in's bytes and its close runs inPlace; null: it holds a copy of them. */
    private static Tensor readTensor(final ByteBuffer in, final long base, final Runnable inPlace) {
        final long at = base + in.position() - 1;
        final int code = in.get() & 0xff;
        final Tensor.DType dtype;
        try {
            dtype = Tensor.DType.ofCode(code);
        } catch (final IllegalArgumentException e) {
            throw malformed(in, base, "tensor dtype " + code + " is not one of the format's 1..12");
        }
        final int ndim = in.get() & 0xff;
        if (ndim > Tensor.MAX_DIMENSIONS) {
            throw malformed(in, base, "tensor ndim " + ndim + " is more than " + Tensor.MAX_DIMENSIONS);
        }
        in.position(in.position() + 6);
        final long[] shape = new long[ndim];
        long elements = 1;
        for (int i = 0; i < ndim; i++) {
            shape[i] = in.getLong();
            if (shape[i] < 0) {
                throw malformed(in, base, "tensor shape[" + i + "] " + shape[i] + " is negative");
            }
            elements = Math.multiplyHigh(elements, shape[i]) != 0 ? -1 : elements * shape[i];
            if (elements < 0) {
                throw malformed(in, base, "tensor shape overflows");
            }
        }
        final long[] strides = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            strides[i] = in.getLong();
        }
        final long nbytes = in.getLong();
        if (elements > Long.MAX_VALUE / dtype.itemSize() || nbytes != elements * dtype.itemSize()) {
            throw malformed(in, base, "tensor nbytes " + nbytes + " does not match its shape of " + elements + " "
                + dtype + " elements");
        }
        long expected = dtype.itemSize();
        for (int i = ndim - 1; i >= 0; i--) {
            if (shape[i] > 1 && strides[i] != expected) {
                throw malformed(in, base, "tensor strides are not C-contiguous (strides[" + i + "] " + strides[i]
                    + ", expected " + expected + "): Java reads row-major tensors only");
            }
            expected *= shape[i];
        }
        final long start = dataOffset(at, ndim);
        final long skip = start - (base + in.position());
        if (skip < 0 || skip > in.remaining() || nbytes > in.remaining() - skip || nbytes > Integer.MAX_VALUE - 8) {
            throw malformed(in, base, "tensor data of " + nbytes + " bytes at offset " + start
                + " lies past the end of the value (or is larger than a Java buffer)");
        }
        in.position(in.position() + (int) skip);
        final ByteBuffer source = in.slice();
        source.limit((int) nbytes);
        in.position(in.position() + (int) nbytes);
        if (inPlace != null) {
            return Tensor.wrap(dtype, source, inPlace, shape);
        }
        final ByteBuffer copy = ByteBuffer.allocate((int) nbytes).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(source).flip();
        return Tensor.wrap(dtype, copy, shape);
    }

    private static byte[] bytes(final ByteBuffer in, final long base, final String field) {
        final byte[] b = new byte[count(in, base, field)];
        in.get(b);
        return b;
    }

    private static int count(final ByteBuffer in, final long base, final String field) {
        final long n = in.getLong();
        if (n < 0 || n > in.remaining()) {
            throw malformed(in, base, field + " " + Long.toUnsignedString(n) + " is more than the "
                + in.remaining() + " bytes left");
        }
        return (int) n;
    }

    private static IllegalStateException malformed(final ByteBuffer in, final long base, final String what) {
        return new IllegalStateException("malformed cross-language value at offset " + (base + in.position())
            + ": " + what);
    }

    private static int utf8Length(final String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;  // a lone surrogate: String.getBytes(UTF_8), which write() uses, writes '?' for it
            } else {
                n += 3;
            }
        }
        return n;
    }
}
