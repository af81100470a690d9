package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.WaitResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ray's object microbenchmarks against the kernel's in-process object table (the values stay on the heap; the
 * shared-memory store has its own benchmarks, Store*):
 * <ul>
 *   <li>{@link #single_client_put_calls}: Ray's "single client put calls": {@code kernel.put} of a small value;</li>
 *   <li>{@link #single_client_get_calls}: Ray's "single client get calls": {@code get} of a ready ObjectRef;</li>
 *   <li>{@link #single_client_wait_1k_refs}: Ray's "single client wait 1k refs": {@code kernel.wait} on
 *       {@value #WAIT_REFS} ready refs with numReturns {@value #WAIT_REFS}; ops/s are wait calls.</li>
 * </ul>
 * Peers, same run: {@link ConcurrentHashMap} put and get (keys from a ring of {@value #KEY_RING}, so the map
 * stops growing), and {@link CompletableFuture#allOf} over {@value #WAIT_REFS} completed futures + join.
 * The kernel has one CPU (its conductor thread idles; no task runs).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelObjectsBenchmark {
    /** Refs per wait call. */
    public static final int WAIT_REFS = 1000;
    static final int KEY_RING = 65_536;
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Integer VALUE = 42;

    /** A kernel with a ready ref to get and {@value #WAIT_REFS} ready refs to wait on. */
    @State(Scope.Benchmark)
    public static class KernelState {
        Kernel kernel;
        ObjectRef<Integer> ready;
        List<ObjectRef<Integer>> readyRefs;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = KernelBench.startKernel(1);
            ready = kernel.put(VALUE);
            readyRefs = new ArrayList<>(WAIT_REFS);
            for (int i = 0; i < WAIT_REFS; i++) {
                readyRefs.add(kernel.put(i));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            ready = null;
            readyRefs = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** Peer: a map of Long keys (pre-boxed) to values. */
    @State(Scope.Benchmark)
    public static class MapState {
        final ConcurrentHashMap<Long, Integer> map = new ConcurrentHashMap<>(2 * KEY_RING);
        final Long[] keys = new Long[KEY_RING];
        Long present;
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < KEY_RING; i++) {
                keys[i] = (long) i * 0x9E3779B97F4A7C15L;
                map.put(keys[i], i);
            }
            present = keys[KEY_RING / 2];
        }

        Long nextKey() {
            final Long key = keys[next];
            next = (next + 1) & (KEY_RING - 1);
            return key;
        }
    }

    /** Peer: {@value #WAIT_REFS} completed futures. */
    @State(Scope.Benchmark)
    public static class FuturesState {
        final CompletableFuture<?>[] futures = new CompletableFuture<?>[WAIT_REFS];

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < WAIT_REFS; i++) {
                futures[i] = CompletableFuture.completedFuture(i);
            }
        }
    }

    /** Ray: "single client put calls". */
    @Benchmark
    public ObjectRef<Integer> single_client_put_calls(final KernelState s) {
        return s.kernel.put(VALUE);
    }

    /** Peer of single_client_put_calls: ConcurrentHashMap.put. */
    @Benchmark
    public Integer jdk_concurrent_hash_map_put(final MapState s) {
        return s.map.put(s.nextKey(), VALUE);
    }

    /** Ray: "single client get calls". */
    @Benchmark
    public Integer single_client_get_calls(final KernelState s) {
        return s.ready.get();
    }

    /** Peer of single_client_get_calls: ConcurrentHashMap.get. */
    @Benchmark
    public Integer jdk_concurrent_hash_map_get(final MapState s) {
        return s.map.get(s.present);
    }

    /** Ray: "single client wait 1k refs": numReturns = all {@value #WAIT_REFS}, all ready. */
    @Benchmark
    public WaitResult<Integer> single_client_wait_1k_refs(final KernelState s) {
        final WaitResult<Integer> result = s.kernel.wait(s.readyRefs, WAIT_REFS, WAIT_TIMEOUT);
        if (result.ready().size() != WAIT_REFS) {
            throw new IllegalStateException("wait returned " + result.ready().size() + " ready refs, not "
                + WAIT_REFS);
        }
        return result;
    }

    /** Peer of single_client_wait_1k_refs: CompletableFuture.allOf over {@value #WAIT_REFS} completed + join. */
    @Benchmark
    public Object jdk_completable_future_all_of_1k(final FuturesState s) {
        return CompletableFuture.allOf(s.futures).join();
    }
}
