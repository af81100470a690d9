package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * {@code kairos bench --guard}: the regression guard the build runs. A few rows whose goal is a ratio to a plain-JDK
 * peer run with short iterations ({@value #FORKS} forks each), and each ratio must stay at least {@link #FLOOR} of its baseline
 * (the ratio the same guard measured on this machine kind, in {@code bench-guard.properties}): wide enough for a
 * noisy 2-core machine, tight enough to catch a 2x regression. The ratio of Kairos to a peer measured moments
 * apart cancels most of a shared machine's load, which an absolute rate would not.
 */
final class BenchGuard {
    /**
     * The rows the guard runs. single_client_tasks_async is left out until its two modes are understood: since
     * 2026-12-07 its forks land near 2 M/s or near 5.5 M/s (0.15x or 0.4x of ForkJoinPool), so no floor both holds
     * still and catches a 2x regression.
     */
    static final String ROWS = "^(1_1_actor_calls_async|single_client_wait_1k_refs|n_n_actor_calls_with_arg_async)$";
    /** A ratio below this fraction of its baseline fails the guard. */
    static final double FLOOR = 0.55;
    /** Runs before the guard fails: noise passes on one of them, a regression stays below its floor on all. */
    static final int ATTEMPTS = 3;

    private BenchGuard() {
    }

    /**
     * Forks per step: one fork of tasks_async reads anywhere from 0.13x to 0.61x of its peer on 2 cores (its forks
     * are bimodal), three together hold still enough for a 2x regression to show.
     */
    static final int FORKS = 3;

    /**
     * Waits, at most a minute and a half, until the machine has settled (its one-minute load average below the CPU
     * count; a build that just ended leaves it high): the guard then measures the code, not the build's tail.
     */
    static void awaitQuietMachine() {
        final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        while (os.getSystemLoadAverage() >= os.getAvailableProcessors() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** Warm-up 2 x 300 ms, measurement 2 x 300 ms per fork: enough for C2 on these loops. */
    static BenchRunner.Timing timing() {
        return new BenchRunner.Timing(2, TimeValue.milliseconds(300), 2, TimeValue.milliseconds(300));
    }

    /** The baselines: target description to ratio. */
    static Properties baselines() {
        final Properties baselines = new Properties();
        try (InputStream in = BenchGuard.class.getResourceAsStream("bench-guard.properties")) {
            if (in == null) {
                throw new IllegalStateException("bench-guard.properties is missing from the CLI's jar");
            }
            baselines.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return baselines;
    }

    /**
     * Judges a guard run's report.
     *
     * @param out one line per guarded ratio is added
     * @return how many ratios fell below their floor (a ratio without a result counts as one)
     */
    static int check(final JsonNode report, final Properties baselines, final List<String> out) {
        return check(report, baselines, out, new java.util.HashMap<>());
    }

    /**
     * Judges a guard run's report on each row's best ratio so far.
     *
     * @param best each row's best ratio in the attempts before (updated): noise passes in one of them
     */
    static int check(final JsonNode report, final Properties baselines, final List<String> out,
                     final java.util.Map<String, Double> best) {
        int failed = 0;
        final List<String> seen = new ArrayList<>();
        for (final JsonNode t : report.path("targets")) {
            final String description = t.path("description").asText();
            final String baseline = baselines.getProperty(row(description));
            if (baseline == null || !t.has("goal")) {
                continue;
            }
            seen.add(row(description));
            final double floor = FLOOR * Double.parseDouble(baseline);
            if (t.has("ratio")) {
                best.merge(row(description), t.path("ratio").asDouble(), Math::max);
            }
            final boolean known = best.containsKey(row(description));
            final double ratio = known ? best.get(row(description)) : Double.NaN;
            final boolean ok = known && ratio >= floor;
            failed += ok ? 0 : 1;
            out.add(String.format(Locale.ROOT, "  %-4s  %s: %s, floor %.2fx (%.2f x baseline %s)", ok ? "ok" : "FAIL",
                row(description), known ? String.format(Locale.ROOT, "%.2fx", ratio) : "no result", floor, FLOOR,
                baseline));
        }
        for (final String row : baselines.stringPropertyNames()) {
            if (!seen.contains(row)) {
                out.add("  FAIL  " + row + ": not measured");
                failed++;
            }
        }
        return failed;
    }

    /** The row a ratio target is about: its description up to " >= ". */
    private static String row(final String description) {
        final int at = description.indexOf(" >= ");
        return at < 0 ? description : description.substring(0, at);
    }
}
