package io.kairos.train;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real data-parallel job: logistic regression by full-batch gradient descent, each rank's shard's gradient summed
 * over the group by the all-reduce every step, checked against the same steps run in one process.
 */
@Timeout(120)
class TrainerTest {
    static final int SAMPLES = 2_000;
    static final int FEATURES = 8;
    static final double LEARNING_RATE = 0.5;

    @TempDir
    Path dir;

    private Kernel kernel;

    @AfterEach
    void close() {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** The job's settings: steps, a checkpoint every few, and which rank throws at which step on the first run. */
    record Job(int steps, int checkpointEvery, int failingRank, int failAtStep, String pidFile, int stepMillis)
        implements Serializable {
        Job(final int steps, final int checkpointEvery, final int failingRank, final int failAtStep) {
            this(steps, checkpointEvery, failingRank, failAtStep, null, 0);
        }

        Job(final int steps, final int checkpointEvery, final int failingRank, final int failAtStep,
            final String pidFile) {
            this(steps, checkpointEvery, failingRank, failAtStep, pidFile, 0);
        }
    }

    static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

    static double[][] features() {
        final SplittableRandom random = new SplittableRandom(42);
        final double[][] x = new double[SAMPLES][FEATURES];
        for (final double[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        return x;
    }

    static double[] labels(final double[][] x) {
        final SplittableRandom random = new SplittableRandom(7);
        final double[] truth = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            truth[j] = random.nextDouble(-2, 2);
        }
        final double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = sigmoid(dot(truth, x[i])) > random.nextDouble() ? 1 : 0;
        }
        return y;
    }

    static double sigmoid(final double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static double dot(final double[] a, final double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** The gradient of the log loss over the samples from..to step stride, summed (last slot: the loss). */
    static double[] gradient(final double[] w, final double[][] x, final double[] y, final int from, final int stride) {
        final double[] g = new double[FEATURES + 1];
        for (int i = from; i < x.length; i += stride) {
            final double p = sigmoid(dot(w, x[i]));
            for (int j = 0; j < FEATURES; j++) {
                g[j] += (p - y[i]) * x[i][j];
            }
            g[FEATURES] -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
        }
        return g;
    }

    static void step(final double[] w, final double[] sum) {
        for (int j = 0; j < FEATURES; j++) {
            w[j] -= LEARNING_RATE * sum[j] / SAMPLES;
        }
    }

    /** The training loop every rank runs: its shard is every worldSize-th sample from its rank. */
    static void train(final TrainContext ctx) throws Exception {
        final Job job = ctx.config();
        final double[][] x = features();
        final double[] y = labels(x);
        double[] w = new double[FEATURES];
        int start = 0;
        if (ctx.latestCheckpoint().isPresent()) {
            try (DataInputStream in = new DataInputStream(Files.newInputStream(
                ctx.latestCheckpoint().get().resolve("model.bin")))) {
                start = in.readInt();
                for (int j = 0; j < FEATURES; j++) {
                    w[j] = in.readDouble();
                }
            }
        }
        double loss = 0;
        for (int s = start; s < job.steps(); s++) {
            if (ctx.rank() == job.failingRank() && s == job.failAtStep() && job.pidFile() != null
                && ctx.restarts() == 0) {
                final Path tmp = Path.of(job.pidFile() + ".tmp");  // a worker process: the test kills it -9 now
                Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
                Files.move(tmp, Path.of(job.pidFile()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(Duration.ofSeconds(60).toMillis());
            }
            if (ctx.rank() == job.failingRank() && s == job.failAtStep() && job.pidFile() == null
                && FAILURES_LEFT.getAndDecrement() > 0) {
                throw new IllegalStateException("rank " + ctx.rank() + " fails at step " + s + " (injected)");
            }
            if (job.stepMillis() > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(job.stepMillis() * 1_000_000L);  // a longer step
            }
            final double[] sum = ctx.allReduce(gradient(w, x, y, ctx.rank(), ctx.worldSize()));
            step(w, sum);
            loss = sum[FEATURES] / SAMPLES;
            if (ctx.rank() == 0 && (s + 1) % job.checkpointEvery() == 0 && s + 1 < job.steps()) {
                final Path checkpoint = ctx.newCheckpointDir();
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(
                    checkpoint.resolve("model.bin")))) {
                    out.writeInt(s + 1);
                    for (final double v : w) {
                        out.writeDouble(v);
                    }
                }
                ctx.report(Map.of("step", (double) (s + 1), "loss", loss), checkpoint);
            }
        }
        if (ctx.rank() == 0) {
            final Map<String, Double> metrics = new HashMap<>();
            metrics.put("step", (double) job.steps());
            metrics.put("loss", loss);
            for (int j = 0; j < FEATURES; j++) {
                metrics.put("w" + j, w[j]);
            }
            ctx.report(metrics);
        }
    }

    /** The same steps in one process. */
    static double[] sequential(final int steps) {
        final double[][] x = features();
        final double[] y = labels(x);
        final double[] w = new double[FEATURES];
        for (int s = 0; s < steps; s++) {
            step(w, gradient(w, x, y, 0, 1));
        }
        return w;
    }

    private static double[] weights(final TrainResult r) {
        final double[] w = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            w[j] = r.metrics().get("w" + j);
        }
        return w;
    }

    private static void assertClose(final double[] expected, final double[] actual, final double relative) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], relative * Math.abs(expected[j]), "w" + j);
        }
    }

    @Test
    void fourWorkersReachTheSingleProcessModel() {
        kernel = Kernel.start(new KernelContext().cpus(4));
        FAILURES_LEFT.set(0);
        final TrainResult r = Trainer.builder(kernel).workers(4).resourcesPerWorker(Map.of("CPU", 1.0))
            .jvm(TrainerTest::train, new Job(60, 20, -1, -1)).checkpoints(dir.resolve("ckpt"), 2).run();
        assertClose(sequential(60), weights(r), 1e-9);
        assertEquals(0, r.failures());
        assertEquals(List.of(20.0, 40.0, 60.0), r.history().stream().map(m -> m.get("step")).toList());
        assertTrue(r.history().get(2).get("loss") < r.history().get(0).get("loss"), "the loss falls");
        assertEquals(dir.resolve("ckpt").resolve("checkpoint_000001").toAbsolutePath(), r.checkpoint().orElseThrow());
        assertEquals(List.of("checkpoint_000000", "checkpoint_000001"),
            listCheckpoints(dir.resolve("ckpt")), "both kept (keep 2)");
        assertIdle(kernel, "every worker's resources given back");
    }

    @Test
    void aWorkerThatFailsRestartsTheGroupFromTheLatestCheckpoint() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(3));
        FAILURES_LEFT.set(1);
        final TrainResult r = Trainer.builder(kernel).workers(3)
            .jvm(TrainerTest::train, new Job(50, 10, 1, 25)).checkpoints(dir.resolve("ckpt"), 1).maxFailures(1).run();
        assertEquals(1, r.failures());
        assertClose(sequential(50), weights(r), 1e-9);
        assertEquals(List.of(10.0, 20.0, 30.0, 40.0, 50.0), r.history().stream().map(m -> m.get("step")).toList(),
            "the failed group's reports up to its failure, then the new group's from step 20 on");
        assertEquals(List.of("checkpoint_000003"), listCheckpoints(dir.resolve("ckpt")), "only the newest kept");
        assertEquals(List.of("checkpoint_000003"), Files.readAllLines(dir.resolve("ckpt").resolve(Checkpoints.INDEX)));
    }

    @Test
    void runAsyncTellsEachGroupsStartReportsAndFailureAsTheyHappen() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        FAILURES_LEFT.set(1);
        final List<TrainEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final TrainResult r = Trainer.builder(kernel).workers(2).jvm(TrainerTest::train, new Job(20, 10, 1, 15))
            .checkpoints(dir.resolve("ckpt"), 1).maxFailures(1).onEvent(events::add).runAsync()
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of(TrainEvent.Kind.GROUP_STARTED, TrainEvent.Kind.REPORTED, TrainEvent.Kind.GROUP_FAILED,
            TrainEvent.Kind.GROUP_STARTED, TrainEvent.Kind.REPORTED, TrainEvent.Kind.FINISHED),
            events.stream().map(TrainEvent::kind).toList());
        assertEquals(10.0, events.get(1).metrics().get("step"));
        assertTrue(String.valueOf(events.get(2).error()).contains("rank 1 fails at step 15 (injected)"));
        assertEquals(List.of(0, 0, 0, 1, 1, 1), events.stream().map(TrainEvent::group).toList());
        assertEquals(r.metrics(), events.get(4).metrics());
    }

    /**
     * Elastic: two of four CPUs are taken when the run starts, so it starts with 2 workers; once they are freed the
     * group grows to 4 from the latest checkpoint (not a failure), and the model is the single-process one.
     */
    @Test
    void anElasticGroupGrowsWhenResourcesAppear() {
        kernel = Kernel.start(new KernelContext().cpus(4));
        final io.kairos.PlacementGroup taken = kernel.createPlacementGroup(List.of(Map.of("CPU", 2.0)),
            PlacementStrategy.PACK);
        assertTrue(taken.ready(Duration.ofSeconds(10)));
        FAILURES_LEFT.set(0);
        final List<TrainEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();
        final TrainResult r = Trainer.builder(kernel).workers(2, 4)
            .healthCheck(Duration.ofMillis(20), Duration.ofSeconds(30))
            .jvm(TrainerTest::train, new Job(60, 10, -1, -1, null, 10)).checkpoints(dir.resolve("ckpt"), 2)
            .onEvent(e -> {
                events.add(e);
                if (e.kind() == TrainEvent.Kind.REPORTED && freed.compareAndSet(false, true)) {
                    kernel.removePlacementGroup(taken);
                }
            }).run();
        assertEquals(List.of(2, 4), events.stream().filter(e -> e.kind() == TrainEvent.Kind.GROUP_STARTED)
            .map(TrainEvent::workers).toList(), "2 workers, then 4 once the CPUs were free");
        assertEquals(0, r.failures(), "a resize is not a failure");
        assertClose(sequential(60), weights(r), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(kernel).workers(3, 2));
    }

    @Test
    void withNoFailuresAllowedTheRunFailsWithTheWorkersError() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        FAILURES_LEFT.set(5);
        final TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> Trainer.builder(kernel)
            .workers(2).jvm(TrainerTest::train, new Job(10, 5, 1, 3)).run());
        assertTrue(e.getMessage().contains("rank 1 fails at step 3 (injected)"), e::getMessage);
        assertTrue(e.getMessage().contains("maxFailures (0)"), e::getMessage);
        assertIdle(kernel, "the group's bundles freed");
    }

    @Test
    void aDriverStartedAgainOnTheSameDirectoryResumes() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        FAILURES_LEFT.set(1);
        assertThrows(TrainingFailedException.class, () -> Trainer.builder(kernel).workers(2)
            .jvm(TrainerTest::train, new Job(40, 10, 0, 35)).checkpoints(dir.resolve("ckpt"), 3).run());
        FAILURES_LEFT.set(0);
        final TrainResult r = Trainer.builder(kernel).workers(2)
            .jvm(TrainerTest::train, new Job(40, 10, 0, 35)).checkpoints(dir.resolve("ckpt"), 3).run();
        assertEquals(List.of(40.0), r.history().stream().map(m -> m.get("step")).toList(), "resumed at step 30");
        assertClose(sequential(40), weights(r), 1e-9);
    }

    static final AtomicInteger HANGS_LEFT = new AtomicInteger();

    /** Rank 1 hangs (no collective, no report) on the first run of the group, until its actor is killed. */
    static void hangOnce(final TrainContext ctx) throws InterruptedException {
        ctx.barrier();
        if (ctx.rank() == 1 && HANGS_LEFT.getAndDecrement() > 0) {
            final long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                Thread.sleep(5);  // hung: says nothing to the group
            }
            return;
        }
        ctx.report(Map.of("done", 1.0));
        ctx.barrier();
    }

    @Test
    void aHungWorkerIsFoundByTheHealthCheckAndTheGroupStartsAgain() {
        kernel = Kernel.start(new KernelContext().cpus(4));
        HANGS_LEFT.set(1);
        final long start = System.nanoTime();
        final TrainResult r = Trainer.builder(kernel).workers(2)
            .healthCheck(Duration.ofMillis(50), Duration.ofMillis(500)).maxFailures(1)
            .jvm(TrainerTest::hangOnce, null).run();
        assertEquals(1, r.failures());
        assertEquals(List.of(Map.of("done", 1.0), Map.of("done", 1.0)), r.history(), "rank 0 reported in both groups");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "found within the timeout, not after");
        HANGS_LEFT.set(1);
        final TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> Trainer.builder(kernel)
            .workers(2).healthCheck(Duration.ofMillis(50), Duration.ofMillis(500)).jvm(TrainerTest::hangOnce, null)
            .run());
        assertTrue(e.getMessage().contains("rank 1 was silent for over 500 ms"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(kernel)
            .healthCheck(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }

    /**
     * kill -9 of a worker process at a step drawn at random (seeded): the group starts again from the latest
     * checkpoint and ends on the weights of the uninterrupted run; with maxFailures(0) the run fails naming it.
     */
    @Test
    @Timeout(240)
    void aWorkerProcessKilledMidRunRestartsTheGroupFromTheLatestCheckpoint() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final int killAt = 10 + new SplittableRandom(2026).nextInt(20);
        final Path pidFile = dir.resolve("rank1.pid");
        final java.util.concurrent.CompletableFuture<TrainResult> run = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> Trainer.builder(kernel).workers(2).workerProcesses(true)
                .jvm(TrainerTest::train, new Job(40, 5, 1, killAt, pidFile.toString()))
                .checkpoints(dir.resolve("ckpt"), 2).maxFailures(1).run());
        killWhenReady(pidFile, run);
        final TrainResult r = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, r.failures());
        assertClose(sequential(40), weights(r), 1e-9);
        assertIdle(kernel, "every bundle given back");

        final Path second = dir.resolve("again.pid");
        final java.util.concurrent.CompletableFuture<TrainResult> failing = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> Trainer.builder(kernel).workers(2).workerProcesses(true)
                .jvm(TrainerTest::train, new Job(40, 5, 1, killAt, second.toString()))
                .checkpoints(dir.resolve("ckpt2"), 1).run());
        killWhenReady(second, failing);
        final java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> failing.get(120, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TrainingFailedException && e.getCause().getMessage().contains("maxFailures (0)"),
            () -> String.valueOf(e.getCause()));
    }

    /** Waits (bounded) for the worker to write its pid, then kills that process as kill -9 does. */
    private void killWhenReady(final Path pidFile, final java.util.concurrent.Future<?> run) throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(pidFile)) {
            if (run.isDone()) {
                run.get();  // its failure, if it failed before the kill step
                throw new AssertionError("the run ended before its worker reached the kill step");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no worker wrote " + pidFile + " within 90 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(kernel.workerProcessIds().contains(pid), "the rank runs in a worker process of the kernel: " + pid
            + " in " + kernel.workerProcessIds());
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "killed");
    }

    static final Map<Integer, Long> SHARD_ROWS = new ConcurrentHashMap<>();

    /** Two epochs over this rank's shard; the sums all-reduced, rank 0 reports the total. */
    static void sumShard(final TrainContext ctx) {
        final io.kairos.data.Dataset<Long> shard = ctx.shard("train");
        double total = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            long rows = 0;
            double sum = 0;
            for (final java.util.Iterator<List<Long>> it = shard.iterBatches(64); it.hasNext(); ) {
                for (final long x : it.next()) {
                    sum += x;
                    rows++;
                }
            }
            SHARD_ROWS.merge(ctx.rank(), rows, (a, b) -> a.equals(b) ? a : -1L);
            total = ctx.allReduce(new double[] {sum})[0];
        }
        if (ctx.rank() == 0) {
            ctx.report(Map.of("total", total));
        }
    }

    @Test
    void eachWorkerReadsItsShardOfTheDatasetEveryEpoch() {
        kernel = Kernel.start(new KernelContext().cpus(4).objectStoreBytes(64L << 20));
        SHARD_ROWS.clear();
        final TrainResult r = Trainer.builder(kernel).workers(3)
            .dataset("train", io.kairos.data.Dataset.range(kernel, 1_000, 128).progress(false))
            .jvm(TrainerTest::sumShard, null).run();
        assertEquals(1_000.0 * 999 / 2, r.metrics().get("total"), "every row once, all-reduced");
        assertEquals(Set.of(0, 1, 2), SHARD_ROWS.keySet());
        for (final long rows : SHARD_ROWS.values()) {
            assertTrue(rows == 333 || rows == 334, "equal within one, the same each epoch: " + rows);
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Trainer.builder(kernel).dataset("", io.kairos.data.Dataset.range(kernel, 1, 1)));
        assertTrue(e.getMessage().contains("name"), e::getMessage);
    }

    static final Map<Integer, Map<String, String>> ENVS = new ConcurrentHashMap<>();

    static void recordEnv(final TrainContext ctx) {
        ENVS.put(ctx.rank(), ctx.env());
        assertEquals(ctx, TrainContext.current());
    }

    @Test
    void everyWorkerGetsTheRendezvous() {
        kernel = Kernel.start(new KernelContext().cpus(4).simulatedGpus("4x16GiB"));
        ENVS.clear();
        Trainer.builder(kernel).workers(4).resourcesPerWorker(Map.of("CPU", 1.0, "GPU", 1.0))
            .strategy(PlacementStrategy.PACK).jvm(TrainerTest::recordEnv, null).run();
        assertEquals(Set.of(0, 1, 2, 3), ENVS.keySet(), "ranks unique and dense");
        final Set<String> ports = new TreeSet<>();
        for (final Map.Entry<Integer, Map<String, String>> e : ENVS.entrySet()) {
            final Map<String, String> env = e.getValue();
            assertEquals(String.valueOf(e.getKey()), env.get("RANK"));
            assertEquals(env.get("RANK"), env.get("LOCAL_RANK"), "one node: local ranks are the ranks");
            assertEquals("4", env.get("WORLD_SIZE"));
            assertEquals("4", env.get("LOCAL_WORLD_SIZE"));
            assertEquals("0", env.get("NODE_RANK"));
            assertEquals("127.0.0.1", env.get("MASTER_ADDR"));
            assertEquals("0,1,2,3", env.get("CUDA_VISIBLE_DEVICES"), "the union of the group's GPUs on the node");
            ports.add(env.get("MASTER_PORT"));
        }
        assertEquals(1, ports.size(), "one master port");
        assertTrue(Integer.parseInt(ports.iterator().next()) > 0);
    }

    @Test
    void aGroupNoNodeCanHoldFailsNamingItsResources() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> Trainer.builder(kernel)
            .workers(3).resourcesPerWorker(Map.of("CPU", 1.0)).strategy(PlacementStrategy.STRICT_PACK)
            .startTimeout(Duration.ofSeconds(5)).jvm(TrainerTest::recordEnv, null).run());
        assertTrue(e.getMessage().contains("3 worker(s) of {CPU=1.0}"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder(kernel).workers(0));
        assertThrows(IllegalStateException.class, () -> Trainer.builder(kernel).run());
    }

    private static List<String> listCheckpoints(final Path root) throws RuntimeException {
        try (var files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint_")).sorted()
                .toList();
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every node's resources back, within 10 s (the placement group's removal and the actors' ends are asynchronous). */
    static void assertIdle(final Kernel kernel, final String what) {
        final long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!kernel.resources().stream().allMatch(n -> n.available().equals(n.total()))
            && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertTrue(kernel.resources().stream().allMatch(n -> n.available().equals(n.total())),
            what + ": " + kernel.resources());
    }
}
