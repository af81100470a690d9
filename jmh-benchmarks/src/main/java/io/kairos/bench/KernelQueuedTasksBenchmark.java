package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
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

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ray's "1,000,000+ queued tasks on a single node" (scalability envelope; release test
 * {@code single_node/test_single_node.py::test_many_queued_tasks}): the node's CPUs are held by blocker tasks,
 * one client submits {@value #QUEUED} no-op tasks that cannot run yet, then the blockers are released and every
 * task is drained (its result got).
 *
 * <p>Single-shot: the score is the time to submit all {@value #QUEUED} tasks <em>and</em> have the conductor take
 * them in (a {@link Kernel#resources()} query, answered by the conductor after every earlier command, ends the
 * measurement). Per iteration, outside the measured time, the tear-down also measures (and prints, and
 * publishes through {@link FootprintProfiler} as secondary results):
 * <ul>
 *   <li>{@value #ALLOCATED}: bytes the submitting thread allocated per task (HotSpot's per-thread count:
 *       garbage included, the conductor's own allocations excluded);</li>
 *   <li>{@value #RETAINED}: live heap per queued task, heap in use after System.gc() with the tasks queued minus
 *       the same before submitting (a rough figure: everything live counts, the caller's ObjectRefs and the
 *       kernel's queues included; the array holding the refs is allocated before the baseline);</li>
 *   <li>{@value #DRAIN}: seconds from releasing the blockers to the last result got.</li>
 * </ul>
 * Parameters: {@code workers} (default 2), the CPUs of the kernel's node (threads of the peer's pool), every one
 * held by a blocker; {@code blockedOn}: {@code cpu} (Ray's test) queues ready tasks behind the CPUs the blockers
 * hold; {@code dependency} makes every task take the blocker's result as its argument, so they wait in the
 * blocker result's dependents until it completes.
 *
 * <p>Peer, same run: {@link #jdk_thread_pool_many_queued_tasks}, {@value #QUEUED} {@code submit}s (a Future
 * each, as a task's ObjectRef) into a ThreadPoolExecutor whose {@code workers} threads are blocked.
 *
 * <p>The forks start with {@value #INITIAL_HEAP} (see {@link #INITIAL_HEAP}). Single-shot iterations of a million
 * tasks warm the JIT themselves, so 2 warm-up and 3 measured iterations per fork (each also drains a million
 * tasks, which takes the kernel seconds).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS,
    KernelQueuedTasksBenchmark.INITIAL_HEAP})
@Threads(1)
public class KernelQueuedTasksBenchmark {
    /**
     * The forks' initial heap: the full collections that measure the retained heap would otherwise shrink the heap
     * to a few tens of MB before every shot, and the shot would then pay for growing it again.
     */
    public static final String INITIAL_HEAP = "-Xms1g";
    /** System property: true to keep the tear-down from printing its figures (kairos bench kernel reads them). */
    public static final String QUIET_PROP = "kairos.bench.quiet";
    /** Tasks queued per iteration (the default of the {@code queued} parameter). */
    public static final int QUEUED = 1_000_000;
    /** Secondary result: bytes the submitting thread allocated per task. */
    public static final String ALLOCATED = "allocated.bytes.per.task";
    /** Secondary result: live heap bytes per queued task. */
    public static final String RETAINED = "retained.bytes.per.task";
    /** Secondary result: seconds to drain every queued task once the blockers are released. */
    public static final String DRAIN = "drain.seconds";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

    /** What a blocker task waits on. */
    record Gate(CountDownLatch started, CountDownLatch release) {
    }

    /**
     * A blocker: holds its CPU (and worker) until released. It waits on a latch, not on an ObjectRef, so the
     * kernel does not give its CPU back while it waits.
     */
    static Integer block(final Gate gate) throws InterruptedException {
        gate.started().countDown();
        if (!gate.release().await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("blocker was never released");
        }
        return KernelBench.RESULT;
    }

    /** The footprint figures of one iteration, measured around the submission. */
    abstract static class Footprint {
        CountDownLatch release;
        long heapBefore;
        long allocatedBefore;
        long allocated;

        /** Called after blockers hold every CPU: the baseline heap. */
        void baseline() {
            allocated = -1;
            heapBefore = KernelBench.usedHeapAfterGc();
        }

        /** Called on the submitting thread around the submission. */
        void startAllocationCount() {
            allocatedBefore = KernelBench.threadAllocatedBytes();
        }

        void stopAllocationCount() {
            allocated = KernelBench.threadAllocatedBytes() - allocatedBefore;
        }

        /** Measures the retained heap (tasks still queued), then releases the blockers and drains. */
        void measureReleaseAndDrain(final String subject) throws Exception {
            final long heapAfter = KernelBench.usedHeapAfterGc();
            final double retained = (double) (heapAfter - heapBefore) / queued();
            final double allocatedPerTask = allocated < 0 ? Double.NaN : (double) allocated / queued();
            release.countDown();
            final long start = System.nanoTime();
            drain();
            final double drainSeconds = (System.nanoTime() - start) / 1e9;
            FootprintProfiler.publish(ALLOCATED, allocatedPerTask, "B/task");
            FootprintProfiler.publish(RETAINED, retained, "B/task");
            FootprintProfiler.publish(DRAIN, drainSeconds, "s");
            if (Boolean.getBoolean(QUIET_PROP)) {
                return;
            }
            System.out.printf(Locale.ROOT, "%n%s, %,d queued tasks: %.1f B/task allocated by the submitter, "
                    + "%.1f B/task retained (heap after GC), drained in %.2f s%n", subject, queued(),
                allocatedPerTask, retained, drainSeconds);
        }

        abstract void drain() throws Exception;

        /** Tasks queued per iteration. */
        abstract int queued();
    }

    /** A kernel whose CPUs are held by blocker tasks. */
    @State(Scope.Benchmark)
    public static class QueuedKernel extends Footprint {
        /** CPUs of the kernel's node, all held by blockers. */
        @Param("2")
        int workers;

        /** Tasks queued per iteration (a smoke run of the harness queues fewer). */
        @Param("1000000")
        int queued;

        @Override
        int queued() {
            return queued;
        }

        @Param({"cpu", "dependency"})
        String blockedOn;

        Kernel kernel;
        ObjectRef<Integer>[] blockers;
        ObjectRef<?>[] refs;

        @SuppressWarnings("unchecked")
        @Setup(Level.Iteration)
        public void setUp() throws InterruptedException {
            kernel = KernelBench.startKernel(workers);
            release = new CountDownLatch(1);
            final Gate gate = new Gate(new CountDownLatch(workers), release);
            blockers = new ObjectRef[workers];
            for (int i = 0; i < workers; i++) {
                blockers[i] = kernel.task(KernelQueuedTasksBenchmark::block, gate).remote();
            }
            if (!gate.started().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the kernel did not start " + workers + " blocker tasks in 30 s");
            }
            refs = new ObjectRef<?>[queued];
            baseline();
        }

        @TearDown(Level.Iteration)
        public void tearDown() throws Exception {
            try {
                measureReleaseAndDrain("Kernel (blocked on " + blockedOn + ")");
            } finally {
                if (release != null) {
                    release.countDown();
                }
                refs = null;
                KernelBench.closeKernel(kernel);
                kernel = null;
                blockers = null;
                KernelBench.checkNoKernelThreads();
            }
        }

        @Override
        void drain() {
            for (final ObjectRef<Integer> blocker : blockers) {
                blocker.get(DRAIN_TIMEOUT);
            }
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            for (int i = 0; i < refs.length; i++) {
                final Object value = refs[i].get(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (value != KernelBench.RESULT) {
                    throw new IllegalStateException("task " + i + " returned " + value);
                }
                refs[i] = null;
            }
        }
    }

    /** Peer: a fixed pool whose threads are all blocked. */
    @State(Scope.Benchmark)
    public static class QueuedThreadPool extends Footprint {
        /** Threads of the pool, all blocked. */
        @Param("2")
        int workers;

        @Param("1000000")
        int queued;

        @Override
        int queued() {
            return queued;
        }

        ThreadPoolExecutor pool;
        Future<?>[] futures;

        @Setup(Level.Iteration)
        public void setUp() throws InterruptedException {
            pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            release = new CountDownLatch(1);
            final Gate gate = new Gate(new CountDownLatch(workers), release);
            for (int i = 0; i < workers; i++) {
                pool.execute(() -> {
                    try {
                        block(gate);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            if (!gate.started().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pool did not start " + workers + " blockers in 30 s");
            }
            futures = new Future<?>[queued];
            baseline();
        }

        @TearDown(Level.Iteration)
        public void tearDown() throws Exception {
            try {
                measureReleaseAndDrain("ThreadPoolExecutor");
            } finally {
                if (release != null) {
                    release.countDown();
                }
                futures = null;
                KernelBench.shutdown(pool);
                pool = null;
            }
        }

        @Override
        void drain() throws ExecutionException, InterruptedException, TimeoutException {
            final long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            for (int i = 0; i < futures.length; i++) {
                futures[i].get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                futures[i] = null;
            }
        }
    }

    /**
     * Ray: "1,000,000 queued tasks" (test_many_queued_tasks). Submits {@value #QUEUED} no-op tasks that cannot
     * run yet; ends when the conductor has taken them all in.
     */
    @Benchmark
    public Object many_queued_tasks(final QueuedKernel s) {
        final Kernel kernel = s.kernel;
        final ObjectRef<?>[] refs = s.refs;
        s.startAllocationCount();
        if ("dependency".equals(s.blockedOn)) {
            final ObjectRef<Integer> gate = s.blockers[0];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = kernel.task(KernelBench.NOOP1, gate).remote();
            }
        } else {
            for (int i = 0; i < refs.length; i++) {
                refs[i] = kernel.task(KernelBench.NOOP).remote();
            }
        }
        final Object barrier = kernel.resources();  // answered after every submission above was taken in
        s.stopAllocationCount();
        return barrier;
    }

    /** Peer of many_queued_tasks: {@value #QUEUED} submits into a ThreadPoolExecutor whose threads are blocked. */
    @Benchmark
    public Object jdk_thread_pool_many_queued_tasks(final QueuedThreadPool s) {
        final ThreadPoolExecutor pool = s.pool;
        final Future<?>[] futures = s.futures;
        s.startAllocationCount();
        for (int i = 0; i < futures.length; i++) {
            futures[i] = pool.submit(KernelBench.NOOP_CALLABLE);
        }
        s.stopAllocationCount();
        return futures;
    }
}
