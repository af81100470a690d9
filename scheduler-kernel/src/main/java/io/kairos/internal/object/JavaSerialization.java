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

    /**
     * Reads a value back, resolving classes with the loader first (null: Java's default resolution).
     *
     * @throws UncheckedIOException if the bytes are not a serialized object
     * @throws IllegalStateException if a class is missing
     */
    public static Object fromBytes(final byte[] bytes, final ClassLoader loader) {
        try (ObjectInputStream input = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
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
