package io.kairos.bench;

import io.kairos.Kernel;
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

import com.lmax.disruptor.dsl.ProducerType;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ray's "single client tasks async" and "single client tasks sync" (python/ray/_private/ray_perf.py): one client
 * thread submits no-op tasks to an embedded {@link Kernel} and gets their results.
 * <ul>
 *   <li>{@link #single_client_tasks_async}: submit {@value #TASKS} no-op tasks, then get all; the score counts
 *       tasks (ops/s = tasks/s).</li>
 *   <li>{@link #single_client_tasks_sync}: submit one no-op task and get it; also in SampleTime mode, for the
 *       p50/p99 round trip.</li>
 *   <li>{@link #multi_client_tasks_async}: Ray's "multi client tasks async": as single_client_tasks_async, from
 *       every JMH thread at once (run it with {@code -t 2}, {@code -t 4}: the submitting threads).</li>
 * </ul>
 * The kernel has one node of {@code workers} CPUs (a parameter, default 2: a conductor thread plus up to 2 worker
 * threads on this 2-core machine). Peers, measured in the same run with the same number of threads and the same no-op:
 * a fixed {@link ThreadPoolExecutor} (submit + {@code Future.get}), a {@link ForkJoinPool} (submit + join) and
 * {@link CompletableFuture#supplyAsync(Supplier, java.util.concurrent.Executor)} on such a ForkJoinPool (+ join).
 * Also the LMAX Disruptor as a hand-off to one consumer thread ({@link DisruptorHandOff}): the ceiling of a
 * lock-free hand-off, without scheduling. Each subject is its own {@link State}, so only the one measured has
 * threads in that fork.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelTasksBenchmark {
    /** Tasks per invocation of the async benchmarks. */
    public static final int TASKS = 1000;

    /** The kernel and its result refs. */
    @State(Scope.Benchmark)
    public static class KernelState {
        /** CPUs of the kernel's node (and threads of each peer). */
        @Param("2")
        int workers;

        Kernel kernel;
        final ObjectRef<?>[] refs = new ObjectRef<?>[TASKS];

        @Setup(Level.Trial)
        public void setUp() {
            kernel = KernelBench.startKernel(workers);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            Arrays.fill(refs, null);
            KernelBench.checkNoKernelThreads();
        }
    }

    /** The kernel with a journal (Chronicle, in a temporary data directory): what journaling costs. */
    @State(Scope.Benchmark)
    public static class JournaledKernelState {
        @Param("2")
        int workers;

        Kernel kernel;
        java.nio.file.Path dataDirectory;
        final ObjectRef<?>[] refs = new ObjectRef<?>[TASKS];

        @Setup(Level.Trial)
        public void setUp() throws java.io.IOException {
            dataDirectory = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of(System.getProperty("kairos.bench.dir", System.getProperty("java.io.tmpdir"))), "kairos-bench-journal-");
            kernel = KernelBench.startJournaledKernel(workers, dataDirectory);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            Arrays.fill(refs, null);
            KernelBench.checkNoKernelThreads();
            KernelBench.deleteTree(dataDirectory);
        }
    }

    /** Peer: a fixed pool of {@code workers} threads, unbounded queue. */
    @State(Scope.Benchmark)
    public static class ThreadPoolState {
        @Param("2")
        int workers;

        ThreadPoolExecutor pool;
        final Future<?>[] futures = new Future<?>[TASKS];

        @Setup(Level.Trial)
        public void setUp() {
            pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            pool.prestartAllCoreThreads();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.shutdown(pool);
        }
    }

    /** Peer: a ForkJoinPool of {@code workers} threads (the common pool has 1 on 2 cores). */
    @State(Scope.Benchmark)
    public static class ForkJoinState {
        @Param("2")
        int workers;

        ForkJoinPool pool;
        final ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[TASKS];
        final CompletableFuture<?>[] futures = new CompletableFuture<?>[TASKS];

        @Setup(Level.Trial)
        public void setUp() {
            pool = new ForkJoinPool(workers);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.shutdown(pool);
        }
    }

    /** Peer: the Disruptor hand-off, one producer. */
    @State(Scope.Benchmark)
    public static class DisruptorState {
        DisruptorHandOff handOff;
        final long[] sequences = new long[TASKS];

        @Setup(Level.Trial)
        public void setUp() {
            handOff = new DisruptorHandOff(RING, producers());
        }

        ProducerType producers() {
            return ProducerType.SINGLE;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            handOff.close();
        }
    }

    /** Peer: the Disruptor hand-off, any number of producers (the multi-client benchmarks). */
    public static class MultiDisruptorState extends DisruptorState {
        @Override
        ProducerType producers() {
            return ProducerType.MULTI;
        }
    }

    /** One submitting thread's arrays (the multi-client benchmarks). */
    @State(Scope.Thread)
    public static class Client {
        final ObjectRef<?>[] refs = new ObjectRef<?>[TASKS];
        final Future<?>[] futures = new Future<?>[TASKS];
        final ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[TASKS];
        final long[] sequences = new long[TASKS];
    }

    /** Disruptor ring slots: room for every producer's batch (up to 8 producers) with no wrap before it is read. */
    static final int RING = 8192;

    private static final Supplier<Integer> NOOP_SUPPLIER = KernelBench::noop;

    // ---------------------------------------------------------------------------------------------------------
    // async: submit TASKS, then get them all

    /** Ray: "single client tasks async". Submit {@value #TASKS} no-op tasks, then get every result. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object single_client_tasks_async(final KernelState s) {
        return submitAndGetAll(s.kernel, s.refs);
    }

    private static Object submitAndGetAll(final Kernel kernel, final ObjectRef<?>[] refs) {
        for (int i = 0; i < refs.length; i++) {
            refs[i] = kernel.task(KernelBench.NOOP).remote();
        }
        return KernelBench.getAll(refs);
    }

    /**
     * single_client_tasks_async on a kernel that journals every transition (submitted, started, finished) to
     * Chronicle Queue: the journal's overhead is this against {@link #single_client_tasks_async}, in the same run.
     */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object single_client_tasks_async_journaled(final JournaledKernelState s) {
        return submitAndGetAll(s.kernel, s.refs);
    }

    /** Peer of single_client_tasks_async: ThreadPoolExecutor submit x {@value #TASKS}, then Future.get each. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object jdk_thread_pool_tasks_async(final ThreadPoolState s) throws ExecutionException,
        InterruptedException {
        return KernelBench.submitAndGetAll(s.pool, s.futures);
    }

    /** Peer of single_client_tasks_async: ForkJoinPool submit x {@value #TASKS}, then join each. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object jdk_fork_join_tasks_async(final ForkJoinState s) {
        return KernelBench.submitAndJoinAll(s.pool, s.tasks);
    }

    /** Peer of single_client_tasks_async: CompletableFuture.supplyAsync x {@value #TASKS} on the ForkJoinPool. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object jdk_completable_future_tasks_async(final ForkJoinState s) {
        final CompletableFuture<?>[] futures = s.futures;
        for (int i = 0; i < TASKS; i++) {
            futures[i] = CompletableFuture.supplyAsync(NOOP_SUPPLIER, s.pool);
        }
        Object last = null;
        for (int i = 0; i < TASKS; i++) {
            last = futures[i].join();
            futures[i] = null;
        }
        return last;
    }

    /** Peer of single_client_tasks_async: publish {@value #TASKS} calls to the Disruptor, wait, read each. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object disruptor_tasks_async(final DisruptorState s) {
        return s.handOff.callAll(KernelBench.NOOP_CALLABLE, s.sequences);
    }

    // ---------------------------------------------------------------------------------------------------------
    // multi client async: every JMH thread submits TASKS, then gets them all

    /** Ray: "multi client tasks async". Each JMH thread submits {@value #TASKS} no-op tasks, then gets all. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object multi_client_tasks_async(final KernelState s, final Client c) {
        return submitAndGetAll(s.kernel, c.refs);
    }

    /** Peer of multi_client_tasks_async: ThreadPoolExecutor, from every JMH thread. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object jdk_thread_pool_multi_client_tasks_async(final ThreadPoolState s, final Client c)
        throws ExecutionException, InterruptedException {
        return KernelBench.submitAndGetAll(s.pool, c.futures);
    }

    /** Peer of multi_client_tasks_async: ForkJoinPool, from every JMH thread. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object jdk_fork_join_multi_client_tasks_async(final ForkJoinState s, final Client c) {
        return KernelBench.submitAndJoinAll(s.pool, c.tasks);
    }

    /** Peer of multi_client_tasks_async: the Disruptor (multi-producer), from every JMH thread. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object disruptor_multi_client_tasks_async(final MultiDisruptorState s, final Client c) {
        return s.handOff.callAll(KernelBench.NOOP_CALLABLE, c.sequences);
    }

    // ---------------------------------------------------------------------------------------------------------
    // sync: one task, get it

    /** Ray: "single client tasks sync". Submit one no-op task and get its result. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object single_client_tasks_sync(final KernelState s) {
        return s.kernel.task(KernelBench.NOOP).remote().get();
    }

    /** Peer of single_client_tasks_sync: ThreadPoolExecutor submit + Future.get. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object jdk_thread_pool_tasks_sync(final ThreadPoolState s) throws ExecutionException,
        InterruptedException {
        return s.pool.submit(KernelBench.NOOP_CALLABLE).get();
    }

    /** Peer of single_client_tasks_sync: ForkJoinPool submit + join. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object jdk_fork_join_tasks_sync(final ForkJoinState s) {
        return s.pool.submit(KernelBench.NOOP_CALLABLE).join();
    }

    /** Peer of single_client_tasks_sync: CompletableFuture.supplyAsync on the ForkJoinPool + join. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object jdk_completable_future_tasks_sync(final ForkJoinState s) {
        return CompletableFuture.supplyAsync(NOOP_SUPPLIER, s.pool).join();
    }

    /** Peer of single_client_tasks_sync: publish one call to the Disruptor and wait for it. */
    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object disruptor_tasks_sync(final DisruptorState s) {
        return s.handOff.call(KernelBench.NOOP_CALLABLE);
    }
}
