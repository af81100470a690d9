package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Ray's object benchmarks on the shared-memory store (Ray's "Plasma Store" variants and put gigabytes), through the
 * kernel's API: values above the inline threshold ({@value #SMALL} bytes here, the default threshold is 100 KiB) go
 * to the node's shared store, where any attached process can read them.
 * <ul>
 *   <li>{@link #single_client_put_calls_shared_store}: put a {@value #SMALL}-byte array (the score counts puts);</li>
 *   <li>{@link #single_client_get_calls_shared_store}: get one such object (a fresh copy, as Ray's get);</li>
 *   <li>{@link #single_client_put_gigabytes}, {@link #multi_client_put_gigabytes} (run with {@code -t 2}): put a
 *       {@value #LARGE}-byte array; ops/s times {@value #LARGE} bytes is the GB/s figure.</li>
 * </ul>
 * Java frees a stored object when its ref becomes unreachable (a Cleaner), not when the caller drops it as Python's
 * reference count does; so, outside the measured time, each invocation's set-up collects the dropped refs and waits
 * for their memory to be freed whenever the store is more than half full (so two putters always find room), and
 * its tear-down checks the puts really went to the store (a value that does not fit stays on the heap, which would be no measure of the store).
 * The trial's set-up waits for the kernel's store prefault ({@code KernelContext.objectStorePrefault}) to end, so no
 * iteration, warm-up included, measures the first touch of the store's pages (here it costs more than the copy);
 * {@link StoreFirstSecondBenchmark} measures what a kernel's first second of puts is with and without it.
 * Peers, same run: a memory copy of the same bytes into off-heap memory (the ceiling of a put), and out of it into
 * a new array (a get that returns a copy).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelSharedObjectsBenchmark {
    /** Bytes of a small stored object: above the inline threshold. */
    public static final int SMALL = 128 << 10;
    /** Bytes of a put_gigabytes object. */
    public static final int LARGE = 64 << 20;
    /** Small puts per invocation (the set-up between invocations would otherwise dominate a 10 µs put). */
    public static final int BATCH = 64;
    /** The store: room for a dozen large objects. */
    static final long STORE_BYTES = 1L << 30;

    /** A kernel with a 1 GiB store and one stored small object to get. */
    @State(Scope.Benchmark)
    public static class KernelState {
        Kernel kernel;
        ObjectRef<byte[]> stored;

        @Setup(Level.Trial)
        public void setUp() {
            // The store's pages made resident before anything is measured (the prefault is on by default for a
            // 1 GiB store; asked for explicitly so that a change of default cannot turn this into a page-fault test).
            kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE_BYTES).objectStorePrefault(true));
            KernelBench.awaitStorePrefault(kernel);
            stored = kernel.put(new byte[SMALL]);
            if (!stored.isStored()) {
                throw new IllegalStateException("a " + SMALL + "-byte value did not go to the shared store");
            }
        }

        /** Between invocations, when the store is over half full: collects dropped refs, waits for the frees. */
        void makeRoom() {
            KernelBench.makeStoreRoom(kernel, STORE_BYTES);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stored = null;
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** One putting thread: its values and its batch of refs. */
    @State(Scope.Thread)
    public static class Putter {
        final byte[] small = new byte[SMALL];
        final byte[] large = new byte[LARGE];
        final ObjectRef<?>[] refs = new ObjectRef<?>[BATCH];

        @Setup(Level.Invocation)
        public void setUp(final KernelState s) {
            Arrays.fill(refs, null);
            s.makeRoom();
        }

        /** Every put of the invocation must have gone to the store. */
        @TearDown(Level.Invocation)
        public void check(final KernelState s) {
            for (final ObjectRef<?> ref : refs) {
                if (ref != null && !ref.isStored()) {
                    throw new IllegalStateException("a put stayed on the heap: " + s.kernel.objectStoreStats());
                }
            }
        }
    }

    /** Peer: off-heap memory to copy into and out of. */
    @State(Scope.Thread)
    public static class Memory {
        final byte[] small = new byte[SMALL];
        final byte[] large = new byte[LARGE];
        final UnsafeBuffer smallTarget = new UnsafeBuffer(ByteBuffer.allocateDirect(SMALL * BATCH));
        final UnsafeBuffer largeTarget = new UnsafeBuffer(ByteBuffer.allocateDirect(LARGE));
    }

    /** Ray: "single client put calls (Plasma Store)", with a {@value #SMALL}-byte value. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object single_client_put_calls_shared_store(final KernelState s, final Putter p) {
        for (int i = 0; i < BATCH; i++) {
            p.refs[i] = s.kernel.put(p.small);
        }
        return p.refs[BATCH - 1];
    }

    /** Peer of the shared-store put: copy the same bytes into off-heap memory. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object memory_copy_put_128KiB(final Memory m) {
        for (int i = 0; i < BATCH; i++) {
            m.smallTarget.putBytes(i * SMALL, m.small);
        }
        return m.smallTarget;
    }

    /** Ray: "single client get calls (Plasma Store)": get a {@value #SMALL}-byte stored value (a fresh copy). */
    @Benchmark
    public byte[] single_client_get_calls_shared_store(final KernelState s) {
        return s.stored.get();
    }

    /** Peer of the shared-store get: copy the bytes out of off-heap memory into a new array. */
    @Benchmark
    public byte[] memory_copy_get_128KiB(final Memory m) {
        final byte[] copy = new byte[SMALL];
        m.smallTarget.getBytes(0, copy);
        return copy;
    }

    /** Ray: "single client put gigabytes": put a {@value #LARGE}-byte array. */
    @Benchmark
    public Object single_client_put_gigabytes(final KernelState s, final Putter p) {
        return p.refs[0] = s.kernel.put(p.large);
    }

    /** Ray: "multi client put gigabytes": as single_client_put_gigabytes, from every JMH thread. */
    @Benchmark
    public Object multi_client_put_gigabytes(final KernelState s, final Putter p) {
        return p.refs[0] = s.kernel.put(p.large);
    }

    /** Peer of put gigabytes (single and multi client): copy {@value #LARGE} bytes into off-heap memory. */
    @Benchmark
    public Object memory_copy_64MiB(final Memory m) {
        m.largeTarget.putBytes(0, m.large);
        return m.largeTarget;
    }

    /**
     * Put gigabytes in a steady state of churn: each put drops the oldest of the last {@value #CHURN_LIVE} refs, and
     * reclaiming their memory is timed with the puts (a garbage collection and the frees it lets the store do, when
     * the store is half full): what a program that keeps putting pays, not only the copy.
     */
    @Benchmark
    public Object single_client_put_gigabytes_churn(final KernelState s, final Churn c) {
        c.live[c.next] = null;
        KernelBench.makeStoreRoom(s.kernel, STORE_BYTES);
        final ObjectRef<byte[]> ref = s.kernel.put(c.large);
        c.live[c.next] = ref;
        c.next = (c.next + 1) % CHURN_LIVE;
        return ref;
    }

    /**
     * The churn with the program freeing what it drops ({@link ObjectRef#free}): each put frees the oldest of the last
     * {@value #CHURN_LIVE} refs instead of leaving it to the garbage collector.
     */
    @Benchmark
    public Object single_client_put_gigabytes_free(final KernelState s, final Churn c) {
        final ObjectRef<?> oldest = c.live[c.next];
        if (oldest != null) {
            oldest.free();
        }
        final ObjectRef<byte[]> ref = s.kernel.put(c.large);
        c.live[c.next] = ref;
        c.next = (c.next + 1) % CHURN_LIVE;
        return ref;
    }

    /**
     * Peer of the churn: copy {@value #LARGE} bytes into the next of 16 off-heap buffers (as much memory as the store,
     * written once before: touched alike), round and round.
     */
    @Benchmark
    public Object memory_copy_64MiB_rotating(final Rotating r) {
        final UnsafeBuffer target = r.targets[r.next];
        target.putBytes(0, r.large);
        r.next = (r.next + 1) % r.targets.length;
        return target;
    }

    /** Refs kept alive by the churn: the older ones are dropped. */
    static final int CHURN_LIVE = 2;

    /** The churn's values and its live refs. */
    @State(Scope.Thread)
    public static class Churn {
        final byte[] large = new byte[LARGE];
        final ObjectRef<?>[] live = new ObjectRef<?>[CHURN_LIVE];
        int next;
    }

    /** The rotating peer's buffers: the store's size in all, each written once at set-up. */
    @State(Scope.Thread)
    public static class Rotating {
        final byte[] large = new byte[LARGE];
        final UnsafeBuffer[] targets = new UnsafeBuffer[(int) (STORE_BYTES / LARGE)];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < targets.length; i++) {
                targets[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(LARGE));
                targets[i].setMemory(0, LARGE, (byte) 1);
            }
        }
    }
}
