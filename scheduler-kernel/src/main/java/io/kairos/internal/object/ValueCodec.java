package io.kairos.internal.object;

import io.kairos.spi.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A value as bytes, with the serializers the kernel has (plugins first, then the built-in one), in the one layout
 * used both in the shared object store and in messages to worker processes:
 *
 * <pre>
 *   0                  4                  8
 *   +------------------+------------------+-----------------------------------------+
 *   | type id (int,    | reserved (int)   | the serializer's bytes (big-endian)     |
 *   | native order)    |                  |                                         |
 *   +------------------+------------------+-----------------------------------------+
 * </pre>
 *
 * Thread-safe.
 */
public final class ValueCodec {
    public static final int HEADER = 8;

    /** A value ready to be written: its serializer, the value as it writes it, and the length with the header. */
    public record Prepared(Serializer serializer, Object value, long length) {
    }

    private final List<Serializer> serializers;

    public ValueCodec(final List<Serializer> plugins) {
        this.serializers = new ArrayList<>(plugins);
        this.serializers.add(new CrossLanguageSerializer());
        this.serializers.add(new CrossLanguageSerializer.Pickles());
        this.serializers.add(new DefaultSerializer());
    }

    /** The serializer for a value, or null if none supports it. */
    public Serializer serializerFor(final Object value) {
        for (final Serializer serializer : serializers) {
            if (serializer.supports(value)) {
                return serializer;
            }
        }
        return null;
    }

    /** Sizes a non-null value for writing (serializing it once if it needs Java serialization); null if no serializer supports it. */
    public Prepared prepare(final Object original) {
        final Serializer serializer = serializerFor(original);
        if (serializer == null) {
            return null;
        }
        final Object value = serializer instanceof DefaultSerializer ? DefaultSerializer.prepare(original) : original;
        return new Prepared(serializer, value, HEADER + serializer.serializedSize(value));
    }

    /** Writes a prepared value (header first) into a buffer of exactly its length, at its position 0. */
    public void write(final Prepared prepared, final ByteBuffer target) {
        target.order(ByteOrder.nativeOrder()).putInt(0, prepared.serializer().typeId()).putInt(4, 0);
        final ByteBuffer out = target.position(HEADER).slice().order(ByteOrder.BIG_ENDIAN);
        prepared.serializer().write(prepared.value(), out);
        if (out.hasRemaining()) {
            throw new IllegalStateException(prepared.serializer().getClass().getName() + " wrote " + out.position()
                + " bytes, announced " + (prepared.length() - HEADER));
        }
    }

    /**
     * Encodes a non-null value into a new array.
     *
     * @throws IllegalArgumentException naming the value's class if no serializer supports it, or if it is too large
     */
    public byte[] encode(final Object original, final String what) {
        final Prepared prepared = prepare(original);
        if (prepared == null) {
            throw new IllegalArgumentException(what + " (" + original.getClass().getName()
                + ") cannot go to a worker process: no serializer supports it (make it Serializable)");
        }
        if (prepared.length() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " is " + prepared.length() + " bytes, more than a message holds");
        }
        final byte[] bytes = new byte[(int) prepared.length()];
        write(prepared, ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Reads a value back from its bytes (header first, at the buffer's position); the buffer is not kept. */
    public Object decode(final ByteBuffer bytes) {
        final int typeId = bytes.order(ByteOrder.nativeOrder()).getInt(bytes.position());
        final ByteBuffer payload = bytes.position(bytes.position() + HEADER).slice().asReadOnlyBuffer()
            .order(ByteOrder.BIG_ENDIAN);
        for (final Serializer serializer : serializers) {
            if (serializer.typeId() == typeId) {
                return serializer.read(payload);
            }
        }
        throw new IllegalStateException("no serializer with type id " + typeId + " is registered");
    }
}
