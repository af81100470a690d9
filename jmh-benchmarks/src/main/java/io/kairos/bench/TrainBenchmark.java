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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Peer: as many platform threads started by hand, each at a latch on entry (the floor of an in-process gang). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public long threads_gang_start(final Gang g) throws InterruptedException {
        LAST_ENTRY.set(0);
        final long start = System.nanoTime();
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(g.workers);
        final Thread[] threads = new Thread[g.workers];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                LAST_ENTRY.accumulateAndGet(System.nanoTime(), Math::max);
                entered.countDown();
            });
            threads[i].start();
        }
        entered.await();
        FootprintProfiler.publish(GANG_START_S, (LAST_ENTRY.get() - start) / 1e9, "s");
        for (final Thread t : threads) {
            t.join();
        }
        return LAST_ENTRY.get();
    }

    // ------------------------------------------------------------------------------------------------------------
    // recovery: kill -9 of a worker process, to every worker of the new group in its loop with the checkpoint read

    /** Secondary result of recovery: seconds from the kill to every worker of the new group past its restore. */
    public static final String RECOVERY_S = "train.recovery.s";
    /** Workers of the recovery run, each in a process of its own. */
    public static final int RECOVERY_WORKERS = 8;

    /** A kernel of a CPU per worker, and a directory for checkpoints and the victim's pid. */
    @State(Scope.Benchmark)
    public static class Recovery {
        Kernel kernel;
        Path dir;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            kernel = Kernel.start(new KernelContext().cpus(RECOVERY_WORKERS));
            dir = Files.createTempDirectory("kairos-train-recovery-");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            kernel.close();
            try (var files = Files.walk(dir)) {
                for (final Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The first group checkpoints, then rank 1 names its process and every rank idles until stopped; the second group
     * reads the checkpoint, meets, and rank 0 reports the wall-clock time it got there.
     */
    static void recoveryLoop(final TrainContext ctx) throws Exception {
        final Path pidFile = Path.of((String) ctx.config());
        if (ctx.restarts() == 0) {
            if (ctx.rank() == 0) {
                final Path checkpoint = ctx.newCheckpointDir();
                Files.writeString(checkpoint.resolve("state"), "step 10");
                ctx.report(Map.of("step", 10.0), checkpoint);
            }
            ctx.barrier();
            if (ctx.rank() == 1) {
                final Path tmp = Path.of(pidFile + ".tmp");
                Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
                Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Thread.sleep(60_000);  // until the group is stopped
            return;
        }
        Files.readString(ctx.latestCheckpoint().orElseThrow().resolve("state"));
        ctx.barrier();
        if (ctx.rank() == 0) {
            ctx.report(Map.of("recovered", (double) System.currentTimeMillis()));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public double recovery(final Recovery r) throws Exception {
        final Path pidFile = r.dir.resolve("victim-" + System.nanoTime() + ".pid");
        final Path checkpoints = r.dir.resolve("ckpt-" + System.nanoTime());
        final java.util.concurrent.CompletableFuture<TrainResult> run = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> Trainer.builder(r.kernel).workers(RECOVERY_WORKERS).workerProcesses(true)
                .jvm(TrainBenchmark::recoveryLoop, pidFile.toString()).checkpoints(checkpoints, 1).maxFailures(1)
                .run());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(pidFile)) {
            if (run.isDone() || System.nanoTime() > deadline) {
                run.get(1, TimeUnit.SECONDS);
                throw new IllegalStateException("the first group never reached its kill point");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final long pid = Long.parseLong(Files.readString(pidFile).trim());
        final long killedAt = System.currentTimeMillis();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        final TrainResult result = run.get(120, TimeUnit.SECONDS);
        final double seconds = (result.metrics().get("recovered") - killedAt) / 1e3;
        FootprintProfiler.publish(RECOVERY_S, seconds, "s");
        return seconds;
    }

    /** The peer's process: says it runs, and ends. */
    public static final class Ready {
        public static void main(final String[] args) {
            System.out.println("ready");
        }
    }

    /**
     * Peer: as many JVMs started by hand on this JVM's class path, each saying it runs (the floor of starting a new
     * group of worker processes).
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public double processes_start(final Recovery r) throws Exception {
        final String javaBin = ProcessHandle.current().info().command().orElse("java");
        final long start = System.nanoTime();
        final Process[] processes = new Process[RECOVERY_WORKERS];
        for (int i = 0; i < processes.length; i++) {
            processes[i] = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                Ready.class.getName()).redirectErrorStream(true).start();
        }
        for (final Process p : processes) {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                if (!"ready".equals(in.readLine())) {
                    throw new IllegalStateException("a peer JVM did not start");
                }
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        for (final Process p : processes) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        FootprintProfiler.publish(RECOVERY_S, seconds, "s");
        return seconds;
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
