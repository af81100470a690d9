package io.kairos;

import io.kairos.internal.object.DefaultSerializer;
import io.kairos.spi.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Values as bytes between the kernel and its worker processes, with the serializers the object store uses (plugins
 * first, then the built-in one): {@code [type id: int][the serializer's bytes]}. Thread-safe.
 */
final class ValueCodec {
    private final List<Serializer> serializers;

    ValueCodec(final List<Serializer> plugins) {
        this.serializers = new ArrayList<>(plugins);
        this.serializers.add(new DefaultSerializer());
    }

    /** The serializer for a value, or null if none supports it. */
    Serializer serializerFor(final Object value) {
        for (final Serializer serializer : serializers) {
            if (serializer.supports(value)) {
                return serializer;
            }
        }
        return null;
    }

    /**
     * Encodes a non-null value.
     *
     * @throws IllegalArgumentException naming the value's class if no serializer supports it
     */
    byte[] encode(final Object original, final String what) {
        final Serializer serializer = serializerFor(original);
        if (serializer == null) {
            throw new IllegalArgumentException(what + " (" + original.getClass().getName()
                + ") cannot go to a worker process: no serializer supports it (make it Serializable)");
        }
        final Object value = serializer instanceof DefaultSerializer ? DefaultSerializer.prepare(original) : original;
        final long size = serializer.serializedSize(value);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, more than a worker message holds");
        }
        final byte[] bytes = new byte[4 + (int) size];
        final ByteBuffer out = ByteBuffer.wrap(bytes);
        out.putInt(serializer.typeId());
        serializer.write(value, out.slice().order(ByteOrder.BIG_ENDIAN));
        return bytes;
    }

    /** Decodes what {@link #encode} made (type id first, big-endian). */
    Object decode(final ByteBuffer in) {
        final int typeId = in.getInt(in.position());
        return read(typeId, in.position(in.position() + 4).slice());
    }

    /** Reads a value with the serializer of this type id. */
    Object read(final int typeId, final ByteBuffer bytes) {
        for (final Serializer serializer : serializers) {
            if (serializer.typeId() == typeId) {
                return serializer.read(bytes.asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN));
            }
        }
        throw new IllegalStateException("no serializer with type id " + typeId + " is registered");
    }
}
