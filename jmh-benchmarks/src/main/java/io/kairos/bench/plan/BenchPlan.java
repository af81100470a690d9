package io.kairos.bench.plan;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a {@code kairos bench} command runs (the steps, one JMH benchmark each), the figures each step gives, how
 * the table pairs each figure with its peers, and the targets. {@link StoreBenchPlan} and {@link KernelBenchPlan}
 * fill one in.
 */
public final class BenchPlan {
    /** How a figure is shown. */
    public enum Kind {
        /** ops/s, with thousands separators. */
        OPS_PER_SECOND,
        /** GB/s (a figure scaled from ops/s by the bytes one op moves). */
        GIGABYTES_PER_SECOND,
        /** Measured and shown in ns, with µs beside. */
        NANOSECONDS,
        /** Measured in ns, shown in µs. */
        LATENCY,
        /** Seconds. */
        SECONDS,
        /** Heap bytes per task. */
        BYTES_PER_TASK,
        /** MiB (a footprint: peak heap, store bytes). */
        MEBIBYTES;

        /** A value for display; "failed" for NaN. */
        public String format(final double value) {
            if (Double.isNaN(value)) {
                return "failed";
            }
            return switch (this) {
                case OPS_PER_SECOND -> String.format(Locale.ROOT, "%,.0f", value);
                case GIGABYTES_PER_SECOND -> String.format(Locale.ROOT, "%.2f", value);
                case NANOSECONDS -> String.format(Locale.ROOT, value < 100 ? "%.2f" : "%.1f", value);
                case LATENCY -> String.format(Locale.ROOT, "%.2f", value / 1000);
                case SECONDS -> String.format(Locale.ROOT, "%.3f", value);
                case BYTES_PER_TASK -> String.format(Locale.ROOT, "%.0f", value);
                case MEBIBYTES -> String.format(Locale.ROOT, "%,.1f", value);
            };
        }

        public String unit(final double value) {
            return switch (this) {
                case OPS_PER_SECOND -> "ops/s";
                case GIGABYTES_PER_SECOND -> "GB/s";
                case NANOSECONDS -> Double.isNaN(value) ? "ns"
                    : String.format(Locale.ROOT, "ns (%.3f µs)", value / 1000);
                case LATENCY -> "µs";
                case SECONDS -> "s";
                case BYTES_PER_TASK -> "B/task";
                case MEBIBYTES -> "MiB";
            };
        }

        /** The value and its unit. */
        public String show(final double value) {
            return format(value) + " " + unit(value);
        }
    }

    /**
     * Where a figure comes from in a step's JMH result; RATE: operations per second from a one-thread SampleTime
     * step's mean (ns per operation), so one step gives both the round trip's percentiles and its rate.
     */
    public enum Source { SCORE, P50, P99, SECONDARY, RATE }

    /**
     * One figure of a step.
     *
     * @param secondary for {@link Source#SECONDARY}: the secondary result's name
     * @param scale     what the reading is multiplied by to give the figure (bytes per op / 1e9 for GB/s)
     */
    public record Figure(String key, String label, Kind kind, Source source, String secondary, double scale) {
        Figure(final String key, final String label, final Kind kind, final Source source) {
            this(key, label, kind, source, null, 1);
        }

        /** The reading from a step's primary and secondary results, before scaling; NaN when it is not there. */
        public double from(final Result<?> primary, final Map<String, Result> secondaries) {
            return switch (source) {
                case SCORE -> primary.getScore();
                case P50 -> primary.getStatistics().getPercentile(50);
                case P99 -> primary.getStatistics().getPercentile(99);
                case RATE -> 1e9 / primary.getScore();
                case SECONDARY -> {
                    final Result<?> result = secondaries.get(secondary);
                    yield result == null ? Double.NaN : result.getScore();
                }
            };
        }
    }

