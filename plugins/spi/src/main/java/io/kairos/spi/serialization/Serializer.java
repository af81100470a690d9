package io.kairos.spi.serialization;

import java.nio.ByteBuffer;

/**
 * Turns values into bytes for the shared object store and back. The kernel stores a value through the first
 * serializer that {@link #supports} it (plugins before the built-in one) and tags the bytes with {@link #typeId()},
 * so the reader picks the same serializer. Implementations must be thread-safe: any worker or caller thread may use
 * them at once. The buffers they are given are big-endian (Java's default order), positioned at 0.
 */
public interface Serializer {
    /** Type ids 0-63 are reserved for the kernel's built-in serializer; plugins use 64-32767. */
    int FIRST_PLUGIN_TYPE_ID = 64;

    /** The tag stored with every value this serializer writes; unique among registered serializers. */
    int typeId();

    /** Whether this serializer can write value (never null). */
    boolean supports(Object value);

    /** The exact number of bytes {@link #write} will produce for value. */
    long serializedSize(Object value);

    /**
     * Writes value into out, which has exactly {@link #serializedSize} bytes remaining and lies in shared memory:
     * write straight into it (one copy of a large array, no intermediate buffer).
     */
    void write(Object value, ByteBuffer out);

    /** Reads a value back from a read-only view of the bytes {@link #write} produced; copy what must outlive it. */
    Object read(ByteBuffer in);
}
