package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.train.TrainContext;
import io.kairos.train.TrainResult;
import io.kairos.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The training plugin (issue 21). Gang start: from {@code run()} to every worker in its loop (published as
 * {@value #GANG_START_S}; the score is the whole run, start to end) for 8, 64 and 1,024 workers of one CPU each
 * (1,024 over 16 simulated nodes of 64 CPUs). Overhead: a data-parallel gradient descent (each rank's gradient over
 * its samples, summed over the ranks every step) by a trainer of 2 workers against the same loop on 2 threads by hand,
 * its sum through a {@code CyclicBarrier}, on a kernel of 2 CPUs.
 */
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class TrainBenchmark {
    /** Secondary result of gang_start: seconds from run() to the last worker in its loop. */
    public static final String GANG_START_S = "train.gang.start.s";
    /** Samples per rank, features, and steps of the descent. */
    public static final int SAMPLES = 100_000;
    public static final int FEATURES = 16;
    public static final int STEPS = 30;
    public static final int WORKERS = 2;

    private static final AtomicLong LAST_ENTRY = new AtomicLong();

    /** A kernel with a CPU per worker: one node up to 64, else 16 nodes of 64. */
    @State(Scope.Benchmark)
    public static class Gang {
        @Param({"8", "64", "1024"})
        public int workers;
        Kernel kernel;

        @Setup(Level.Trial)
        public void setUp() {
            final KernelContext context = new KernelContext();
            if (workers <= 64) {
                context.cpus(workers);
            } else {
                for (int n = 0; n < workers / 64; n++) {
                    context.node("node-" + n, Map.of("CPU", 64.0), Map.of());
                }
            }
            kernel = Kernel.start(context);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            kernel.close();
        }
    }

    static void enter(final TrainContext context) {
        LAST_ENTRY.accumulateAndGet(System.nanoTime(), Math::max);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public TrainResult gang_start(final Gang g) {
        LAST_ENTRY.set(0);
        final long start = System.nanoTime();
        final TrainResult r = Trainer.builder(g.kernel).workers(g.workers).resourcesPerWorker(Map.of("CPU", 1.0))
            .strategy(PlacementStrategy.PACK).jvm(TrainBenchmark::enter, null).run();
        FootprintProfiler.publish(GANG_START_S, (LAST_ENTRY.get() - start) / 1e9, "s");
        return r;
    }

    // ------------------------------------------------------------------------------------------------------------
    // overhead: the same descent by the trainer and by hand

    /** A kernel of 2 CPUs and the peer's 2 threads. */
    @State(Scope.Benchmark)
    public static class Descent {
        Kernel kernel;
        ExecutorService threads;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(WORKERS));
            threads = Executors.newFixedThreadPool(WORKERS);
            data(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            threads.shutdownNow();
            kernel.close();
        }
    }

    private static final double[][][] X = new double[WORKERS][][];
    private static final double[][] Y = new double[WORKERS][];

    /** Rank's samples, made once per JVM (seeded). */
    static synchronized double[][] data(final int rank) {
        if (X[rank] == null) {
            final SplittableRandom random = new SplittableRandom(11 + rank);
            X[rank] = new double[SAMPLES][FEATURES];
            Y[rank] = new double[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                double z = 0;
                for (int j = 0; j < FEATURES; j++) {
                    X[rank][i][j] = random.nextDouble(-1, 1);
                    z += X[rank][i][j] * (j % 3 - 1);
                }
                Y[rank][i] = 1 / (1 + Math.exp(-z)) > random.nextDouble() ? 1 : 0;
            }
        }
        return X[rank];
    }

    /** How a rank sums a vector over the ranks. */
    interface Reduce {
        double[] sum(double[] values) throws Exception;
    }

    /** The descent of one rank: its gradient each step, summed over the ranks; returns the weights. */
    static double[] descend(final int rank, final Reduce reduce) throws Exception {
        final double[][] x = data(rank);
        final double[] y = Y[rank];
        final double[] w = new double[FEATURES];
        for (int s = 0; s < STEPS; s++) {
            final double[] g = new double[FEATURES];
            for (int i = 0; i < x.length; i++) {
                double z = 0;
                for (int j = 0; j < FEATURES; j++) {
                    z += w[j] * x[i][j];
                }
                final double err = 1 / (1 + Math.exp(-z)) - y[i];
                for (int j = 0; j < FEATURES; j++) {
                    g[j] += err * x[i][j];
                }
            }
            final double[] sum = reduce.sum(g);
            for (int j = 0; j < FEATURES; j++) {
                w[j] -= 0.5 * sum[j] / (SAMPLES * WORKERS);
            }
        }
        return w;
    }

    static void trainLoop(final TrainContext context) throws Exception {
        final double[] w = descend(context.rank(), context::allReduce);
        if (context.rank() == 0) {
            context.report(Map.of("w0", w[0]));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double trainer_descent(final Descent d) {
        return Trainer.builder(d.kernel).workers(WORKERS).jvm(TrainBenchmark::trainLoop, null).run()
            .metrics().get("w0");
    }

    /** Peer: the same descent on 2 threads, the sum through a barrier whose action adds the parts. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double hand_descent(final Descent d) throws Exception {
        final double[][] parts = new double[WORKERS][];
        final double[][] total = new double[1][];
        final CyclicBarrier barrier = new CyclicBarrier(WORKERS, () -> {
            final double[] t = new double[FEATURES];
            for (final double[] p : parts) {
                for (int j = 0; j < FEATURES; j++) {
                    t[j] += p[j];
                }
            }
            total[0] = t;
        });
        @SuppressWarnings("unchecked")
        final Future<double[]>[] runs = new Future[WORKERS];
        for (int r = 0; r < WORKERS; r++) {
            final int rank = r;
            runs[r] = d.threads.submit(() -> descend(rank, values -> {
                parts[rank] = values;
                try {
                    barrier.await();
                } catch (final BrokenBarrierException e) {
                    throw new IllegalStateException(e);
                }
                return total[0].clone();
            }));
        }
        double w0 = 0;
        for (final Future<double[]> f : runs) {
            w0 = f.get()[0];
        }
        return w0;
    }
}