    /**
     * One JMH run: a benchmark method with one parameter set, in one mode; the figures it gives.
     *
     * @param jvmArgs flags the fork needs besides the stack's (options replace the annotation's jvmArgsAppend)
     * @param threads JMH threads running the benchmark method at once (the clients of a multi-client benchmark)
     */
    public record Step(String key, String label, Class<?> benchmark, String method, Map<String, String> params,
                       Mode mode, List<String> jvmArgs, List<Figure> figures, int threads) {
        /** A step on one thread. */
        Step(final String key, final String label, final Class<?> benchmark, final String method,
             final Map<String, String> params, final Mode mode, final List<String> jvmArgs,
             final List<Figure> figures) {
            this(key, label, benchmark, method, params, mode, jvmArgs, figures, 1);
        }

        /** A step with one figure, its score, under the step's key and label. */
        Step(final String key, final String label, final Class<?> benchmark, final String method,
             final Map<String, String> params, final Mode mode, final Kind kind, final double scale) {
            this(key, label, benchmark, method, params, mode, List.of(),
                List.of(new Figure(key, label, kind, Source.SCORE, null, scale)));
        }

        /** This step on threads JMH threads. */
        Step onThreads(final int threads) {
            return new Step(key, label, benchmark, method, params, mode, jvmArgs, figures, threads);
        }

        public String include() {
            return "^" + (benchmark.getName() + "." + method).replace(".", "\\.") + "$";
        }

        /** The unit JMH reports the score in: ops/s for throughput, s for a single shot, ns otherwise. */
        public TimeUnit timeUnit() {
            return mode == Mode.Throughput || mode == Mode.SingleShotTime ? TimeUnit.SECONDS : TimeUnit.NANOSECONDS;
        }

        /** Whether the step needs the {@link io.kairos.bench.FootprintProfiler} (it has secondary figures). */
        public boolean needsFootprint() {
            return figures.stream().anyMatch(f -> f.source() == Source.SECONDARY);
        }
    }

    /** A table line: a figure and the peers it is shown against. */
    public record Row(String key, List<String> peerKeys) {
    }

    /** A target: a bound on one figure, either absolute or a fraction of a peer figure. */
    public record Target(String description, String key, String peerKey, double bound, boolean atLeast) {
        /** Whether value (and peer, for a relative target) meets it. */
        public boolean met(final double value, final double peer) {
            final double limit = peerKey == null ? bound : bound * peer;
            return atLeast ? value >= limit : value <= limit;
        }
    }

    /**
     * How the report shows this plan.
     *
     * @param peerUnit          whether the peer result carries its unit
     * @param relativeInPercent whether a relative target shows its figure as a percentage of the peer's (else a
     *                          ratio)
     * @param ratioNote         the line under the table that says how to read the ratio
     */
    public record Style(boolean peerUnit, boolean relativeInPercent, String ratioNote) {
    }

    public final Style style;
    public final List<Step> steps = new ArrayList<>();
    public final List<Row> rows = new ArrayList<>();
    public final List<Target> targets = new ArrayList<>();
    /**
     * Figures measured outside JMH (their readings come from another harness, e.g. the cluster section's processes):
     * the table, the targets and the report treat them as any step's figures.
     */
    public final List<Figure> measured = new ArrayList<>();

    BenchPlan(final Style style) {
        this.style = style;
    }

    public Step step(final String key) {
        return steps.stream().filter(s -> s.key().equals(key)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no step " + key));
    }

    /** The figure with this key, whichever step gives it. */
    public Figure figure(final String key) {
        return java.util.stream.Stream.concat(steps.stream().flatMap(s -> s.figures().stream()), measured.stream())
            .filter(f -> f.key().equals(key)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no figure " + key));
    }

    void row(final String key, final List<String> peerKeys) {
        rows.add(new Row(key, peerKeys));
    }

    void target(final String description, final String key, final double bound, final boolean atLeast) {
        targets.add(new Target(description, key, null, bound, atLeast));
    }

    void target(final String description, final String key, final String peerKey, final double fraction) {
        targets.add(new Target(description, key, peerKey, fraction, true));
    }
}
