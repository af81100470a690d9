package io.kairos.spi.scheduling;

/**
 * Resource quantities in fixed point: an amount is a {@code long} count of 1/{@value #SCALE} units, so 0.5 GPU is
 * 5,000 and 4 CPUs are 40,000. All scheduling arithmetic is on these longs, never on doubles.
 */
public final class FixedPoint {
    /** Fixed-point units per resource unit. */
    public static final long SCALE = 10_000L;
    /**
     * The largest amount of one resource: 2^46 units, so bytes of memory up to 64 TiB on one node (eight 141 GiB GPUs
     * are 1.1 TiB). In fixed point that is about 7 * 10^17, so sums over many nodes use {@link #add}.
     */
    public static final double MAX_UNITS = 1L << 46;

    private FixedPoint() {
    }

    /**
     * Converts units to fixed point, rounding to the nearest 1/{@value #SCALE}.
     *
     * @param field names the value in the error message, e.g. "resource 'GPU'"
     * @throws IllegalArgumentException if units is negative, not finite, or above {@link #MAX_UNITS}
     */
    public static long fromUnits(final double units, final String field) {
        if (!Double.isFinite(units) || units < 0 || units > MAX_UNITS) {
            throw new IllegalArgumentException(field + " amount " + units + " is outside 0.." + (long) MAX_UNITS);
        }
        return Math.round(units * SCALE);
    }

    /** a + b for non-negative amounts, Long.MAX_VALUE where the sum would overflow (cluster-wide totals). */
    public static long add(final long a, final long b) {
        final long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** Converts fixed point back to units (for display and views only). */
    public static double toUnits(final long amount) {
        return (double) amount / SCALE;
    }
}
