package io.kairos;

import io.kairos.exception.CommandQueueFullException;
import io.kairos.spi.kernel.KernelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full command queue (capacity 1024, the least): a submitter waits for room backing off, not spinning; it goes on as
 * soon as the conductor takes commands again, and gives up with {@link CommandQueueFullException} once the queue has
 * stayed full for {@link KernelContext#commandQueueTimeout}. Nothing queued is lost either way. Before, a submitter spun
 * at full speed for as long as the queue stayed full: for ever in INVOKER mode when no thread drove the conductor.
 */
@Timeout(120)
class CommandQueueFullTest {
    private static final int CAPACITY = 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** Submits tasks square(i) from a thread of its own, counting them in submitted. */
    private static CompletableFuture<List<ObjectRef<Integer>>> submitFromAnotherThread(final Kernel kernel,
                                                                                       final int count,
                                                                                       final AtomicLong submitted) {
        return CompletableFuture.supplyAsync(() -> {
            final List<ObjectRef<Integer>> refs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                refs.add(kernel.task(KernelTest::square, i % 1000).remote());
                submitted.incrementAndGet();
            }
            return refs;
        });
    }

    @Test
    void inInvokerModeASubmitterGivesUpOnAQueueNoOneDrainsWithoutSpinningAndLosesNothing() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1).threadingMode(ThreadingMode.INVOKER)
            .commandQueueCapacity(CAPACITY).commandQueueTimeout(Duration.ofMillis(800)));
        final AtomicLong cpu = new AtomicLong();
        final long start = System.nanoTime();
        final List<ObjectRef<Integer>> queued = new ArrayList<>();
        final CompletableFuture<List<ObjectRef<Integer>>> submitter = CompletableFuture.supplyAsync(() -> {
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long cpuBefore = threads.getCurrentThreadCpuTime();
            try {
                for (int i = 0; ; i++) {
                    queued.add(kernel.task(KernelTest::square, i % 1000).remote());
                }
            } finally {
                cpu.set(threads.getCurrentThreadCpuTime() - cpuBefore);
            }
        });
        final Throwable refused = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> submitter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).getCause();
        final long waited = System.nanoTime() - start;
        assertTrue(refused instanceof CommandQueueFullException, String.valueOf(refused));
        assertEquals("the conductor's command queue (capacity 1024) stayed full for 800 ms: the conductor takes no "
            + "commands (ThreadingMode.INVOKER: drive it with Kernel.invoker().invoke()); see "
            + "KernelContext.commandQueueTimeout", refused.getMessage());
        assertEquals(CAPACITY, queued.size(), "the queue held its capacity");
        assertTrue(cpu.get() < waited / 2, "the full queue was waited on backing off: " + cpu.get() / 1_000_000
            + " ms of CPU in " + waited / 1_000_000 + " ms");
        for (int i = 0; i < queued.size(); i++) {  // this thread drives the conductor: everything queued runs
            assertEquals(i % 1000 * (i % 1000), queued.get(i).get(WAIT), "task " + i);
        }
    }

    @Test
    void inInvokerModeASubmitterWaitsForRoomWhileTheOwnerDrivesTheConductor() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(1).threadingMode(ThreadingMode.INVOKER)
            .commandQueueCapacity(CAPACITY));
        final AtomicLong submitted = new AtomicLong();
        final CompletableFuture<List<ObjectRef<Integer>>> submitter =
            submitFromAnotherThread(kernel, 4 * CAPACITY, submitted);
        KernelTest.awaitCondition("the queue to fill", () -> submitted.get() == CAPACITY);  // no one drains it yet
        assertEquals(CAPACITY, submitted.get(), "the submitter waits for room");
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!submitter.isDone() && System.nanoTime() < deadline) {
            kernel.invoker().invoke();  // the owner drives: the waiting submitter finds room
        }
        final List<ObjectRef<Integer>> refs = submitter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < refs.size(); i++) {
            assertEquals(i % 1000 * (i % 1000), refs.get(i).get(WAIT), "task " + i);
        }
    }

    @Test
    void aConductorBlockedByAListenerRefusesSubmissionsAfterTheTimeoutThenTakesWhatWasQueued() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);
        kernel = Kernel.start(new KernelContext().cpus(1).commandQueueCapacity(CAPACITY)
            .commandQueueTimeout(Duration.ofMillis(500)).listener(new KernelListener() {
                @Override
                public void onTaskSubmitted(final long taskId) {
                    if (blocked.getCount() > 0) {
                        blocked.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);  // the conductor's thread, stuck in a plugin
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }));
        try {
            final ObjectRef<Integer> first = kernel.task(KernelTest::square, 2).remote();
            assertTrue(blocked.await(30, TimeUnit.SECONDS));
            final List<ObjectRef<Integer>> queued = new ArrayList<>();
            final CommandQueueFullException e = assertThrows(CommandQueueFullException.class, () -> {
                for (int i = 0; ; i++) {
                    queued.add(kernel.task(KernelTest::square, i % 1000).remote());
                }
            });
            assertTrue(e.getMessage().contains("(a listener or plugin may block its thread)"), e.getMessage());
            assertTrue(queued.size() >= CAPACITY - 1, queued.size() + " queued");
            release.countDown();
            assertEquals(4, first.get(WAIT));
            for (int i = 0; i < queued.size(); i++) {
                assertEquals(i % 1000 * (i % 1000), queued.get(i).get(WAIT), "task " + i);
            }
            assertEquals(9, kernel.task(KernelTest::square, 3).remote().get(WAIT), "the kernel goes on");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aTimeoutOfZeroIsRefusedNamingTheField() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Kernel.start(new KernelContext().cpus(1).commandQueueTimeout(Duration.ZERO)));
        assertEquals("commandQueueTimeout PT0S must be > 0", e.getMessage());
    }

    @Test
    void manySubmittersOnASmallQueueAllMakeProgress() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).commandQueueCapacity(CAPACITY));
        final List<CompletableFuture<List<ObjectRef<Integer>>>> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            submitters.add(submitFromAnotherThread(kernel, 5_000, new AtomicLong()));
        }
        for (final CompletableFuture<List<ObjectRef<Integer>>> submitter : submitters) {
            final List<ObjectRef<Integer>> refs = submitter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (int i = 0; i < refs.size(); i++) {
                assertEquals(i % 1000 * (i % 1000), refs.get(i).get(WAIT), "task " + i);
            }
        }
    }
}
