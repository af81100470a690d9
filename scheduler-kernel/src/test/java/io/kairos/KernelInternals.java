package io.kairos;

/** What tests outside io.kairos may see of a kernel's internals. */
public final class KernelInternals {
    private KernelInternals() {
    }

    /** Pulls started, bytes pulled, objects made again (their holder left), results held here for other members, this kernel's objects other members hold. */
    public static long[] clusterObjectCounters(final Kernel kernel) {
        return kernel.core().conductor().clusterObjectCounters();
    }
}
