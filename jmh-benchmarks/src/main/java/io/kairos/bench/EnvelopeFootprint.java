package io.kairos.bench;

import io.kairos.Kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * What every row of the scalability envelope ({@link EnvelopeBenchmark}) reports beside its figure, so that nothing
 * in the envelope exhausts memory silently: the peak heap of the shot (the sum of the heap pools' peaks since the
 * shot began: an upper bound of the heap in use at any one time) and the bytes the kernel's object store held at the
 * end of the shot. Published through {@link FootprintProfiler} as secondary results.
 */
public final class EnvelopeFootprint {
    /** Secondary result: the row's figure (ops/s or GB/s), measured inside the shot. */
    public static final String RATE = "envelope.rate";
    /** Secondary result: peak heap of the shot, MiB. */
    public static final String PEAK_HEAP = "envelope.peak.heap.mib";
    /** Secondary result: object-store bytes in use at the end of the shot, MiB. */
    public static final String STORE = "envelope.store.mib";

    private EnvelopeFootprint() {
    }

    /** Resets the heap pools' peaks: call as the shot begins. */
    static void resetPeaks() {
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The heap pools' peaks since {@link #resetPeaks}, summed, in MiB. */
    static double peakHeapMib() {
        long peak = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (double) (1 << 20);
    }

    /** The kernel's store bytes in use, MiB (0 without a kernel). */
    static double storeMib(final Kernel kernel) {
        return kernel == null ? 0 : kernel.objectStoreStats().bytesUsed() / (double) (1 << 20);
    }

    /** Publishes the shot's figure and its footprint. */
    static void publish(final double rate, final String unit, final double storeMib) {
        FootprintProfiler.publish(RATE, rate, unit);
        FootprintProfiler.publish(PEAK_HEAP, peakHeapMib(), "MiB");
        FootprintProfiler.publish(STORE, storeMib, "MiB");
    }
}
