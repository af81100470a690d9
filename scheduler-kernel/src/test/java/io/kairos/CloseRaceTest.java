package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.TaskCancelledException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * close() while other threads submit tasks, actor calls and puts: each submission either returns a ref or throws
 * {@link KernelClosedException}, and each ref returned completes (its value) or fails saying the kernel closed (a
 * cancelled task, an actor that died with the kernel, a {@link KernelClosedException}); no get waits for ever, and a
 * stored value read after close is refused, not read from the unmapped store. Trials: {@code kairos.closeRace.trials} (default 20; the long-trials profile
 * runs 500).
 */
@Timeout(300)
class CloseRaceTest {
    private static final int SUBMITTERS = 3;
    private static final Duration SETTLE = Duration.ofSeconds(20);

    /** An actor's state. */
    public static final class Adder {
        public int add(final int x) {
            return x + 1;
        }
    }

    /** One ref a submitter got back, with the value it must have if it completes. */
    private record Submitted(ObjectRef<?> ref, Object expected) {
    }

    @Test
    void submissionsRacingCloseCompleteOrFailSayingTheKernelClosedAndNoneHangs() throws Exception {
        final int trials = Integer.getInteger("kairos.closeRace.trials", 20);
        int completed = 0;
        int cancelled = 0;
        int refused = 0;
        for (int trial = 0; trial < trials; trial++) {
            final int[] outcome = trial(trial);
            completed += outcome[0];
            cancelled += outcome[1];
            refused += outcome[2];
        }
        System.out.println("CloseRaceTest, " + trials + " trials: " + completed + " refs completed, " + cancelled
            + " failed as the kernel closed, " + refused + " submissions refused");
        assertTrue(completed > 0 && refused >= trials * SUBMITTERS, completed + " completed, " + refused + " refused");
    }

    /**
     * A value in the shared store, or in a spill file, read after close: refused with KernelClosedException (an inline
     * one still reads back). Before, the stored one was read from the unmapped segment: SIGSEGV, the JVM died.
     */
    @Test
    void storedAndSpilledValuesReadAfterCloseAreRefusedNotReadFromTheUnmappedStore() {
        final Kernel kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(4L << 20));
        final ObjectRef<byte[]> spilled = kernel.put(SpillTest.pattern(1));
        final List<ObjectRef<byte[]>> later = new ArrayList<>();
        for (int i = 0; i < 24; i++) {  // 6 MiB into a 4 MiB store: the first ones are spilled
            later.add(kernel.put(SpillTest.pattern(2 + i)));
        }
        final ObjectRef<byte[]> stored = later.get(later.size() - 1);
        final ObjectRef<Integer> inline = kernel.put(7);
        assertTrue(kernel.spillStats().spilledObjects() > 0 && stored.isStored() && spilled.isStored(),
            kernel.spillStats().toString());
        kernel.close();
        for (final ObjectRef<byte[]> ref : List.of(stored, spilled)) {
            final KernelClosedException e = org.junit.jupiter.api.Assertions.assertThrows(KernelClosedException.class,
                () -> ref.get(SETTLE));
            assertEquals("the kernel is closed: object " + ref.id() + " lived in its shared store or a spill file, "
                + "which closed with it", e.getMessage());
        }
        assertEquals(7, inline.get(SETTLE));
    }

    /** {completed, cancelled, refused}. */
    private int[] trial(final int trial) throws Exception {
        final Kernel kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(4L << 20)
            .threadingMode(trial % 2 == 0 ? ThreadingMode.DEDICATED : ThreadingMode.SHARED)
            .closeTimeout(Duration.ofSeconds(5)));
        final ActorHandle<Adder> adder = kernel.actor(Adder::new).remote();
        final ConcurrentLinkedQueue<Submitted> refs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger submitted = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(SUBMITTERS);
        final List<Thread> threads = new ArrayList<>();
        final byte[] large = new byte[200 << 10];
        for (int t = 0; t < SUBMITTERS; t++) {
            final int kind = t;
            final Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        final int x = i;
                        switch ((kind + i) % 4) {
                            case 0 -> refs.add(new Submitted(kernel.task(KernelTest::square, x % 1000).remote(),
                                x % 1000 * (x % 1000)));
                            case 1 -> refs.add(new Submitted(adder.task(Adder::add, x).remote(), x + 1));
                            case 2 -> refs.add(new Submitted(kernel.put(x), x));
                            default -> refs.add(new Submitted(kernel.put(large), large));
                        }
                        submitted.incrementAndGet();
                    }
                } catch (final KernelClosedException expected) {
                    refused.incrementAndGet();
                } catch (final Throwable t1) {
                    wrong.add(t1);
                } finally {
                    done.countDown();
                }
            }, "close-race-submitter-" + t);
            thread.start();
            threads.add(thread);
        }
        final int before = 200 + trial * 37 % 500;
        KernelTest.awaitCondition("submissions before close", () -> submitted.get() >= before || done.getCount() == 0);
        kernel.close();
        if (!done.await(SETTLE.toSeconds(), TimeUnit.SECONDS)) {
            threads.forEach(Thread::interrupt);
            fail("trial " + trial + ": a submitter did not return within " + SETTLE + " of close");
        }
        assertEquals(List.of(), new ArrayList<>(wrong), "trial " + trial + ": submissions threw something else than "
            + "KernelClosedException");
        int completed = 0;
        int cancelled = 0;
        for (final Submitted s : refs) {
            try {
                final Object value = s.ref().get(SETTLE);
                assertTrue(java.util.Objects.deepEquals(s.expected(), value), "trial " + trial + ": " + value);
                completed++;
            } catch (final TaskCancelledException | ActorDiedException e) {
                final String why = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
                assertTrue(why.contains("kernel closed"), why);
                cancelled++;
            } catch (final KernelClosedException e) {
                cancelled++;
            }
        }
        return new int[] {completed, cancelled, refused.get()};
    }
}
