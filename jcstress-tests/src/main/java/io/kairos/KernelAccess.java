package io.kairos;

import io.kairos.internal.conductor.KernelCore;

/** The jcstress tests' way to the machinery behind a {@link Kernel} (package-private there). */
public final class KernelAccess {
    private KernelAccess() {
    }

    public static KernelCore core(final Kernel kernel) {
        return kernel.core();
    }
}
