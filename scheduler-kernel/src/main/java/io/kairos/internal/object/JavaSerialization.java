package io.kairos.internal.object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/** Java serialization to and from byte arrays, for values, task functions and throwables. */
public final class JavaSerialization {
    private JavaSerialization() {
    }

    /**
     * The value's serialized bytes.
     *
     * @throws UncheckedIOException naming the class if it cannot be serialized (a NotSerializableException inside)
     */
    public static byte[] toBytes(final Object value) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream output = new ObjectOutputStream(bytes)) {
            output.writeObject(value);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot serialize a " + value.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    /** A value's serialized bytes: the first length bytes of the array (not copied out of the stream's buffer). */
    public record Serialized(byte[] bytes, int length) {
    }

    /** The value serialized, as {@link #toBytes} but without the final copy to an array of the exact length. */
    public static Serialized toSerialized(final Object value) {
        final Exposed bytes = new Exposed();
        try (ObjectOutputStream output = new ObjectOutputStream(bytes)) {
            output.writeObject(value);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot serialize a " + value.getClass().getName() + ": " + e, e);
        }
        return new Serialized(bytes.array(), bytes.size());
    }

    /** A byte-array stream that hands out its buffer. */
    private static final class Exposed extends ByteArrayOutputStream {
        Exposed() {
            super(4096);
        }

        byte[] array() {
            return buf;
        }
    }

    /**
     * Reads a value back, resolving classes with the loader first (null: Java's default resolution).
     *
     * @throws UncheckedIOException if the bytes are not a serialized object
     * @throws IllegalStateException if a class is missing
     */
    public static Object fromBytes(final byte[] bytes, final ClassLoader loader) {
        return from(new ByteArrayInputStream(bytes), loader);
    }

    /**
     * Reads a value back from a buffer's remaining bytes, in place (no copy into an array first), as
     * {@link #fromBytes}. The buffer's position moves past what was read.
     */
    public static Object fromBuffer(final java.nio.ByteBuffer buffer, final ClassLoader loader) {
        return from(new java.io.InputStream() {
            @Override
            public int read() {
                return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
            }

            @Override
            public int read(final byte[] into, final int off, final int len) {
                if (len == 0) {
                    return 0;
                }
                if (!buffer.hasRemaining()) {
                    return -1;
                }
                final int n = Math.min(len, buffer.remaining());
                buffer.get(into, off, n);
                return n;
            }

            @Override
            public int available() {
                return buffer.remaining();
            }
        }, loader);
    }

    private static Object from(final java.io.InputStream in, final ClassLoader loader) {
        try (ObjectInputStream input = new ObjectInputStream(in) {
            @Override
            protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                if (loader != null) {
                    try {
                        return Class.forName(desc.getName(), false, loader);
                    } catch (final ClassNotFoundException e) {
                        // fall back to the default resolution
                    }
                }
                return super.resolveClass(desc);
            }
        }) {
            return input.readObject();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot deserialize an object: " + e, e);
        } catch (final ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialize an object: class " + e.getMessage() + " is missing", e);
        }
    }
}
