package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel benchmarks share: the no-op task functions (one instance each, so a submission allocates no
 * lambda), kernel start and close, the check that closed kernels and pools left no thread behind, and the heap
 * figures of the queued-tasks benchmark.
 */
final class KernelBench {
    /** What a no-op task returns (a cached box: returning it allocates nothing). */
    static final Integer RESULT = 0;
    /** The no-op task for the kernel. */
    static final KFunc0<Integer> NOOP = KernelBench::noop;
    /** The no-op task taking the value of one ObjectRef (the queued tasks that wait for an argument). */
    static final KFunc1<Integer, Integer> NOOP1 = KernelBench::noop1;
    /** The same no-op for the JDK executors. */
    static final Callable<Integer> NOOP_CALLABLE = KernelBench::noop;
    /** Name prefix of every kernel thread (conductor, workers, object cleaner). */
    static final String KERNEL_THREAD_PREFIX = "kairos-";
    /** The process-wide thread that frees stored objects nobody references: shared by all kernels. */
    static final String CLEANER_THREAD = "kairos-object-cleaner";

    private KernelBench() {
    }

    static Integer noop() {
        return RESULT;
    }

    static Integer noop1(final Integer ignored) {
        return RESULT;
    }

    /** Gets every ref in order, clearing the array; the last value. */
    static Object getAll(final ObjectRef<?>[] refs) {
        Object last = null;
        for (int i = 0; i < refs.length; i++) {
            last = refs[i].get();
            refs[i] = null;
        }
        return last;
    }

    /** Gets every future in order, clearing the array; the last value. */
    static Object getAll(final Future<?>[] futures) throws ExecutionException, InterruptedException {
        Object last = null;
        for (int i = 0; i < futures.length; i++) {
            last = futures[i].get();
            futures[i] = null;
        }
        return last;
    }

    /** A JDK peer's async batch: submits a no-op per element of futures, then gets them all; the last value. */
    static Object submitAndGetAll(final ExecutorService pool, final Future<?>[] futures)
        throws ExecutionException, InterruptedException {
        for (int i = 0; i < futures.length; i++) {
            futures[i] = pool.submit(NOOP_CALLABLE);
        }
        return getAll(futures);
    }

    /** The ForkJoinPool's async batch: submits a no-op per element of tasks, then joins them all; the last value. */
    static Object submitAndJoinAll(final ForkJoinPool pool, final ForkJoinTask<?>[] tasks) {
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = pool.submit(NOOP_CALLABLE);
        }
        Object last = null;
        for (int i = 0; i < tasks.length; i++) {
            last = tasks[i].join();
            tasks[i] = null;
        }
        return last;
    }

    /** A kernel with one node of cpus CPUs, DEDICATED threading (a conductor thread plus up to cpus workers). */
    static Kernel startKernel(final int cpus) {
        return Kernel.start(new KernelContext().cpus(cpus));
    }

    /** A kernel journaling into a new temporary data directory (Chronicle journal, LMDB metadata). */
    static Kernel startJournaledKernel(final int cpus, final java.nio.file.Path dataDirectory) {
        return Kernel.start(new KernelContext().cpus(cpus).dataDirectory(dataDirectory));
    }

    /** Deletes a directory tree (a benchmark's data directory). */
    static void deleteTree(final java.nio.file.Path root) {
        if (root == null || !java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Between invocations, when the kernel's store is over half full: collects dropped refs and waits for their
     * objects to be freed, down to a quarter (outside the timing).
     *
     * @throws IllegalStateException if they are not freed within 20 s
     */
    static void makeStoreRoom(final Kernel kernel, final long storeBytes) {
        if (kernel.objectStoreStats().bytesUsed() < storeBytes / 2) {
            return;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            System.gc();
            Thread.onSpinWait();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("dropped objects were not freed in 20 s: " + kernel.objectStoreStats());
            }
        } while (kernel.objectStoreStats().bytesUsed() >= storeBytes / 4);
    }

    /**
     * Waits (up to 60 s) for the kernel's object-store prefault ({@link Kernel#objectStorePrefault()}) to end, so that
     * what a benchmark measures next is not the first touch of the store's pages: that costs more than a put's copy
     * here, and a benchmark that measured it would measure page faults.
     *
     * @throws IllegalStateException if it is still running after 60 s, or failed
     */
    static void awaitStorePrefault(final Kernel kernel) {
        final io.kairos.store.StorePrefault prefault = kernel.objectStorePrefault().orElseThrow(() ->
            new IllegalStateException("the kernel does not prefault its store: set objectStorePrefault(true)"));
        try {
            if (!prefault.await(java.time.Duration.ofSeconds(60))) {
                throw new IllegalStateException(prefault + " still running after 60 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + prefault, e);
        }
        if (prefault.failure() != null) {
            throw new IllegalStateException("the store's prefault failed: " + prefault.failure(), prefault.failure());
        }
    }

    /** Closes the kernel (null: nothing); the caller then drops its references, then {@link #checkNoKernelThreads}. */
    static void closeKernel(final Kernel kernel) {
        if (kernel != null) {
            kernel.close();
        }
    }

    /**
     * Fails if a kernel's conductor or worker thread is still alive 10 s after its kernel was closed: a benchmark
     * must leave no thread behind (the next trial in the same JVM would compete with it for the 2 cores). The
     * {@value #CLEANER_THREAD} thread is one daemon per process, shared by every kernel, by design: not counted.
     */
    static void checkNoKernelThreads() {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left = kernelThreads();
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            sleep(10);
            left = kernelThreads();
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("kernel threads alive 10 s after Kernel.close(): " + left);
        }
    }

    /** Live kernel threads (conductors, workers), not counting the process-wide object cleaner. */
    static List<String> kernelThreads() {
        final List<String> left = new java.util.ArrayList<>(liveThreads(KERNEL_THREAD_PREFIX, 0));
        left.removeIf(name -> name.startsWith(CLEANER_THREAD));
        return left;
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Shuts an executor down and waits for its threads; fails if they do not stop within 10 s. */
    static void shutdown(final ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(executor + " did not terminate within 10 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + executor, e);
        }
    }

    /** Names of live threads whose name starts with prefix, after waiting up to graceNanos for them to end. */
    static List<String> liveThreads(final String prefix, final long graceNanos) {
        final long deadline = System.nanoTime() + graceNanos;
        while (true) {
            final List<String> names = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().startsWith(prefix)) {
                    names.add(t.getName() + " (" + t.getState() + ")");
                }
            }
            if (names.isEmpty() || System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return names;
            }
            sleep(10);
        }
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread TLAB accounting). */
    static long threadAllocatedBytes() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean) {
            return ((com.sun.management.ThreadMXBean) threads).getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /** Heap in use after full collections (System.gc() until the figure settles, at most 5 times). */
    static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < (1L << 20)) {
                break;
            }
            previous = used;
        }
        return used;
    }
}
