package io.kairos.internal.conductor;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.KernelInternals;
import io.kairos.ThreadingMode;
import io.kairos.exception.KernelClosedException;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A submission that passed the kernel's closed check just before close() and reaches the command queue only after the
 * conductor's last duty cycle (the race {@code CloseRaceTest} drives from outside, made deterministic here by
 * submitting past the check): it is refused with {@link KernelClosedException}. Before, its offer succeeded into a
 * queue no thread would ever drain again, and its ref was returned pending for ever.
 */
@Timeout(60)
class LateSubmissionTest {
    static int square(final int x) {
        return x * x;
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void aSubmissionReachingTheQueueAfterTheConductorsLastCycleIsRefused(final ThreadingMode mode) {
        final Kernel kernel = Kernel.start(new KernelContext().cpus(1).threadingMode(mode));
        final KernelCore core = KernelInternals.core(kernel);
        assertEquals(49, kernel.task(LateSubmissionTest::square, 7).remote().get());
        kernel.close();
        final KernelClosedException e = assertThrows(KernelClosedException.class, () -> core.submitWithId(
            core.nextId(), (io.kairos.function.KFunc1<Integer, Integer>) LateSubmissionTest::square, 1,
            new Object[] {3}, null, 0, false, SchedulingStrategy.DEFAULT, null, -1, KernelCore.NO_DEMAND, false));
        assertEquals("the kernel is closed", e.getMessage());
    }

    @Test
    void aQueryAfterCloseIsRefusedAtOnce() {
        final Kernel kernel = Kernel.start(new KernelContext().cpus(1));
        final KernelCore core = KernelInternals.core(kernel);
        kernel.close();
        final long start = System.nanoTime();
        assertThrows(KernelClosedException.class, () -> core.onConductor(() -> 1));
        assertEquals(0, (System.nanoTime() - start) / 1_000_000_000L, "refused at once, not after the 30 s query wait");
    }
}
