package io.kairos.cli;

import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * The soak's task functions and actors. Each result is a function of the input that the driver computes again, so a
 * wrong value is caught; the functions are static (method references travel to worker processes by name).
 */
final class SoakFunctions {
    private SoakFunctions() {
    }

    /** A 64-bit mix of x (SplitMix64's finalizer): cheap, and any lost or misrouted input shows. */
    static long mix(final long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A step of a chain of dependent tasks: the previous result (a ref argument) mixed with the step. */
    static long step(final long previous, final long k) {
        return mix(previous ^ k);
    }

    /** size bytes that depend on seed only (xorshift64, 8 bytes a step). */
    static byte[] blob(final long seed, final int size) {
        final byte[] bytes = new byte[size];
        long s = seed | 1;
        int i = 0;
        for (; i + 8 <= size; i += 8) {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            bytes[i] = (byte) s;
            bytes[i + 1] = (byte) (s >>> 8);
            bytes[i + 2] = (byte) (s >>> 16);
            bytes[i + 3] = (byte) (s >>> 24);
            bytes[i + 4] = (byte) (s >>> 32);
            bytes[i + 5] = (byte) (s >>> 40);
            bytes[i + 6] = (byte) (s >>> 48);
            bytes[i + 7] = (byte) (s >>> 56);
        }
        for (; i < size; i++) {
            bytes[i] = (byte) (seed >>> (8 * (i & 7)));
        }
        return bytes;
    }

    static long crc(final byte[] bytes) {
        final CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /**
     * A counter whose every call returns {incarnation, count}: the incarnation is drawn when the instance is made, so
     * the driver tells a restarted actor (fresh state, counting from 1 again) from lost or reordered calls.
     */
    public static final class Counter {
        private final long incarnation = ThreadLocalRandom.current().nextLong();
        private long count;

        public long[] next() {
            return new long[] {incarnation, ++count};
        }
    }
}
