package io.kairos;

import io.kairos.exception.ObjectFreedException;
import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ObjectRef#free()}: the store's memory back at once, later reads fail clearly, nothing else touched. */
@Timeout(60)
class ObjectFreeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        GATE.countDown();
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void aFreedObjectsStoreMemoryGoesAtOnceAndLaterGetsFail() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final long before = kernel.objectStoreStats().bytesUsed();
        final ObjectRef<byte[]> big = kernel.put(new byte[8 << 20]);
        final ObjectRef<byte[]> kept = kernel.put(new byte[8 << 20]);
        assertTrue(big.isStored());
        big.free();
        assertEquals(before + kept.get(WAIT).length, kernel.objectStoreStats().bytesUsed(), 1 << 10,
            "the freed object's memory is back; the other is untouched");
        final ObjectFreedException e = assertThrows(ObjectFreedException.class, () -> big.get(WAIT));
        assertTrue(e.getMessage().contains("object " + big.id() + " was freed"), e.getMessage());
        big.free();  // idempotent
        final TaskFailedException failed = assertThrows(TaskFailedException.class,
            () -> kernel.task(ObjectFreeTest::length, big).remote().get(WAIT));
        assertInstanceOf(ObjectFreedException.class, rootCause(failed), "a task that takes it fails, saying why");
        assertEquals(8 << 20, kernel.task(ObjectFreeTest::length, kept).remote().get(WAIT));
    }

    /**
     * A spilled object freed: its get throws ObjectFreedException, and a task's result is not made again by lineage
     * (before the review's fix, a get read the freed spill location, failed, and re-ran the task).
     */
    @Test
    void aSpilledObjectFreedIsGoneAndNotMadeAgain(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(16L << 20).spillDirectory(dir));
        RUNS.set(0);
        final ObjectRef<byte[]> made = kernel.task(ObjectFreeTest::made).remote();
        made.get(WAIT);
        final java.util.List<ObjectRef<byte[]>> more = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {  // four times the store: the first objects go to the spill file
            more.add(kernel.put(new byte[8 << 20]));
        }
        assertTrue(kernel.spillStats().spilledObjects() > 0, kernel.spillStats().toString());
        made.free();
        more.get(0).free();
        assertThrows(ObjectFreedException.class, () -> made.get(WAIT));
        assertThrows(ObjectFreedException.class, () -> more.get(0).get(WAIT));
        assertEquals(1, RUNS.get(), "a freed result is not made again");
        assertEquals(8 << 20, more.get(7).get(WAIT).length, "the others are untouched");
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    static byte[] made() {
        RUNS.incrementAndGet();
        return new byte[8 << 20];
    }

    @Test
    void aSmallObjectOnTheHeapIsFreedForItsReaders() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<String> small = kernel.put("x");
        small.free();
        assertThrows(ObjectFreedException.class, () -> small.get(WAIT));
    }

    @Test
    void aPendingObjectCannotBeFreedYet() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<Integer> pending = kernel.task(ObjectFreeTest::gated).remote();
        final IllegalStateException e = assertThrows(IllegalStateException.class, pending::free);
        assertTrue(e.getMessage().contains("not ready"), e.getMessage());
        GATE.countDown();
        assertEquals(1, pending.get(WAIT));
    }

    static int length(final byte[] b) {
        return b.length;
    }

    static int gated() throws InterruptedException {
        GATE.await();
        return 1;
    }

    private static Throwable rootCause(final Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
