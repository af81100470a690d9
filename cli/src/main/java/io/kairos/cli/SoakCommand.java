package io.kairos.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kairos.SpillStats;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code kairos soak}: a mixed workload on an embedded kernel for minutes or hours ({@link SoakWorkload}), every
 * result checked, with a line per window (throughput, round-trip percentiles, RSS, store, spilled bytes, kills,
 * retries, restarts) and a verdict ({@link SoakVerdict}): exit 0 when it passed, 1 when a rule failed.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a mixed workload on an embedded kernel (tasks, chains, actors, worker processes with "
        + "isolated tasks and actors while a random worker process is killed with SIGKILL every few seconds, large "
        + "objects that make the store spill, placement groups), checks every result, and prints a line per window "
        + "and a verdict.",
        "Fails (exit 1) on a lost task, a wrong result, RSS growth past --max-rss-growth-mib, or p99 drift past "
            + "--max-p99-drift (medians of the first and last thirds of the windows after a warm-up tenth)."})
public final class SoakCommand implements Callable<Integer> {
    /** Runs this long or longer get windows of a minute; shorter runs get 12 windows (at least 5 s each). */
    static final long MINUTE_WINDOWS_FROM_SECONDS = 600;

    @Option(names = "--minutes", paramLabel = "N", defaultValue = "2",
        description = "How long (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--seconds", paramLabel = "N", description = "How long, in seconds (instead of --minutes).")
    Integer seconds;

