package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.data.Dataset;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The data plugin's executor overhead (issue 20): an empty map over blocks of one row, counted, so that what is
 * measured is the executor's work per block (a task, its result, the block freed, the window moved). Peer: the same
 * per-block work hand-written on a {@code ThreadPoolExecutor} of the kernel's CPUs with the same window of blocks in
 * flight.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class DataBenchmark {
    /** Blocks per invocation. */
    public static final int BLOCKS = 10_000;
    /** The executor's window on 2 CPUs (2 x CPUs + 2), given to the peer too. */
    public static final int WINDOW = 6;

    /** A kernel of 2 CPUs, and the peer's pool of 2 threads. */
    @State(Scope.Benchmark)
    public static class Data {
        Kernel kernel;
        ExecutorService pool;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
            pool = Executors.newFixedThreadPool(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** {@value #BLOCKS} blocks of one row through an empty map, counted: the executor's cost per block. */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long empty_map_tiny_blocks(final Data d) {
        return Dataset.range(d.kernel, BLOCKS, 1).map(x -> x).count();
    }

    /** The peer: the same blocks as tasks on a thread pool, {@value #WINDOW} in flight, each mapped and counted. */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long executor_tiny_blocks(final Data d) throws ExecutionException, InterruptedException {
        final ArrayDeque<Future<List<Object>>> inFlight = new ArrayDeque<>(WINDOW);
        long count = 0;
        int next = 0;
        while (next < BLOCKS || !inFlight.isEmpty()) {
            while (next < BLOCKS && inFlight.size() < WINDOW) {
                final long row = next++;
                inFlight.add(d.pool.submit(() -> {
                    final List<Object> block = new ArrayList<>(1);
                    block.add(row);
                    final List<Object> mapped = new ArrayList<>(1);
                    for (final Object x : block) {
                        mapped.add(x);
                    }
                    return List.of((long) mapped.size());
                }));
            }
            count += (Long) inFlight.poll().get().get(0);
        }
        return count;
    }
}
