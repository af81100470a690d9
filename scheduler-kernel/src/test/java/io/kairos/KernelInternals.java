package io.kairos;

/** What tests outside io.kairos may see of a kernel's internals. */
public final class KernelInternals {
    private KernelInternals() {
    }

    /** The kernel's machinery, for tests in its internal packages. */
    public static io.kairos.internal.conductor.KernelCore core(final Kernel kernel) {
        return kernel.core();
    }

    /** Pulls started, bytes pulled, objects made again (their holder left), results held here for other members, this kernel's objects other members hold. */
    public static long[] clusterObjectCounters(final Kernel kernel) {
        return kernel.core().conductor().clusterObjectCounters();
    }
}
