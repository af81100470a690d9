package io.kairos;

import io.kairos.exception.TaskCancelledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks of one class queued behind a started task run on its worker as a chain (lease reuse). In INVOKER mode one
 * conductor step takes every submission and builds the chain, so these tests know what is chained.
 */
@Timeout(60)
class TaskChainTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        KernelTest.closeReleasingLatches(kernel);
    }

    private Kernel invokerKernel(final KernelContext context) {
        kernel = Kernel.start(context.threadingMode(ThreadingMode.INVOKER));
        KernelTest.KernelHolder.kernel = kernel;
        return kernel;
    }

    /** A blocked head and nine squares chained behind it, on a one-CPU kernel. */
    private List<ObjectRef<Integer>> chainBehindABlockedHead(final String key) {
        KernelTest.LATCHES.put(key, new CountDownLatch(1));
        kernel.task(KernelTest::await, key).remote();
        final List<ObjectRef<Integer>> squares = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            squares.add(kernel.task(KernelTest::square, i).remote());
        }
        kernel.invoker().invoke();  // one step: all submitted, the head started, the rest chained behind it
        return squares;
    }

    @Test
    void chainedTasksAllRunInOrderOnTheHeadsWorker() {
        invokerKernel(new KernelContext().cpus(1));
        final List<ObjectRef<Integer>> squares = chainBehindABlockedHead("chain");
        KernelTest.LATCHES.get("chain").countDown();
        for (int i = 0; i < squares.size(); i++) {
            assertEquals(i * i, squares.get(i).get(WAIT));
        }
        assertEquals(1.0, kernel.resources().get(0).available().get("CPU"), 1e-9, "the shared allocation came back once");
    }

    @Test
    void cancellingAChainedTaskTakesItBackBeforeItRuns() {
        invokerKernel(new KernelContext().cpus(1));
        final List<ObjectRef<Integer>> squares = chainBehindABlockedHead("cancel");
        kernel.cancel(squares.get(4), false);
        kernel.invoker().invoke();
        KernelTest.LATCHES.get("cancel").countDown();
        assertThrows(TaskCancelledException.class, () -> squares.get(4).get(WAIT));
        assertEquals(64, squares.get(8).get(WAIT));
        assertEquals(25, squares.get(5).get(WAIT));
    }

    @Test
    void closingCancelsTheChainedTasksThatHaveNotStarted() {
        invokerKernel(new KernelContext().cpus(1).closeTimeout(Duration.ofMillis(100)));
        final List<ObjectRef<Integer>> squares = chainBehindABlockedHead("close");
        kernel.close();
        for (final ObjectRef<Integer> square : squares) {
            assertThrows(TaskCancelledException.class, () -> square.get(WAIT));
        }
    }

    @Test
    void aChainedTaskThatWaitsInGetGivesBackTheRestOfItsChain() {
        invokerKernel(new KernelContext().cpus(1));
        final List<ObjectRef<Integer>> parents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            parents.add(kernel.task(KernelTest::parentOfChild, i).remote());  // each submits and gets a child
        }
        for (int i = 0; i < parents.size(); i++) {
            assertEquals(i * i + 1, parents.get(i).get(WAIT), "parent " + i);
        }
    }

    @Test
    void aDedicatedKernelRunsAWideFanOfNestedTasksWithOneCpu() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        KernelTest.KernelHolder.kernel = kernel;
        final List<ObjectRef<Integer>> parents = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            parents.add(kernel.task(KernelTest::parentOfChild, i).remote());
        }
        long sum = 0;
        for (final ObjectRef<Integer> parent : parents) {
            sum += parent.get(WAIT);
        }
        long expected = 0;
        for (int i = 0; i < 200; i++) {
            expected += (long) i * i + 1;
        }
        assertEquals(expected, sum);
        assertTrue(kernel.resources().get(0).available().get("CPU") <= 1.0);
    }
}
