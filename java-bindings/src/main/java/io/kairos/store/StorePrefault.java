package io.kairos.store;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store's arena made resident in the background: one daemon thread, named {@value #THREAD_NAME_PREFIX}NAME, that
 * goes over the arena chunk by chunk, from its start (where the allocator places the first objects) to its end, twice
 * (first {@link SharedObjectStore#reservePages}, then the mapping half of {@link SharedObjectStore#prefault}), and then
 * ends by itself. Made by {@link SharedObjectStore#prefaultInBackground}.
 *
 * <p>Why: the first write to each page of a tmpfs segment costs more than copying the page's bytes (measured here:
 * 0.38 to 1.6 GB/s into fresh pages, 19 GB/s and more into the same pages again), so a store's first puts run at a
 * fraction of their steady rate. Why two passes: a single pass that faults pages in runs no faster than a put faulting
 * its own, so puts made right after start would catch up with it and still pay full first touches; reserving is much
 * faster than faulting, so it keeps ahead of the puts, and a put into a reserved page pays about half a first touch;
 * the mapping pass then removes the other half. {@code StoreFirstSecondBenchmark} (jmh-benchmarks) measures a
 * kernel's first second of puts with and without it. A prefault changes no byte and takes no store lock: a put made
 * meanwhile is never blocked by it.
 *
 * <p>The store's {@link SharedObjectStore#close()} stops the thread and waits for it: the native call in flight
 * stops at its next 2 MiB slice once the handle is closed, and no page is touched after the unmap. The thread also
 * ends early, quietly, if the store is closed while it runs; any other failure (out of memory or of /dev/shm space)
 * ends it with {@link #failure()} set. If /dev/shm has less free space than the store when it starts, it does nothing
 * and says so in {@link #failure()}: reserving would fill /dev/shm for every process of the machine.
 *
 * <p>Thread-safe.
 */
public final class StorePrefault {
    /** The thread's name is this followed by the store's name. */
    public static final String THREAD_NAME_PREFIX = "kairos-prefault-";
    /** Bytes per native call unless told otherwise: 64 MiB, ~0.04 to 0.2 s of one core on this machine. */
    public static final long CHUNK_BYTES_DEFAULT = 64L << 20;
    /** Chunks are rounded down to a whole number of these (and are at least one). */
    public static final long CHUNK_GRANULE = 2L << 20;
    private static final int UNSUPPORTED = -16;  // KAIROS_ERR_UNSUPPORTED
    private static final java.nio.file.Path SHM = java.nio.file.Path.of("/dev/shm");

    private final SharedObjectStore store;
    private final long chunkBytes;
    private final long bytesToPopulate;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile long bytesReserved;
    private volatile long bytesPopulated;
    private volatile boolean complete;
    private volatile Throwable failure;
    private volatile long startNanos;
    private volatile long endNanos;

    StorePrefault(final SharedObjectStore store, final long chunkBytes) {
        if (chunkBytes < 1) {
            throw new StoreInvalidArgumentException("chunkBytes " + chunkBytes + " must be > 0");
        }
        this.store = store;
        this.chunkBytes = Math.max(CHUNK_GRANULE, chunkBytes / CHUNK_GRANULE * CHUNK_GRANULE);
        this.bytesToPopulate = store.capacity();
        this.thread = new Thread(this::run, THREAD_NAME_PREFIX + store.name());
        this.thread.setDaemon(true);
    }

    void start() {
        startNanos = System.nanoTime();
        thread.start();
    }

    private void run() {
        try {
            final long free = freeShmBytes();
            if (free >= 0 && free < bytesToPopulate) {
                throw new StoreException(0, "prefault '" + store.name() + "': " + SHM
                    + " has " + free + " bytes free, less than the store's " + bytesToPopulate
                    + ": not prefaulted (it would fill " + SHM + ")");
            }
            // Pass 1 reserves the whole arena (fast: it keeps well ahead of the puts, which then pay about half a
            // first touch); pass 2 maps it (after it, a put pays no fault at all).
            long offset = 0;
            long reserved = 0;
            while (offset < bytesToPopulate && !stopRequested && !store.isClosed()) {
                final long n = Math.min(chunkBytes, bytesToPopulate - offset);
                try {
                    reserved += store.reservePages(offset, n);
                } catch (final StoreException e) {
                    if (e.status() != UNSUPPORTED) {
                        throw e;
                    }
                    break;  // no fallocate here: pass 2 alone populates the pages
                }
                bytesReserved = reserved;
                offset += n;
            }
            offset = 0;
            long populated = 0;
            while (offset < bytesToPopulate && !stopRequested && !store.isClosed()) {
                final long n = Math.min(chunkBytes, bytesToPopulate - offset);
                populated += store.mapPages(offset, n);
                bytesPopulated = populated;
                offset += n;
            }
            complete = offset >= bytesToPopulate;
        } catch (final StoreClosedException e) {
            // closed while a chunk was in flight: the native call stopped; nothing to report
        } catch (final RuntimeException | Error e) {
            failure = e;
        } finally {
            endNanos = System.nanoTime();
            ended.countDown();
        }
    }

    /** Free bytes in /dev/shm, or -1 if unknown. */
    private static long freeShmBytes() {
        try {
            return java.nio.file.Files.getFileStore(SHM).getUsableSpace();
        } catch (final java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Asks the thread to stop after its current chunk (the store's close also stops the chunk in flight). */
    void requestStop() {
        stopRequested = true;
    }

    /** Waits for the thread to end, however long; keeps the caller's interrupt status. */
    void awaitEnd() {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (final InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the prefault: the thread ends after the chunk in flight (at most {@link #chunkBytes()} bytes), and this
     * call returns once it has. Idempotent; what was populated stays resident.
     */
    public void cancel() {
        requestStop();
        awaitEnd();
    }

    /**
     * Waits for the prefault to end (completed, stopped or failed).
     *
     * @param timeout how long to wait at most
     * @return true if it ended within the timeout
     * @throws InterruptedException if this thread is interrupted while it waits
     */
    public boolean await(final Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the thread has ended. */
    public boolean isDone() {
        return ended.getCount() == 0;
    }

    /** Whether every page of the arena was populated (false while running, and if stopped, closed or failed). */
    public boolean isComplete() {
        return complete;
    }

    /** Bytes reserved in /dev/shm so far by the first pass, in whole pages. */
    public long bytesReserved() {
        return bytesReserved;
    }

    /** Bytes made resident so far, in whole pages (the arena's capacity, rounded up to a page, once complete). */
    public long bytesPopulated() {
        return bytesPopulated;
    }

    /** The arena's bytes: what a complete prefault populates. */
    public long bytesToPopulate() {
        return bytesToPopulate;
    }

    /** Bytes per native call. */
    public long chunkBytes() {
        return chunkBytes;
    }

    /** What ended it early, other than a close of the store; null if nothing did. */
    public Throwable failure() {
        return failure;
    }

    /** Time from start to end (to now while it runs). */
    public Duration elapsed() {
        final long end = isDone() ? endNanos : System.nanoTime();
        return Duration.ofNanos(end - startNanos);
    }

    /** The thread's name: {@value #THREAD_NAME_PREFIX} and the store's name. */
    public String threadName() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return "StorePrefault{store='" + store.name() + "', reserved " + bytesReserved + ", mapped " + bytesPopulated
            + " of " + bytesToPopulate + " bytes"
            + (complete ? ", complete" : isDone() ? ", ended" : ", running") + ", " + elapsed().toMillis() + " ms"
            + (failure != null ? ", failed: " + failure : "") + '}';
    }
}
