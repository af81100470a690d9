package io.kairos.internal.cluster;

import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * GPU instance packing over an array of the free capacity left on each instance: a fraction (below 1) goes on one
 * instance, best fit (the least capacity left that still fits, ties to the first); k whole GPUs take the first k fully
 * free instances. Used by {@link InstanceLedger} (a node's instances, a bundle's shares of its instances) and by the
 * placement scratch that packs bundles tentatively. Allocates nothing.
 *
 * <p>With device memory ({@code mem}, the memory left on each instance, and {@code wantedMem} &gt; 0), every instance
 * taken must also have wantedMem left, and gives it: a fraction takes the best fit among those, k whole GPUs the first
 * k fully free ones that have it, and a memory-only request (no GPU share) the instance with the least memory left
 * that has it. {@code mem} null means no memory is asked for.
 */
public final class GpuPacking {
    private GpuPacking() {
    }

    /** How many whole instances a demand of 1 or more takes. */
    public static long wholeInstances(final long wanted) {
        return (wanted + SCALE - 1) / SCALE;
    }

    /** The best-fit instance among the first {@code count} for a fraction, or -1 if none has room. */
    public static int bestFit(final long[] free, final int count, final long wanted) {
        return bestFit(free, null, count, wanted, 0);
    }

    /** The best-fit instance for a fraction (or a memory-only request) that also has wantedMem left; -1 if none. */
    public static int bestFit(final long[] free, final long[] mem, final int count, final long wanted,
                              final long wantedMem) {
        int best = -1;
        for (int i = 0; i < count; i++) {
            if (free[i] < wanted || wantedMem > 0 && mem[i] < wantedMem) {
                continue;
            }
            if (best < 0 || (wanted > 0 ? free[i] < free[best] : mem[i] < mem[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Whether the demand fits the first {@code count} instances. */
    public static boolean fits(final long[] free, final int count, final long wanted) {
        return fits(free, null, count, wanted, 0);
    }

    /** Whether the demand (a GPU share and the memory wanted on each instance it takes) fits. */
    public static boolean fits(final long[] free, final long[] mem, final int count, final long wanted,
                               final long wantedMem) {
        if (wanted < SCALE) {
            return bestFit(free, mem, count, wanted, wantedMem) >= 0;
        }
        final long needed = wholeInstances(wanted);
        long whole = 0;
        for (int i = 0; i < count; i++) {
            if (free[i] == SCALE && (wantedMem <= 0 || mem[i] >= wantedMem) && ++whole >= needed) {
                return true;
            }
        }
        return false;
    }

    /** Packs the demand onto the first {@code count} instances; false, leaving them unchanged, if it does not fit. */
    public static boolean pack(final long[] free, final int count, final long wanted) {
        return pack(free, null, count, wanted, 0);
    }

    /** As {@link #pack(long[], int, long)}, with wantedMem needed and taken on each instance it takes. */
    public static boolean pack(final long[] free, final long[] mem, final int count, final long wanted,
                               final long wantedMem) {
        if (!fits(free, mem, count, wanted, wantedMem)) {
            return false;
        }
        take(free, mem, count, wanted, wantedMem, null);
        return true;
    }

    /**
     * Takes a demand that {@link #fits} off the first {@code count} instances: a fraction off the best fit, each
     * whole GPU off the next fully free instance.
     *
     * @param taken if not null, receives the positions taken from, in order (a fraction takes one, k whole GPUs k)
     * @return how many instances it took from
     */
    static int take(final long[] free, final int count, final long wanted, final int[] taken) {
        return take(free, null, count, wanted, 0, taken);
    }

    /** As {@link #take(long[], int, long, int[])}, taking wantedMem off each instance it takes as well. */
    static int take(final long[] free, final long[] mem, final int count, final long wanted, final long wantedMem,
                    final int[] taken) {
        if (wanted < SCALE) {
            final int best = bestFit(free, mem, count, wanted, wantedMem);
            free[best] -= wanted;
            if (wantedMem > 0) {
                mem[best] -= wantedMem;
            }
            if (taken != null) {
                taken[0] = best;
            }
            return 1;
        }
        final long needed = wholeInstances(wanted);
        int took = 0;
        for (int i = 0; i < count && took < needed; i++) {
            if (free[i] == SCALE && (wantedMem <= 0 || mem[i] >= wantedMem)) {
                free[i] = 0;
                if (wantedMem > 0) {
                    mem[i] -= wantedMem;
                }
                if (taken != null) {
                    taken[took] = i;
                }
                took++;
            }
        }
        return took;
    }
}