    @Option(names = "--window-seconds", paramLabel = "N", description = "A window's length (default: 60 s for runs "
        + "of 10 minutes or more, else a twelfth of the run, at least 5 s).")
    Integer windowSeconds;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of the workload's choices (default: random, "
        + "printed).")
    Long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the windows and the verdict to FILE.")
    Path json;

    @Option(names = "--store-mib", paramLabel = "N", defaultValue = "96",
        description = "The object store's capacity (default: ${DEFAULT-VALUE}; the large objects kept alive take "
            + "about 100 MiB, so it spills).")
    int storeMib;

    @Option(names = "--kill-every-seconds", paramLabel = "S", defaultValue = "5", description = "Mean time between "
        + "two kills of a random worker process (default: ${DEFAULT-VALUE}; 0: none).")
    double killEverySeconds;

    @Option(names = "--large-per-second", paramLabel = "N", defaultValue = "8",
        description = "Large objects (1-4 MiB) made per second (default: ${DEFAULT-VALUE}).")
    double largePerSecond;

    @Option(names = "--get-timeout-seconds", paramLabel = "S", defaultValue = "60",
        description = "A result not back in this time is a lost task (default: ${DEFAULT-VALUE}).")
    int getTimeoutSeconds;

    @Option(names = "--max-rss-growth-mib", paramLabel = "N", defaultValue = "256",
        description = "The RSS growth bound (default: ${DEFAULT-VALUE}).")
    long maxRssGrowthMib;

    @Option(names = "--max-p99-drift", paramLabel = "X", defaultValue = "2.0",
        description = "The p99 drift bound, a ratio (default: ${DEFAULT-VALUE}).")
    double maxP99Drift;

    @Option(names = "--p99-floor-ms", paramLabel = "MS", defaultValue = "1",
        description = "p99s below this count as this in the drift rule (default: ${DEFAULT-VALUE}).")
    double p99FloorMs;

    private final PrintStream out = System.out;

    /**
     * The heap flags {@code ./kairos soak} runs with: a fixed heap, its pages touched at the start, so that the RSS
     * rule sees what the process keeps, not the garbage collector growing its heap.
     */
    static final List<String> FIXED_HEAP_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    /** Large objects kept alive at once: about 100 MiB, more than the default store's spill threshold. */
    static final int LARGE_LIVE = 40;
    static final int LARGE_MIN_BYTES = 1 << 20;
    static final int LARGE_MAX_BYTES = 4 << 20;
    static final Duration GROUP_EVERY = Duration.ofSeconds(1);

    @Override
    public Integer call() throws InterruptedException {
        final long totalSeconds = seconds != null ? seconds : minutes * 60L;
        if (totalSeconds <= 0) {
            throw new IllegalArgumentException("the run must last at least a second (--minutes " + minutes
                + (seconds != null ? ", --seconds " + seconds : "") + ")");
        }
        final long window = windowSeconds != null ? windowSeconds
            : totalSeconds >= MINUTE_WINDOWS_FROM_SECONDS ? 60 : Math.max(5, totalSeconds / 12);
        if (window <= 0 || storeMib < 1 || getTimeoutSeconds <= 0 || killEverySeconds < 0 || largePerSecond <= 0
            || maxP99Drift <= 0 || maxRssGrowthMib < 0 || p99FloorMs < 0) {
            throw new IllegalArgumentException("--window-seconds, --store-mib, --get-timeout-seconds, "
                + "--large-per-second and --max-p99-drift must be positive; --kill-every-seconds, --max-rss-growth-mib "
                + "and --p99-floor-ms not negative");
        }
        final int windows = (int) Math.max(1, Math.round((double) totalSeconds / window));
        final long windowNs = TimeUnit.SECONDS.toNanos(totalSeconds) / windows;
        final long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        final SoakWorkload.Settings settings = new SoakWorkload.Settings(runSeed, (long) storeMib << 20,
            Duration.ofSeconds(getTimeoutSeconds), Duration.ofMillis(Math.round(killEverySeconds * 1000)),
            largePerSecond, LARGE_MIN_BYTES, LARGE_MAX_BYTES, LARGE_LIVE, GROUP_EVERY);
        final SoakVerdict.Bounds bounds = new SoakVerdict.Bounds(maxRssGrowthMib << 20, maxP99Drift,
            Math.round(p99FloorMs * 1e6));

        final SoakLedger ledger = new SoakLedger();
        final List<SoakWindow> done = new ArrayList<>();
        final Histogram all = new Histogram(SoakLedger.MAX_ROUND_TRIP_NS, 3);
        final SpillStats spill;
        final long started = System.nanoTime();
        out.printf(Locale.ROOT, "kairos soak: %s in %d windows of %s, seed %d; JDK %s, %d CPUs%n",
            SoakWindow.clock(totalSeconds), windows, SoakWindow.clock(windowNs / 1e9), runSeed, Runtime.version(),
            Runtime.getRuntime().availableProcessors());
        out.println(heapLine());
        try (SoakWorkload workload = new SoakWorkload(settings, ledger)) {
            final Thread hook = new Thread(workload::close, "kairos-soak-shutdown");  // Ctrl-C: close, delete the data
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(Locale.ROOT, "kernel: %d CPUs, store %s (%d MiB), data directory %s (deleted at the end); "
                    + "%s%n", SoakWorkload.CPUS, workload.storeName(), storeMib, workload.dataDirectory(),
                killEverySeconds == 0 ? "no worker kills"
                    : "a worker process killed every " + format(killEverySeconds) + " s on average");
            runWindows(workload, ledger, windows, windowNs, done, all);
            workload.stop();
            spill = workload.spillStats();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        final SoakVerdict.Result verdict = SoakVerdict.judge(done, ledger.lost(), ledger.lostDescribed(),
            ledger.wrong(), ledger.wrongDescribed(), bounds);
        final double elapsed = (System.nanoTime() - started) / 1e9;
        final Map<String, Object> summary = summary(done, all, ledger, spill);
        out.println(summaryLine(summary, elapsed));
        verdict.figures().forEach(f -> out.println("  " + f));
        if (verdict.passed()) {
            out.println("soak: PASS");
        } else {
            verdict.failures().forEach(f -> out.println("soak: FAIL: " + f));
        }
        if (json != null) {
            writeJson(runSeed, totalSeconds, done, summary, verdict);
        }
        return verdict.passed() ? 0 : 1;
    }

    /** Starts the loads and prints a line a window until the last, or until a lost task or a wrong result. */
    private void runWindows(final SoakWorkload workload, final SoakLedger ledger, final int windows,
                            final long windowNs, final List<SoakWindow> done, final Histogram all)
        throws InterruptedException {
        final long start = System.nanoTime();
        workload.start();
        ledger.takeRoundTrips();
        SoakWorkload.Sample before = workload.sample();
        long windowStart = start;
        for (int i = 1; i <= windows; i++) {
            final boolean failed = ledger.awaitFailure(Math.max(0, start + i * windowNs - System.nanoTime()));
            final long now = System.nanoTime();
            final SoakWorkload.Sample after = workload.sample();
            final Histogram trips = ledger.takeRoundTrips();
            all.add(trips);
            final SoakWindow w = new SoakWindow(i, (now - start) / 1e9, (now - windowStart) / 1e9,
                after.tasks() - before.tasks(), after.checked() - before.checked(), trips.getTotalCount(),
                trips.getValueAtPercentile(50), trips.getValueAtPercentile(99), trips.getMaxValue(), after.rssBytes(),
                after.storeBytes(), after.spilledBytes(), after.kills(), after.retries(), after.restarts(),
                after.load());
            done.add(w);
            out.println(w.line(windows));
            before = after;
            windowStart = now;
            if (failed) {
                out.println("a lost task or a wrong result: the run stops here");
                return;
            }
        }
    }

    /** Whether the heap is fixed; the RSS rule means less when it may grow. */
    static String heapLine() {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (heap.getCommitted() >= heap.getMax()) {
            return String.format(Locale.ROOT, "heap: %d MiB, fixed", heap.getMax() >> 20);
        }
        return String.format(Locale.ROOT, "heap: %d MiB now, may grow to %d MiB: RSS growth includes the heap's "
            + "(./kairos soak runs with %s)", heap.getCommitted() >> 20, heap.getMax() >> 20,
            String.join(" ", FIXED_HEAP_FLAGS));
    }

    private static Map<String, Object> summary(final List<SoakWindow> windows, final Histogram all,
                                               final SoakLedger ledger, final SpillStats spill) {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("tasks", windows.stream().mapToLong(SoakWindow::tasks).sum());
        s.put("checked", windows.stream().mapToLong(SoakWindow::checked).sum());
        s.put("seconds", windows.isEmpty() ? 0.0 : windows.get(windows.size() - 1).endSeconds());
        s.put("lost", ledger.lost());
        s.put("wrong", ledger.wrong());
        s.put("roundTrips", all.getTotalCount());
        s.put("p50Ms", all.getValueAtPercentile(50) / 1e6);
        s.put("p99Ms", all.getValueAtPercentile(99) / 1e6);
        s.put("maxMs", all.getMaxValue() / 1e6);
        s.put("rssFirstMiB", windows.isEmpty() ? 0 : windows.get(0).rssBytes() >> 20);
        s.put("rssLastMiB", windows.isEmpty() ? 0 : windows.get(windows.size() - 1).rssBytes() >> 20);
        s.put("rssMaxMiB", windows.stream().mapToLong(SoakWindow::rssBytes).max().orElse(0) >> 20);
        s.put("storeMaxMiB", windows.stream().mapToLong(SoakWindow::storeBytes).max().orElse(0) >> 20);
        s.put("spilledMiB", spill.spilledBytes() >> 20);
        s.put("spilledObjects", spill.spilledObjects());
        s.put("restoredObjects", spill.restoredObjects());
        s.put("largeObjects", ledger.largeObjects());
        s.put("placementGroups", ledger.groups());
        s.put("kills", ledger.kills());
        s.put("retries", ledger.retries());
        s.put("restarts", ledger.restarts());
        return s;
    }

    private static String summaryLine(final Map<String, Object> s, final double elapsed) {
        final double seconds = ((Number) s.get("seconds")).doubleValue();
        final long tasks = (Long) s.get("tasks");
        return String.format(Locale.ROOT, "summary: %s, %,d tasks (%,.0f/s), %,d results checked, %d lost, %d wrong; "
                + "round trip p50 %.3f ms p99 %.3f ms max %.1f ms (%,d timed); rss %d -> %d MiB (max %d); store max "
                + "%d MiB; spilled %,d MiB (%,d objects, %,d read back); %,d large objects, %,d placement groups; "
                + "%d kills, %d retries, %d actor restarts; %.0f s in all",
            SoakWindow.clock(seconds), tasks, seconds > 0 ? tasks / seconds : 0.0, s.get("checked"), s.get("lost"),
            s.get("wrong"), s.get("p50Ms"), s.get("p99Ms"), s.get("maxMs"), s.get("roundTrips"), s.get("rssFirstMiB"),
            s.get("rssLastMiB"), s.get("rssMaxMiB"), s.get("storeMaxMiB"), s.get("spilledMiB"),
            s.get("spilledObjects"), s.get("restoredObjects"), s.get("largeObjects"), s.get("placementGroups"),
            s.get("kills"), s.get("retries"), s.get("restarts"), elapsed);
    }

    private void writeJson(final long runSeed, final long totalSeconds, final List<SoakWindow> windows,
                           final Map<String, Object> summary, final SoakVerdict.Result verdict) {
        final Map<String, Object> report = new LinkedHashMap<>();
        report.put("seed", runSeed);
        report.put("plannedSeconds", totalSeconds);
        report.put("windows", windows.stream().map(SoakCommand::window).toList());
        report.put("summary", summary);
        report.put("passed", verdict.passed());
        report.put("failures", verdict.failures());
        report.put("figures", verdict.figures());
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
        }
        out.println("wrote " + json);
    }

    private static Map<String, Object> window(final SoakWindow w) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", w.index());
        m.put("endSeconds", w.endSeconds());
        m.put("tasksPerSecond", w.tasksPerSecond());
        m.put("checkedPerSecond", w.checkedPerSecond());
        m.put("roundTrips", w.roundTrips());
        m.put("p50Ms", w.p50Ns() / 1e6);
        m.put("p99Ms", w.p99Ns() / 1e6);
        m.put("maxMs", w.maxNs() / 1e6);
        m.put("rssMiB", w.rssBytes() / 1048576.0);
        m.put("storeMiB", w.storeBytes() / 1048576.0);
        m.put("spilledMiB", w.spilledBytes() / 1048576.0);
        m.put("kills", w.kills());
        m.put("retries", w.retries());
        m.put("restarts", w.restarts());
        m.put("load", w.load());
        return m;
    }

    private static String format(final double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
