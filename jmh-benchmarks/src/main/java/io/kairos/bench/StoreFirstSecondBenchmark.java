package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A kernel's first second of puts: every iteration starts a new kernel with a new {@value #STORE_BYTES}-byte store
 * (the set-up, not timed) and then puts {@value #SIZE}-byte arrays for one second, as
 * {@link KernelSharedObjectsBenchmark#single_client_put_calls_shared_store} does; so each iteration's score is the
 * puts/s of the first second after start. {@link #prefault} turns the store prefault
 * ({@link KernelContext#objectStorePrefault}) off or on: on, its thread runs while the puts do, as it would in a
 * service that takes requests as soon as it starts (start does not wait for it).
 *
 * <p>The warm-up iterations (each with a kernel of its own too) warm the JIT, so that the measured iterations differ
 * from one another only by the store's pages: the figure is about page faults, not about a cold JVM. Java frees a
 * dropped stored value at GC, so (outside the timed calls) a set-up collects and waits for the frees whenever the
 * store is more than half full, as in {@link KernelSharedObjectsBenchmark}.
 *
 * <p>Run: {@code ./kairos jmh StoreFirstSecondBenchmark -f 3 -rf json -rff first-second.json}; each measured
 * iteration is one kernel's first second, so the median over forks x iterations is the figure to quote.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
@State(Scope.Thread)
public class StoreFirstSecondBenchmark {
    /** Bytes of a value: above the inline threshold, so it goes to the shared store. */
    public static final int SIZE = KernelSharedObjectsBenchmark.SMALL;
    /** Puts per invocation. */
    public static final int BATCH = KernelSharedObjectsBenchmark.BATCH;
    /** The store, as in {@link KernelSharedObjectsBenchmark}. */
    static final long STORE_BYTES = KernelSharedObjectsBenchmark.STORE_BYTES;

    /** Whether the new kernel prefaults its store (on its own thread, not waited for). */
    @Param({"false", "true"})
    public boolean prefault;

    private final byte[] value = new byte[SIZE];
    private final ObjectRef<?>[] refs = new ObjectRef<?>[BATCH];
    private Kernel kernel;

    /** A new kernel, a new store: the iteration that follows is its first second. */
    @Setup(Level.Iteration)
    public void startKernel() {
        kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(STORE_BYTES).objectStorePrefault(prefault));
    }

    @TearDown(Level.Iteration)
    public void closeKernel() {
        Arrays.fill(refs, null);
        KernelBench.closeKernel(kernel);
        kernel = null;
        KernelBench.checkNoKernelThreads();
    }

    /** Outside the timed call: drops the last batch, and frees room when the store is over half full. */
    @Setup(Level.Invocation)
    public void makeRoom() {
        for (final ObjectRef<?> ref : refs) {
            if (ref != null && !ref.isStored()) {
                throw new IllegalStateException("a put stayed on the heap: " + kernel.objectStoreStats());
            }
        }
        Arrays.fill(refs, null);
        KernelBench.makeStoreRoom(kernel, STORE_BYTES);
    }

    /** {@value #BATCH} puts of a {@value #SIZE}-byte array into the new kernel's store. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object put_128KiB_first_second() {
        for (int i = 0; i < BATCH; i++) {
            refs[i] = kernel.put(value);
        }
        return refs[BATCH - 1];
    }
}
