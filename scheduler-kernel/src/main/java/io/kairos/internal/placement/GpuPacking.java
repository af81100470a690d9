package io.kairos.internal.placement;

import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * GPU instance packing as {@link io.kairos.internal.cluster.LogicalNode} does it, over an array of the free capacity
 * left on each instance: a fraction (below 1) goes on one instance, best fit (the least capacity left that still
 * fits, ties to the first); k whole GPUs take the first k fully free instances. Shared by the placement scratch
 * (instances of a node) and {@link Bundle} (the bundle's shares of its instances).
 */
final class GpuPacking {
    private GpuPacking() {
    }

    /** How many whole instances a demand of 1 or more takes. */
    static long wholeInstances(final long wanted) {
        return (wanted + SCALE - 1) / SCALE;
    }

    /** The best-fit instance among the first {@code count} for a fraction, or -1 if none has room. */
    static int bestFit(final long[] free, final int count, final long wanted) {
        int best = -1;
        for (int i = 0; i < count; i++) {
            if (free[i] >= wanted && (best < 0 || free[i] < free[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Whether the demand fits the first {@code count} instances. */
    static boolean fits(final long[] free, final int count, final long wanted) {
        if (wanted < SCALE) {
            return bestFit(free, count, wanted) >= 0;
        }
        final long needed = wholeInstances(wanted);
        long whole = 0;
        for (int i = 0; i < count; i++) {
            if (free[i] == SCALE && ++whole >= needed) {
                return true;
            }
        }
        return false;
    }

    /** Packs the demand onto the first {@code count} instances; false, leaving them unchanged, if it does not fit. */
    static boolean pack(final long[] free, final int count, final long wanted) {
        if (!fits(free, count, wanted)) {
            return false;
        }
        if (wanted < SCALE) {
            free[bestFit(free, count, wanted)] -= wanted;
            return true;
        }
        long needed = wholeInstances(wanted);
        for (int i = 0; i < count && needed > 0; i++) {
            if (free[i] == SCALE) {
                free[i] = 0;
                needed--;
            }
        }
        return true;
    }
}
