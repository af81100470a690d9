package io.kairos.internal.conductor;

import io.kairos.Kernel;
import io.kairos.KernelAccess;
import io.kairos.KernelContext;
import io.kairos.ThreadingMode;

/**
 * One real kernel per test VM for the tests that need a conductor: INVOKER mode (no conductor thread: the test's
 * actors run the duty cycle themselves), no shared store (no native library), one CPU. A test that drains the command
 * queue itself never lets the conductor see what it offered, so no worker ever starts.
 */
final class JcstressKernel {
    static final KernelCore CORE;
    static final SchedulerConductor CONDUCTOR;

    static {
        final Kernel kernel = Kernel.start(new KernelContext()
            .cpus(1)
            .objectStoreBytes(0)
            .threadingMode(ThreadingMode.INVOKER)
            .commandQueueCapacity(1 << 20));
        CORE = KernelAccess.core(kernel);
        CONDUCTOR = CORE.conductor();
    }

    private JcstressKernel() {
    }

    /** A pending object of no kernel (completion and waiting need none). */
    static ObjectState object(final long id) {
        return new ObjectState(id, null) {
        };
    }

    /** A pending object of the test kernel. */
    static ObjectState kernelObject(final long id) {
        return new ObjectState(id, CORE) {
        };
    }
}
