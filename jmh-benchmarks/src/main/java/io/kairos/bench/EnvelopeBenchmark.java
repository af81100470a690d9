package io.kairos.bench;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.spi.scheduling.PlacementStrategy;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Ray's scalability envelope (release/benchmarks: many_actors, many_tasks, many_pgs, many queued tasks, many
 * arguments, many returns, a get of many objects, huge objects) on one kernel, each a single shot in a fresh kernel:
 * the figure is measured inside the shot and published with the shot's peak heap and store bytes
 * ({@link EnvelopeFootprint}). The 1,000,000 queued tasks are {@link KernelQueuedTasksBenchmark}'s. Peers, same run:
 * single-thread executors for actors, JVM starts for actors in worker JVMs, a cached thread pool for tasks held at
 * once, completed futures for the get, a memory copy for the large put.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class EnvelopeBenchmark {
    /** Secondary results of many_actors: actors/s of its first round and of its slowest. */
    public static final String FIRST_ROUND = "envelope.first.round";
    public static final String SLOWEST_ROUND = "envelope.slowest.round";
    /** Secondary results of many_actors: median ns of a new actor's first call (get included), and of its second. */
    public static final String FIRST_CALL = "envelope.first.call.ns";
    public static final String WARM_CALL = "envelope.warm.call.ns";
    /** Secondary result of the large object: its get, GB/s. */
    public static final String GET_RATE = "envelope.get.gbps";
    /** The fork's heap for the large-object steps (the value, its copy from a get, and room). */
    public static final String LARGE_HEAP = "-Xmx5g";
    /** New actors whose first and second calls are timed one at a time. */
    static final int TIMED_ACTORS = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** An in-process actor: one counter. */
    public static final class Counter implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private int count;

        public Integer increment() {
            return ++count;
        }
    }

    /** A kernel for one shot: 2 CPUs, the rest as the step asks. */
    @State(Scope.Benchmark)
    public static class Actors {
        /** Actors per round. */
        @Param("10000")
        int actors;

        /** Rounds in one kernel (every round's actors are killed before the next). */
        @Param("3")
        int rounds;

        Kernel kernel;

        @Setup(Level.Iteration)
        public void setUp() {
            kernel = KernelBench.startKernel(2);
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /**
     * Ray's many_actors (551 actors/s published): rounds of {@code actors} in-process actors, each created and called
     * once (every call got), then killed; actors/s over all rounds, of the first and of the slowest. Then, one at a
     * time, {@value #TIMED_ACTORS} new actors' first call (got right after the creation was submitted) and second.
     */
    @Benchmark
    public Object many_actors(final Actors s) {
        final Kernel kernel = s.kernel;
        final double[] rates = new double[s.rounds];
        long total = 0;
        for (int round = 0; round < s.rounds; round++) {
            final List<ActorHandle<Counter>> handles = new ArrayList<>(s.actors);
            final List<ObjectRef<Integer>> calls = new ArrayList<>(s.actors);
            final long start = System.nanoTime();
            for (int i = 0; i < s.actors; i++) {
                handles.add(kernel.actor(Counter::new).remote());
            }
            for (final ActorHandle<Counter> handle : handles) {
                calls.add(handle.task(Counter::increment).remote());
            }
            kernel.get(calls, TIMEOUT);
            final long took = System.nanoTime() - start;
            total += took;
            rates[round] = s.actors / (took / 1e9);
            for (final ActorHandle<Counter> handle : handles) {
                kernel.kill(handle, true);
            }
        }
        final double[] first = new double[TIMED_ACTORS];
        final double[] warm = new double[TIMED_ACTORS];
        for (int i = 0; i < TIMED_ACTORS; i++) {
            final ActorHandle<Counter> actor = kernel.actor(Counter::new).remote();
            final long t0 = System.nanoTime();
            actor.task(Counter::increment).remote().get(TIMEOUT);
            final long t1 = System.nanoTime();
            actor.task(Counter::increment).remote().get(TIMEOUT);
            warm[i] = System.nanoTime() - t1;
            first[i] = t1 - t0;
            kernel.kill(actor, true);
        }
        EnvelopeFootprint.publish((double) s.actors * s.rounds / (total / 1e9), "actors/s",
            EnvelopeFootprint.storeMib(kernel));
        FootprintProfiler.publish(FIRST_ROUND, rates[0], "actors/s");
        FootprintProfiler.publish(SLOWEST_ROUND, Arrays.stream(rates).min().orElse(Double.NaN), "actors/s");
        FootprintProfiler.publish(FIRST_CALL, median(first), "ns");
        FootprintProfiler.publish(WARM_CALL, median(warm), "ns");
        return rates;
    }

    /** Peer of many_actors: single-thread executors, each created and given one task (its future got), then shut down. */
    @Benchmark
    public Object jdk_single_thread_executors(final Actors s) throws Exception {
        final double[] rates = new double[s.rounds];
        long total = 0;
        for (int round = 0; round < s.rounds; round++) {
            final List<ExecutorService> executors = new ArrayList<>(s.actors);
            final List<Future<Integer>> calls = new ArrayList<>(s.actors);
            final long start = System.nanoTime();
            for (int i = 0; i < s.actors; i++) {
                final ExecutorService executor = Executors.newSingleThreadExecutor();
                executors.add(executor);
                final Counter counter = new Counter();
                calls.add(executor.submit(counter::increment));
            }
            for (final Future<Integer> call : calls) {
                call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            final long took = System.nanoTime() - start;
            total += took;
            rates[round] = s.actors / (took / 1e9);
            executors.forEach(ExecutorService::shutdown);
            for (final ExecutorService executor : executors) {
                executor.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        EnvelopeFootprint.publish((double) s.actors * s.rounds / (total / 1e9), "actors/s", 0);
        FootprintProfiler.publish(FIRST_ROUND, rates[0], "actors/s");
        FootprintProfiler.publish(SLOWEST_ROUND, Arrays.stream(rates).min().orElse(Double.NaN), "actors/s");
        return rates;
    }

    /** A kernel whose actors live in worker JVMs, several to a JVM; no JVM is started before the shot. */
    @State(Scope.Benchmark)
    public static class IsolatedActors {
        /** Actors in worker JVMs. */
        @Param("1000")
        int isolatedActors;
        /** Actors one worker JVM hosts ({@code KernelContext.actorsPerWorkerProcess}): 4 JVMs, 2 a core here. */
        @Param("250")
        int actorsPerProcess;

        Kernel kernel;

        @Setup(Level.Iteration)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(2).actorsPerWorkerProcess(actorsPerProcess));
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** many_actors in worker JVMs: created, called once (got), killed; actors/s, the on-demand JVM starts included. */
    @Benchmark
    public Object many_actors_isolated(final IsolatedActors s) {
        final Kernel kernel = s.kernel;
        final List<ActorHandle<Counter>> handles = new ArrayList<>(s.isolatedActors);
        final List<ObjectRef<Integer>> calls = new ArrayList<>(s.isolatedActors);
        final long start = System.nanoTime();
        for (int i = 0; i < s.isolatedActors; i++) {
            handles.add(kernel.actor(Counter::new).setIsolated(true).remote());
        }
        for (final ActorHandle<Counter> handle : handles) {
            calls.add(handle.task(Counter::increment).remote());
        }
        kernel.get(calls, TIMEOUT);
        final long took = System.nanoTime() - start;
        EnvelopeFootprint.publish(s.isolatedActors / (took / 1e9), "actors/s", EnvelopeFootprint.storeMib(kernel));
        handles.forEach(h -> kernel.kill(h, true));
        return calls;
    }

    /** Beside many_actors_isolated: 16 JVMs started one after the other ({@code java -version}), starts/s. */
    @Benchmark
    public Object jvm_starts(final IsolatedActors s) throws IOException, InterruptedException {
        final int starts = Math.min(16, s.isolatedActors);
        final long start = System.nanoTime();
        for (int i = 0; i < starts; i++) {
            final Process process = new ProcessBuilder(JvmFlags.javaExecutable(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("java -version did not end in 60 s");
            }
        }
        final long took = System.nanoTime() - start;
        EnvelopeFootprint.publish(starts / (took / 1e9), "JVMs/s", 0);
        return took;
    }

    /** A kernel of 2 CPUs that lets {@code tasks} workers run at once. */
    @State(Scope.Benchmark)
    public static class HeldTasks {
        /** Tasks running at once, each holding 2 / tasks CPUs. */
        @Param("10000")
        int tasks;

        Kernel kernel;

        @Setup(Level.Iteration)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(2).maxWorkersPerNode(tasks + 16));
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** A task that holds its worker (and its CPU share) until released. */
    static Integer hold(final KernelQueuedTasksBenchmark.Gate gate) throws InterruptedException {
        return KernelQueuedTasksBenchmark.block(gate);
    }

    /**
     * Ray's many_tasks: {@code tasks} tasks running at once, each holding a fractional CPU and waiting on a latch;
     * tasks/s until all of them run, then they are released and got.
     */
    @Benchmark
    public Object many_tasks(final HeldTasks s) throws InterruptedException {
        final Kernel kernel = s.kernel;
        final KernelQueuedTasksBenchmark.Gate gate = new KernelQueuedTasksBenchmark.Gate(
            new CountDownLatch(s.tasks), new CountDownLatch(1));
        final List<ObjectRef<Integer>> refs = new ArrayList<>(s.tasks);
        final Map<String, Double> share = Map.of("CPU", 2.0 / s.tasks);
        final long start = System.nanoTime();
        for (int i = 0; i < s.tasks; i++) {
            refs.add(kernel.task(EnvelopeBenchmark::hold, gate).setResources(share).remote());
        }
        if (!gate.started().await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            gate.release().countDown();
            throw new IllegalStateException(gate.started().getCount() + " of " + s.tasks + " tasks never started");
        }
        final long took = System.nanoTime() - start;
        EnvelopeFootprint.publish(s.tasks / (took / 1e9), "tasks/s", EnvelopeFootprint.storeMib(kernel));
        gate.release().countDown();
        return kernel.get(refs, TIMEOUT);
    }

    /** Peer of many_tasks: a cached thread pool, each task waiting on the latch. */
    @Benchmark
    public Object jdk_cached_thread_pool_held_tasks(final HeldTasks s) throws Exception {
        final KernelQueuedTasksBenchmark.Gate gate = new KernelQueuedTasksBenchmark.Gate(
            new CountDownLatch(s.tasks), new CountDownLatch(1));
        final ExecutorService pool = Executors.newCachedThreadPool();
        try {
            final List<Future<Integer>> futures = new ArrayList<>(s.tasks);
            final long start = System.nanoTime();
            for (int i = 0; i < s.tasks; i++) {
                futures.add(pool.submit(() -> hold(gate)));
            }
            if (!gate.started().await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(gate.started().getCount() + " tasks never started");
            }
            final long took = System.nanoTime() - start;
            EnvelopeFootprint.publish(s.tasks / (took / 1e9), "tasks/s", 0);
            gate.release().countDown();
            for (final Future<Integer> future : futures) {
                future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            return futures;
        } finally {
            gate.release().countDown();
            KernelBench.shutdown(pool);
        }
    }

    /** A kernel of 2 CPUs for the object and group steps. */
    @State(Scope.Benchmark)
    public static class Objects {
        /** Placement groups of many_pgs. */
        @Param("1000")
        int groups;

        /** ObjectRefs one task takes (in a list), and objects of the 10k get. */
        @Param("10000")
        int refs;

        /** Objects one task returns (as a list of refs it put). */
        @Param("3000")
        int returns;

        Kernel kernel;

        @Setup(Level.Iteration)
        public void setUp() {
            kernel = KernelBench.startKernel(2);
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** Ray's many_pgs (18.9 groups/s published): groups of one small bundle created, all ready, then removed. */
    @Benchmark
    public Object many_pgs(final Objects s) {
        final Kernel kernel = s.kernel;
        final List<PlacementGroup> groups = new ArrayList<>(s.groups);
        final List<Map<String, Double>> bundle = List.of(Map.of("CPU", 1.0 / s.groups));
        final long start = System.nanoTime();
        for (int i = 0; i < s.groups; i++) {
            groups.add(kernel.createPlacementGroup(bundle, PlacementStrategy.PACK));
        }
        for (final PlacementGroup group : groups) {
            if (!group.ready(TIMEOUT)) {
                throw new IllegalStateException(group + " not ready in " + TIMEOUT);
            }
        }
        final long took = System.nanoTime() - start;
        EnvelopeFootprint.publish(s.groups / (took / 1e9), "groups/s", EnvelopeFootprint.storeMib(kernel));
        groups.forEach(kernel::removePlacementGroup);
        return groups;
    }

    /** The task of many_args: gets every ref of its list argument (the API has no varargs form); their count. */
    static Integer sumOf(final Kernel kernel, final List<ObjectRef<Integer>> refs) {
        return kernel.get(refs, TIMEOUT).size();
    }

    /** Ray's "a task with 10,000 ObjectRef arguments": one task taking a list of refs, which it gets; args/s. */
    @Benchmark
    public Object many_args(final Objects s) {
        final Kernel kernel = s.kernel;
        final long start = System.nanoTime();
        final List<ObjectRef<Integer>> refs = new ArrayList<>(s.refs);
        for (int i = 0; i < s.refs; i++) {
            refs.add(kernel.put(i));
        }
        final int got = kernel.task(EnvelopeBenchmark::sumOf, kernel, refs).remote().get(TIMEOUT);
        final long took = System.nanoTime() - start;
        check(got == s.refs, "the task got " + got + " of " + s.refs + " refs");
        EnvelopeFootprint.publish(s.refs / (took / 1e9), "args/s", EnvelopeFootprint.storeMib(kernel));
        return got;
    }

    /**
     * The task of many_returns: puts {@code count} objects and hands their refs over through {@code out} (the API has
     * no num_returns, and a task's result is a value: a list of refs is not one); how many.
     */
    static Integer putMany(final Kernel kernel, final Integer count,
                           final java.util.concurrent.atomic.AtomicReference<List<ObjectRef<Integer>>> out) {
        final List<ObjectRef<Integer>> refs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            refs.add(kernel.put(i));
        }
        out.set(refs);
        return count;
    }

    /** Ray's "3,000 returns from one task": a task putting 3,000 objects, handing their refs over; every one got. */
    @Benchmark
    public Object many_returns(final Objects s) {
        final Kernel kernel = s.kernel;
        final java.util.concurrent.atomic.AtomicReference<List<ObjectRef<Integer>>> out =
            new java.util.concurrent.atomic.AtomicReference<>();
        final long start = System.nanoTime();
        final int count = kernel.task(EnvelopeBenchmark::putMany, kernel, s.returns, out).remote().get(TIMEOUT);
        final List<Integer> values = kernel.get(out.get(), TIMEOUT);
        final long took = System.nanoTime() - start;
        check(count == s.returns && values.size() == s.returns, "got " + values.size() + " of " + s.returns);
        EnvelopeFootprint.publish(s.returns / (took / 1e9), "returns/s", EnvelopeFootprint.storeMib(kernel));
        return values;
    }

    /** Ray's "10,000 objects in one get": puts, then one get of them all; objects/s of the get. */
    @Benchmark
    public Object get_many(final Objects s) {
        final Kernel kernel = s.kernel;
        final List<ObjectRef<Integer>> refs = new ArrayList<>(s.refs);
        for (int i = 0; i < s.refs; i++) {
            refs.add(kernel.put(i));
        }
        final long start = System.nanoTime();
        final List<Integer> values = kernel.get(refs, TIMEOUT);
        final long took = System.nanoTime() - start;
        check(values.size() == s.refs, "got " + values.size());
        EnvelopeFootprint.publish(s.refs / (took / 1e9), "objects/s", EnvelopeFootprint.storeMib(kernel));
        return values;
    }

    /** Peer of get_many: a list of completed futures, each joined. */
    @Benchmark
    public Object jdk_completed_futures_get(final Objects s) {
        final List<java.util.concurrent.CompletableFuture<Integer>> futures = new ArrayList<>(s.refs);
        for (int i = 0; i < s.refs; i++) {
            futures.add(java.util.concurrent.CompletableFuture.completedFuture(i));
        }
        final long start = System.nanoTime();
        final List<Integer> values = new ArrayList<>(s.refs);
        for (final java.util.concurrent.CompletableFuture<Integer> future : futures) {
            values.add(future.join());
        }
        final long took = System.nanoTime() - start;
        EnvelopeFootprint.publish(s.refs / (took / 1e9), "objects/s", 0);
        return values;
    }

    /** A store that holds the large object (prefaulted: no first-touch page faults in the shot), and the value. */
    @State(Scope.Benchmark)
    public static class Large {
        /**
         * Bytes of the largest object: one byte[] (the Java API's largest value, under 2 GiB); 1 GiB by default, as
         * this machine (23 GiB, shared) allows beside other work.
         */
        @Param("1073741824")
        long largeBytes;

        Kernel kernel;
        byte[] value;
        byte[] destination;

        @Setup(Level.Iteration)
        public void setUp() {
            check(largeBytes > 0 && largeBytes <= Integer.MAX_VALUE - 64, "largeBytes " + largeBytes
                + " must be 1 to " + (Integer.MAX_VALUE - 64) + " (one byte[])");
            value = new byte[(int) largeBytes];
            Arrays.fill(value, (byte) 7);
            EnvelopeFootprint.resetPeaks();
        }

        void startKernel() {
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(largeBytes + (64L << 20))
                .objectStorePrefault(true));
            KernelBench.awaitStorePrefault(kernel);
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            value = null;
            destination = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** The largest object this machine allows: put into the shared store, then got back; put GB/s (get: secondary). */
    @Benchmark
    public Object large_object(final Large s) {
        s.startKernel();
        final Kernel kernel = s.kernel;
        final long t0 = System.nanoTime();
        final ObjectRef<byte[]> ref = kernel.put(s.value);
        final long t1 = System.nanoTime();
        final byte[] back = ref.get(TIMEOUT);
        final long t2 = System.nanoTime();
        check(back.length == s.value.length && back[back.length - 1] == 7, "the object came back wrong");
        EnvelopeFootprint.publish(s.largeBytes / ((t1 - t0) / 1e9) / 1e9, "GB/s", EnvelopeFootprint.storeMib(kernel));
        FootprintProfiler.publish(GET_RATE, s.largeBytes / ((t2 - t1) / 1e9) / 1e9, "GB/s");
        return back.length;
    }

    /** Peer of large_object's put: a copy of the same bytes into a byte[] touched before (as the store was). */
    @Benchmark
    public Object memory_copy_large(final Large s) {
        s.destination = new byte[s.value.length];
        Arrays.fill(s.destination, (byte) 1);
        final long t0 = System.nanoTime();
        System.arraycopy(s.value, 0, s.destination, 0, s.value.length);
        final long took = System.nanoTime() - t0;
        EnvelopeFootprint.publish(s.largeBytes / (took / 1e9) / 1e9, "GB/s", 0);
        return s.destination[s.destination.length - 1];
    }

    /** Objects larger in all than the store: they must spill to disk. */
    @State(Scope.Benchmark)
    public static class Spilling {
        /** Bytes of the store; four objects of half of it are put, so at least half of them spill. */
        @Param("268435456")
        long spillStoreBytes;

        Kernel kernel;
        Path directory;
        byte[][] values;

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            directory = Files.createTempDirectory("kairos-bench-envelope-spill-");
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(spillStoreBytes)
                .spillDirectory(directory).objectStorePrefault(true));
            KernelBench.awaitStorePrefault(kernel);
            values = new byte[4][];
            for (int i = 0; i < values.length; i++) {
                values[i] = new byte[(int) (spillStoreBytes / 2)];
                Arrays.fill(values[i], (byte) i);
            }
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            values = null;
            KernelBench.deleteTree(directory);
            KernelBench.checkNoKernelThreads();
        }
    }

    /** More bytes than the store holds: four objects of half the store put (two or more spill), then all got; GB/s. */
    @Benchmark
    public Object larger_than_store(final Spilling s) {
        final Kernel kernel = s.kernel;
        final long start = System.nanoTime();
        final List<ObjectRef<byte[]>> refs = new ArrayList<>();
        for (final byte[] value : s.values) {
            refs.add(kernel.put(value));
        }
        long bytes = 0;
        for (int i = 0; i < refs.size(); i++) {
            final byte[] back = refs.get(i).get(TIMEOUT);
            check(back.length == s.values[i].length && back[0] == (byte) i, "object " + i + " came back wrong");
            bytes += back.length;
        }
        final long took = System.nanoTime() - start;
        check(kernel.spillStats().spilledObjects() > 0, "nothing spilled: " + kernel.spillStats());
        EnvelopeFootprint.publish(2.0 * bytes / (took / 1e9) / 1e9, "GB/s", EnvelopeFootprint.storeMib(kernel));
        return bytes;
    }

    private static void check(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
