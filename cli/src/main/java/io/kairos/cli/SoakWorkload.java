package io.kairos.cli;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.SpillStats;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.store.StoreStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The soak's kernel and the threads that drive its loads ({@link SoakLoads}): an embedded kernel on 2 CPUs with a
 * small object store (so that large objects spill) and a temporary data directory (journal, metadata, spill files),
 * deleted on close. Loads run unpaced (tasks, actors, worker processes) or paced (large objects, placement groups,
 * kills), each on a thread of its own, until {@link #stop}.
 */
final class SoakWorkload implements AutoCloseable {
    /**
     * The workload's knobs.
     *
     * @param seed           the seed of every load's random choices
     * @param storeBytes     the object store's capacity
     * @param getTimeout     the longest wait for a result before it counts as lost
     * @param killEvery      the mean time between two worker kills (zero: no kills)
     * @param largePerSecond large objects made per second
     * @param largeMinBytes  the smallest large object
     * @param largeMaxBytes  the largest
     * @param largeLive      how many large objects are kept alive at once
     * @param groupEvery     the time between two placement groups
     */
    record Settings(long seed, long storeBytes, Duration getTimeout, Duration killEvery, double largePerSecond,
                    int largeMinBytes, int largeMaxBytes, int largeLive, Duration groupEvery) {
    }

    /** Where the process stands: counts from the start, memory now. */
    record Sample(long tasks, long checked, long rssBytes, long storeBytes, long spilledBytes, long kills,
                  long retries, long restarts, double load) {
    }

    /** A load's round, given the load's random source. */
    private interface Round {
        void run(SplittableRandom random);
    }

    static final int CPUS = 2;
    /** The isolated actors share one worker JVM: a kill takes both, and they restart together. */
    private static final int ISOLATED_ACTORS_PER_PROCESS = SoakLoads.ISOLATED_ACTORS;
    /** Small worker JVMs: a killed one is started again every few seconds on a 2-core machine. */
    private static final List<String> WORKER_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");
    /**
     * An hour a journal file, the older ones deleted at each roll: a run of hours keeps at most an hour of journal on
     * disk (about 4 MB/s here, mostly the tasks' records).
     */
    private static final JournalOptions JOURNAL = new JournalOptions(JournalOptions.Roll.HOURLY, 1);

    private final Settings settings;
    private final SoakLedger ledger;
    private final Path dataDirectory;
    private final Kernel kernel;
    private final SoakLoads loads;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private boolean closed;

    SoakWorkload(final Settings settings, final SoakLedger ledger) {
        this.settings = settings;
        this.ledger = ledger;
        try {
            dataDirectory = Files.createTempDirectory("kairos-soak-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the soak's data directory", e);
        }
        Kernel started = null;
        try {
            started = Kernel.start(new KernelContext().cpus(CPUS).objectStoreBytes(settings.storeBytes())
                .dataDirectory(dataDirectory).journalOptions(JOURNAL).listener(ledger).seed(settings.seed())
                .actorsPerWorkerProcess(ISOLATED_ACTORS_PER_PROCESS).workerJvmOptions(WORKER_JVM_OPTIONS));
            kernel = started;
            loads = new SoakLoads(kernel, ledger, settings);
        } catch (final RuntimeException | Error e) {
            if (started != null) {
                started.close();
            }
            deleteTree(dataDirectory);
            throw e;
        }
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    String storeName() {
        return kernel.objectStoreName();
    }

    /** Starts every load's thread. */
    void start() {
        long stream = settings.seed();
        start("tasks", 0, ++stream, loads::tasks);
        start("actors", 0, ++stream, random -> loads.actors());
        start("workers", 0, ++stream, loads::isolated);
        start("large", Math.round(1e9 / settings.largePerSecond()), ++stream, loads::largeObjects);
        start("groups", settings.groupEvery().toNanos(), ++stream, loads::placementGroup);
        if (!settings.killEvery().isZero()) {
            start("kills", -settings.killEvery().toNanos(), ++stream, loads::killWorker);
        }
    }

    /**
     * A thread running rounds until stopped: back to back (period 0), one per period (period &gt; 0), or after a
     * random pause of 0.5 to 1.5 periods (period &lt; 0).
     */
    private void start(final String name, final long period, final long seed, final Round round) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Thread thread = new Thread(() -> {
            long next = System.nanoTime();
            while (!stopping && !ledger.failed()) {
                if (period != 0) {
                    next = Math.max(next + (period > 0 ? period : -period / 2 + random.nextLong(-period)),
                        System.nanoTime());  // a late round does not make the next ones come in a burst
                    if (!pauseUntil(next)) {
                        break;
                    }
                }
                try {
                    round.run(random);
                } catch (final RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    ledger.lost(name + " load: " + e);
                }
            }
        }, "kairos-soak-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Parks until the time (or a stop); false when stopped. */
    private boolean pauseUntil(final long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && !stopping; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
        return !stopping;
    }

    /** Stops the loads: each ends its round (bounded by the get timeout) and its thread exits. */
    void stop() {
        stopping = true;
        threads.forEach(LockSupport::unpark);
        final long deadline = System.nanoTime() + 2 * settings.getTimeout().toNanos();
        for (final Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                ledger.lost(thread.getName() + " did not end its round within " + 2 * settings.getTimeout().toSeconds()
                    + " s of the stop");
            }
        }
    }

    Sample sample() {
        final StoreStats store = kernel.objectStoreStats();
        final SpillStats spill = kernel.spillStats();
        return new Sample(ledger.tasksFinished(), ledger.checked(), rssBytes(), store.bytesUsed(),
            spill.spilledBytes(), ledger.kills(), ledger.retries(), ledger.restarts(), loadAverage());
    }

    SpillStats spillStats() {
        return kernel.spillStats();
    }

    /** This process's resident set (VmRSS of /proc/self/status), 0 where there is none. */
    static long rssBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (final IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The machine's load average over the last minute (/proc/loadavg), 0 where there is none. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ", 2)[0]);
        } catch (final IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Stops the loads if running, closes the kernel (its worker processes and store go) and deletes the data; a second
     * call does nothing (the command's shutdown hook calls it too, on Ctrl-C).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!stopping) {
            stop();
        }
        try {
            kernel.close();
        } finally {
            deleteTree(dataDirectory);
        }
    }

    private static void deleteTree(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(deleting(Files::deleteIfExists));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot delete the soak's data directory " + root, e);
        }
    }

    private interface PathAction {
        boolean apply(Path path) throws IOException;
    }

    private static Consumer<Path> deleting(final PathAction action) {
        return path -> {
            try {
                action.apply(path);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot delete " + path, e);
            }
        };
    }
}
