package io.kairos.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A 16-byte object id: two longs, written big-endian (high long first) wherever the id is bytes, so the hex form
 * reads the same as the bytes in the store's table.
 */
public final class ObjectId implements Comparable<ObjectId> {
    /** Bytes in an id. */
    public static final int SIZE = 16;

    private final long hi;
    private final long lo;

    private ObjectId(final long hi, final long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** An id from its two halves. */
    public static ObjectId of(final long hi, final long lo) {
        return new ObjectId(hi, lo);
    }

    /** A random id (128 random bits). */
    public static ObjectId random() {
        final ThreadLocalRandom r = ThreadLocalRandom.current();
        return new ObjectId(r.nextLong(), r.nextLong());
    }

    /**
     * Parses the 32-hex-digit form produced by {@link #toHex()}.
     *
     * @throws StoreInvalidArgumentException if hex is null, not 32 characters or not hexadecimal
     */
    public static ObjectId fromHex(final String hex) {
        if (hex == null || hex.length() != 2 * SIZE) {
            throw new StoreInvalidArgumentException("hex must be " + 2 * SIZE + " hex digits, was "
                + (hex == null ? "null" : hex.length() + " characters"));
        }
        try {
            return new ObjectId(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16), 16));
        } catch (final NumberFormatException e) {
            throw new StoreInvalidArgumentException("hex is not hexadecimal: '" + hex + "'");
        }
    }

    /** An id from 16 bytes at offset (big-endian halves). */
    public static ObjectId fromBytes(final byte[] bytes, final int offset) {
        if (bytes == null || offset < 0 || offset > bytes.length - SIZE) {
            throw new StoreInvalidArgumentException("bytes must hold " + SIZE + " bytes from offset " + offset);
        }
        return new ObjectId(readLong(bytes, offset), readLong(bytes, offset + 8));
    }

    public long hi() {
        return hi;
    }

    public long lo() {
        return lo;
    }

    /** Writes the 16 bytes at offset. */
    public void writeTo(final byte[] bytes, final int offset) {
        writeLong(bytes, offset, hi);
        writeLong(bytes, offset + 8, lo);
    }

    /** The 16 bytes. */
    public byte[] toBytes() {
        final byte[] bytes = new byte[SIZE];
        writeTo(bytes, 0);
        return bytes;
    }

    /** 32 lowercase hex digits. */
    public String toHex() {
        final String h = Long.toHexString(hi);
        final String l = Long.toHexString(lo);
        return "0".repeat(16 - h.length()) + h + "0".repeat(16 - l.length()) + l;
    }

    @Override
    public boolean equals(final Object o) {
        return this == o || (o instanceof ObjectId && ((ObjectId) o).hi == hi && ((ObjectId) o).lo == lo);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo);
    }

    @Override
    public int compareTo(final ObjectId o) {
        final int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        return toHex();
    }

    private static long readLong(final byte[] b, final int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void writeLong(final byte[] b, final int off, final long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
