package io.kairos;

import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refs inside values (Ray's nested refs): not resolved before the call; a task or actor call in a worker process gets
 * them itself, asking its kernel over the process's pipe; in the kernel's JVM a stored value's refs read back as the
 * same refs.
 */
@Timeout(180)
class WorkerProcessNestedRefTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long ME = ProcessHandle.current().pid();
    /** More than the kernel keeps inline: such a value goes to the shared store. */
    private static final int LARGE = 1 << 20;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static int square(final int x) {
        return x * x;
    }

    static byte[] large(final int last) {
        final byte[] bytes = new byte[LARGE];
        bytes[LARGE - 1] = (byte) last;
        return bytes;
    }

    static int fails(final int x) {
        throw new IllegalArgumentException("no " + x);
    }

    /** The sum of the refs' values and this process's pid. */
    static long[] sumAndPid(final List<ObjectRef<Integer>> refs) {
        long sum = 0;
        for (final ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return new long[] {sum, ProcessHandle.current().pid()};
    }

    static String lengthAndLast(final List<ObjectRef<byte[]>> refs) {
        final byte[] bytes = refs.get(0).get(Duration.ofSeconds(30));
        return bytes.length + ":" + bytes[bytes.length - 1] + ":" + refs.get(0).isReady();
    }

    static String failureOf(final List<ObjectRef<Integer>> refs) {
        try {
            return "got " + refs.get(0).get();
        } catch (final TaskFailedException e) {
            return "failed: " + e.getCause().getMessage();
        }
    }

    static List<ObjectRef<Integer>> sendBack(final List<ObjectRef<Integer>> refs) {
        return refs;
    }

    /** An actor that keeps refs across calls. */
    public static final class Keeper {
        private List<ObjectRef<Integer>> kept = List.of();

        public int keep(final List<ObjectRef<Integer>> refs) {
            kept = refs;
            return refs.size();
        }

        public long[] sumKept() {
            return sumAndPid(kept);
        }
    }

    @Test
    void aRefInsideAnArgumentResolvesInAWorkerProcess() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final List<ObjectRef<Integer>> refs = List.of(kernel.put(3), kernel.task(WorkerProcessNestedRefTest::square, 4)
            .remote());
        final long[] result = kernel.task(WorkerProcessNestedRefTest::sumAndPid, refs).setIsolated(true).remote()
            .get(WAIT);
        assertEquals(19, result[0]);
        assertTrue(result[1] != ME, "ran in a worker process");
    }

    @Test
    void aStoredValueComesByIdAndAFailureAsItsException() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<byte[]> big = kernel.task(WorkerProcessNestedRefTest::large, 7).remote();
        assertEquals(LARGE + ":7:true", kernel.task(WorkerProcessNestedRefTest::lengthAndLast, List.of(big))
            .setIsolated(true).remote().get(WAIT));
        assertTrue(big.isStored(), "the value went through the shared store");
        final ObjectRef<Integer> failed = kernel.task(WorkerProcessNestedRefTest::fails, 5).setMaxRetries(0).remote();
        assertEquals("failed: no 5", kernel.task(WorkerProcessNestedRefTest::failureOf, List.of(failed))
            .setIsolated(true).remote().get(WAIT));
    }

    @Test
    void anActorInAWorkerProcessReadsKeptRefsInALaterCall() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            refs.add(kernel.task(WorkerProcessNestedRefTest::square, i).remote());
        }
        final ActorHandle<Keeper> keeper = kernel.actor(Keeper::new).setIsolated(true).remote();
        assertEquals(3, keeper.task(Keeper::keep, refs).remote().get(WAIT), "not resolved before the call");
        final long[] result = keeper.task(Keeper::sumKept).remote().get(WAIT);
        assertEquals(14, result[0]);
        assertTrue(result[1] != ME, "ran in a worker process");
    }

    @Test
    void aRefReadInAWorkerProcessCannotBeSentBack() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(WorkerProcessNestedRefTest::sendBack, List.of(kernel.put(1))).setIsolated(true).remote().get(WAIT));
        assertTrue(String.valueOf(e.getCause()).contains("was read in a worker process and cannot be serialized again"),
            String.valueOf(e.getCause()));
    }

    /** A large value with a ref in it. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] payload;
        final ObjectRef<Integer> ref;

        Holder(final byte[] payload, final ObjectRef<Integer> ref) {
            this.payload = payload;
            this.ref = ref;
        }
    }

    @Test
    void aStoredValueReadsBackWithTheSameRefsInTheKernelsJvm() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<Integer> inner = kernel.task(WorkerProcessNestedRefTest::square, 6).remote();
        final byte[] payload = large(9);
        final ObjectRef<Holder> outer = kernel.put(new Holder(payload, inner));
        final Holder back = outer.get(WAIT);
        assertNotSame(payload, back.payload, "the value did not go through the shared store");
        assertArrayEquals(payload, back.payload);
        assertSame(inner, back.ref);
        assertEquals(36, back.ref.get(WAIT));
    }
}
