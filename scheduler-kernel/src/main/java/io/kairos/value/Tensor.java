package io.kairos.value;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array of numbers that Java and Python both read: put it with {@link io.kairos.Kernel#put} (or return it from
 * a task) and a Python process reads it as a {@code numpy.ndarray} viewing the shared store, with no copy; a NumPy
 * array a Python task returns comes back to Java as a Tensor. The cross-language format is {@code python/FORMAT.md}:
 * dtype, shape, strides, and the data little-endian, 64-byte aligned in the store.
 *
 * <p>A Tensor holds its data in a little-endian {@link ByteBuffer}, C-contiguous (row-major). The factories copy an
 * array once ({@link #of(float[], long...)}); {@link #wrap} takes a buffer as it is. Immutable once made: the buffer
 * {@link #data()} returns is a read-only view. Thread-safe.
 *
 * <p>A get of a stored Tensor reads it where it lies, in the shared store (no copy): the object stays pinned while the
 * Tensor, or any buffer of it, is reachable; {@link #close} lets it go sooner ({@code try (Tensor t = ref.get())}).
 */
public final class Tensor implements AutoCloseable {
    /** The element types of the format, with their codes and sizes. */
    public enum DType {
        /** Booleans, one byte each (0 or 1): NumPy's bool. */
        BOOL(1, 1),
        /** Signed bytes: Java's byte. */
        INT8(2, 1),
        /** Unsigned bytes. */
        UINT8(3, 1),
        /** Signed 16-bit integers: Java's short. */
        INT16(4, 2),
        /** Unsigned 16-bit integers. */
        UINT16(5, 2),
        /** Signed 32-bit integers: Java's int. */
        INT32(6, 4),
        /** Unsigned 32-bit integers. */
        UINT32(7, 4),
        /** Signed 64-bit integers: Java's long. */
        INT64(8, 8),
        /** Unsigned 64-bit integers. */
        UINT64(9, 8),
        /** IEEE half-precision floats. */
        FLOAT16(10, 2),
        /** IEEE single-precision floats: Java's float. */
        FLOAT32(11, 4),
        /** IEEE double-precision floats: Java's double. */
        FLOAT64(12, 8);

        private final int code;
        private final int itemSize;

        DType(final int code, final int itemSize) {
            this.code = code;
            this.itemSize = itemSize;
        }

        /**
         * The format's code of this type.
         *
         * @return 1 to 12
         */
        public int code() {
            return code;
        }

        /**
         * The size of one element.
         *
         * @return bytes per element
         */
        public int itemSize() {
            return itemSize;
        }

        /**
         * The type of a code.
         *
         * @param code a code of the format
         * @return the type
         * @throws IllegalArgumentException for a code the format does not have
         */
        public static DType ofCode(final int code) {
            for (final DType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("dtype code " + code + " is not one of the format's 1..12");
        }
    }

    /** Dimensions a tensor may have, as in NumPy. */
    public static final int MAX_DIMENSIONS = 32;

    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;
    /** Runs once, at the first close; null: close does nothing. */
    private final Runnable onClose;
    private volatile boolean closed;

    private Tensor(final DType dtype, final long[] shape, final ByteBuffer data, final Runnable onClose) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.onClose = onClose;
    }

    /**
     * A tensor over a buffer, without a copy: its bytes from position to limit are the elements, little-endian,
     * row-major. The caller must not change them afterwards.
     *
     * @param dtype the element type, not null
     * @param data  the elements, exactly {@code product(shape) * dtype.itemSize()} bytes remaining
     * @param shape the dimensions, each &gt;= 0, at most {@value #MAX_DIMENSIONS} of them (none: a scalar)
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative, there are too many, or the size does not match
     */
    public static Tensor wrap(final DType dtype, final ByteBuffer data, final long... shape) {
        return wrap(dtype, data, null, shape);
    }

    /**
     * A tensor over memory someone else lends, without a copy: as {@link #wrap(DType, ByteBuffer, long...)}, and
     * {@link #close} runs onClose once (the lender takes its memory back; the tensor is unreadable from then on).
     *
     * @param dtype   the element type, not null
     * @param data    the elements, exactly {@code product(shape) * dtype.itemSize()} bytes remaining
     * @param onClose what the first close runs, or null for nothing
     * @param shape   the dimensions, each &gt;= 0, at most {@value #MAX_DIMENSIONS} of them (none: a scalar)
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative, there are too many, or the size does not match
     */
    public static Tensor wrap(final DType dtype, final ByteBuffer data, final Runnable onClose, final long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        final long[] dims = checkShape(shape);
        final long expected = elements(dims) * dtype.itemSize;
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("data has " + data.remaining() + " bytes; shape "
                + Arrays.toString(dims) + " of " + dtype + " needs " + expected);
        }
        return new Tensor(dtype, dims, data.slice().order(ByteOrder.LITTLE_ENDIAN), onClose);
    }

    /**
     * A FLOAT32 tensor holding a copy of values.
     *
     * @param values the elements, row-major
     * @param shape  the dimensions (none given: one dimension of values.length)
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not hold exactly values.length elements
     */
    public static Tensor of(final float[] values, final long... shape) {
        final ByteBuffer b = allocate(values.length, DType.FLOAT32, shape);
        b.asFloatBuffer().put(values);
        return wrap(DType.FLOAT32, b, dims(values.length, shape));
    }

    /**
     * A FLOAT64 tensor holding a copy of values.
     *
     * @param values the elements, row-major
     * @param shape  the dimensions (none given: one dimension of values.length)
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not hold exactly values.length elements
     */
    public static Tensor of(final double[] values, final long... shape) {
        final ByteBuffer b = allocate(values.length, DType.FLOAT64, shape);
        b.asDoubleBuffer().put(values);
        return wrap(DType.FLOAT64, b, dims(values.length, shape));
    }

    /**
     * An INT64 tensor holding a copy of values.
     *
     * @param values the elements, row-major
     * @param shape  the dimensions (none given: one dimension of values.length)
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not hold exactly values.length elements
     */
    public static Tensor of(final long[] values, final long... shape) {
        final ByteBuffer b = allocate(values.length, DType.INT64, shape);
        b.asLongBuffer().put(values);
        return wrap(DType.INT64, b, dims(values.length, shape));
    }

    /**
     * An INT32 tensor holding a copy of values.
     *
     * @param values the elements, row-major
     * @param shape  the dimensions (none given: one dimension of values.length)
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not hold exactly values.length elements
     */
    public static Tensor of(final int[] values, final long... shape) {
        final ByteBuffer b = allocate(values.length, DType.INT32, shape);
        b.asIntBuffer().put(values);
        return wrap(DType.INT32, b, dims(values.length, shape));
    }

    /**
     * An INT8 tensor holding a copy of values.
     *
     * @param values the elements, row-major
     * @param shape  the dimensions (none given: one dimension of values.length)
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not hold exactly values.length elements
     */
    public static Tensor of(final byte[] values, final long... shape) {
        final ByteBuffer b = allocate(values.length, DType.INT8, shape);
        b.put(values).flip();
        return wrap(DType.INT8, b, dims(values.length, shape));
    }

    /**
     * The bytes a tensor of this type and shape holds, the shape checked as {@link #wrap} checks it.
     *
     * @param dtype the element type, not null
     * @param shape the dimensions, each &gt;= 0, at most {@value #MAX_DIMENSIONS} of them
     * @return product(shape) * dtype.itemSize()
     * @throws IllegalArgumentException if a dimension is negative, there are too many, or the size overflows a long
     */
    public static long byteSize(final DType dtype, final long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        final long elements;
        try {
            elements = elements(checkShape(shape));
        } catch (final ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than " + Long.MAX_VALUE
                + " elements");
        }
        if (elements > Long.MAX_VALUE / dtype.itemSize) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " is more than "
                + Long.MAX_VALUE + " bytes");
        }
        return elements * dtype.itemSize;
    }

    private static long[] dims(final int length, final long[] shape) {
        return shape.length == 0 ? new long[] {length} : shape;
    }

    private static ByteBuffer allocate(final int length, final DType dtype, final long[] shape) {
        final long[] dims = checkShape(dims(length, shape));
        if (elements(dims) != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " holds " + elements(dims)
                + " elements, not " + length);
        }
        return ByteBuffer.allocate(Math.multiplyExact(length, dtype.itemSize)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[] checkShape(final long[] shape) {
        Objects.requireNonNull(shape, "shape");
        if (shape.length > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("shape has " + shape.length + " dimensions, more than "
                + MAX_DIMENSIONS);
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape[" + i + "] is " + shape[i] + ", negative");
            }
        }
        return shape.clone();
    }

    private static long elements(final long[] shape) {
        long n = 1;
        for (final long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The element type.
     *
     * @return the type
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The dimensions.
     *
     * @return a copy of the shape (empty for a scalar)
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements.
     *
     * @return the product of the dimensions (1 for a scalar)
     */
    public long size() {
        return elements(shape);
    }

    /**
     * The elements' bytes.
     *
     * @return a read-only little-endian view of them, position 0
     */
    public ByteBuffer data() {
        if (closed) {
            throw new IllegalStateException("the tensor is closed: its memory went back to where it was lent from");
        }
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Gives lent memory back now: for a tensor read in place from the shared store, its object is unpinned (and freed,
     * if its ref is gone or freed), instead of when the Tensor is collected. The Tensor is unreadable afterwards
     * ({@link #data()} throws), and a buffer taken from it before must not be read either: it may hold another object's
     * bytes by then (never an unmapped page: the store's memory stays mapped while any buffer of it is reachable).
     * Nothing for a tensor that owns its data. Idempotent.
     */
    @Override
    public void close() {
        if (onClose == null || closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
    }

    /**
     * The elements as floats.
     *
     * @return a new array
     * @throws IllegalStateException if the dtype is not FLOAT32
     */
    public float[] toFloatArray() {
        final float[] out = new float[elementCount(DType.FLOAT32)];
        data().asFloatBuffer().get(out);
        return out;
    }

    /**
     * The elements as doubles.
     *
     * @return a new array
     * @throws IllegalStateException if the dtype is not FLOAT64
     */
    public double[] toDoubleArray() {
        final double[] out = new double[elementCount(DType.FLOAT64)];
        data().asDoubleBuffer().get(out);
        return out;
    }

    /**
     * The elements as longs.
     *
     * @return a new array
     * @throws IllegalStateException if the dtype is not INT64
     */
    public long[] toLongArray() {
        final long[] out = new long[elementCount(DType.INT64)];
        data().asLongBuffer().get(out);
        return out;
    }

    /**
     * The elements as ints.
     *
     * @return a new array
     * @throws IllegalStateException if the dtype is not INT32
     */
    public int[] toIntArray() {
        final int[] out = new int[elementCount(DType.INT32)];
        data().asIntBuffer().get(out);
        return out;
    }

    private int elementCount(final DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("the tensor holds " + dtype + ", not " + wanted);
        }
        final long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the tensor has " + n + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Tensor && ((Tensor) o).dtype == dtype && Arrays.equals(((Tensor) o).shape, shape)
            && ((Tensor) o).data.equals(data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + ", shape " + Arrays.toString(shape) + ")";
    }
}
