package io.kairos.internal.object;

import io.kairos.spi.serialization.Serializer;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The built-in serializer: {@code byte[]} and {@link ByteBuffer} as their raw bytes (one copy into the store, none
 * on the way), {@link String} as UTF-8, boxed primitives, and anything {@link Serializable} through Java
 * serialization. Type ids 1-12; the first byte of the payload is the kind.
 */
public final class DefaultSerializer implements Serializer {
    public static final int TYPE_ID = 1;

    private static final byte BYTES = 1;
    private static final byte BUFFER = 2;
    private static final byte STRING = 3;
    private static final byte LONG = 4;
    private static final byte INT = 5;
    private static final byte DOUBLE = 6;
    private static final byte JAVA = 7;

    @Override
    public int typeId() {
        return TYPE_ID;
    }

    @Override
    public boolean supports(final Object value) {
        return value instanceof byte[] || value instanceof ByteBuffer || value instanceof String
            || value instanceof Long || value instanceof Integer || value instanceof Double
            || value instanceof Serializable;
    }

    /**
     * The value as this serializer will write it: anything that needs Java serialization is serialized here, once,
     * so that sizing and writing it do not each serialize it.
     */
    public static Object prepare(final Object value) {
        final boolean raw = value instanceof byte[] || value instanceof ByteBuffer || value instanceof String
            || value instanceof Long || value instanceof Integer || value instanceof Double;
        return raw ? value : JavaSerialization.toSerialized(value);
    }


    @Override
    public long serializedSize(final Object value) {
        if (value instanceof byte[]) {
            return 1L + ((byte[]) value).length;
        }
        if (value instanceof ByteBuffer) {
            return 1L + ((ByteBuffer) value).remaining();
        }
        if (value instanceof String) {
            return 1L + ((String) value).getBytes(StandardCharsets.UTF_8).length;
        }
        if (value instanceof Long || value instanceof Double) {
            return 9;
        }
        if (value instanceof Integer) {
            return 5;
        }
        return 1L + (value instanceof JavaSerialization.Serialized ? ((JavaSerialization.Serialized) value).length()
            : javaSerialize(value).length);
    }

    @Override
    public void write(final Object value, final ByteBuffer out) {
        if (value instanceof byte[]) {
            out.put(BYTES).put((byte[]) value);
        } else if (value instanceof ByteBuffer) {
            out.put(BUFFER).put(((ByteBuffer) value).duplicate());
        } else if (value instanceof String) {
            out.put(STRING).put(((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof Long) {
            out.put(LONG).putLong((Long) value);
        } else if (value instanceof Integer) {
            out.put(INT).putInt((Integer) value);
        } else if (value instanceof Double) {
            out.put(DOUBLE).putDouble((Double) value);
        } else {
            out.put(JAVA);
            if (value instanceof JavaSerialization.Serialized) {
                final JavaSerialization.Serialized s = (JavaSerialization.Serialized) value;
                out.put(s.bytes(), 0, s.length());
            } else {
                out.put(javaSerialize(value));
            }
        }
    }

    @Override
    public Object read(final ByteBuffer in) {
        final byte kind = in.get();
        switch (kind) {
            case BYTES: {
                final byte[] bytes = new byte[in.remaining()];
                in.get(bytes);
                return bytes;
            }
            case BUFFER: {
                final ByteBuffer copy = ByteBuffer.allocate(in.remaining());
                copy.put(in).flip();
                return copy;
            }
            case STRING: {
                final byte[] bytes = new byte[in.remaining()];
                in.get(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case LONG:
                return in.getLong();
            case INT:
                return in.getInt();
            case DOUBLE:
                return in.getDouble();
            case JAVA:
                return JavaSerialization.fromBuffer(in, null);
            default:
                throw new IllegalStateException("unknown stored kind " + kind);
        }
    }

    private static byte[] javaSerialize(final Object value) {
        return JavaSerialization.toBytes(value);
    }
}
