package io.kairos.cli;

import io.kairos.cli.KernelBenchPlan.Figure;
import io.kairos.cli.KernelBenchPlan.Kind;
import io.kairos.cli.KernelBenchPlan.Row;
import io.kairos.cli.KernelBenchPlan.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table and the target verdicts of {@code kairos bench kernel}, from the figures (ops/s, latencies in ns,
 * seconds, bytes per task). A figure without a value (its step failed) shows as "failed" and its targets as n/a.
 */
final class KernelBenchReport {
    private static final String[] HEADER = {"Benchmark", "Result", "Unit", "Peer", "Peer result", "Ratio"};

    private final KernelBenchPlan plan;
    private final Map<String, Double> figures;

    KernelBenchReport(final KernelBenchPlan plan, final Map<String, Double> figures) {
        this.plan = plan;
        this.figures = new LinkedHashMap<>(figures);
    }

    /** A figure's value in its measured unit (ops/s, ns, s, B/task); NaN if it has none. */
    double value(final String key) {
        plan.figure(key);  // throws for an unknown key
        final Double value = figures.get(key);
        return value == null ? Double.NaN : value;
    }

    /** The table, one line per string. */
    List<String> table() {
        final List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (final Row row : plan.rows) {
            final Figure figure = plan.figure(row.key());
            final double value = value(row.key());
            boolean first = true;
            for (final String peerKey : row.peerKeys()) {
                final Figure peer = plan.figure(peerKey);
                final double peerValue = value(peerKey);
                cells.add(new String[] {
                    first ? figure.label() : "",
                    first ? format(figure.kind(), value) : "",
                    first ? unit(figure.kind()) : "",
                    peer.label(),
                    format(peer.kind(), peerValue) + " " + unit(peer.kind()),
                    ratio(value, peerValue)});
                first = false;
            }
        }
        final int[] widths = new int[HEADER.length];
        for (final String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        final List<String> lines = new ArrayList<>();
        for (final String[] line : cells) {
            lines.add(String.format(Locale.ROOT, "%-" + widths[0] + "s  %" + widths[1] + "s %-" + widths[2]
                    + "s  %-" + widths[3] + "s  %" + widths[4] + "s  %" + widths[5] + "s",
                (Object[]) line).stripTrailing());
            if (line == HEADER) {
                lines.add("-".repeat(widths[0] + widths[1] + widths[2] + widths[3] + widths[4] + widths[5] + 9));
            }
        }
        lines.add("Ratio = result / peer result: above 1 is faster for ops/s; slower, or bigger, for µs, s and "
            + "B/task.");
        return lines;
    }

    /** One line per target: PASS, MISS or n/a, the target and the figure it was judged on. */
    List<String> targets() {
        final List<String> lines = new ArrayList<>();
        int width = 0;
        for (final Target target : plan.targets) {
            width = Math.max(width, target.description().length());
        }
        for (final Target target : plan.targets) {
            final Kind kind = plan.figure(target.key()).kind();
            final double value = value(target.key());
            final double peer = target.peerKey() == null ? Double.NaN : value(target.peerKey());
            final boolean known = !Double.isNaN(value) && (target.peerKey() == null || !Double.isNaN(peer));
            final String verdict = !known ? "n/a " : target.met(value, peer) ? "PASS" : "MISS";
            String figure = format(kind, value) + " " + unit(kind);
            if (target.peerKey() != null && known) {
                figure += String.format(Locale.ROOT, " = %s of %s %s", ratio(value, peer), format(kind, peer),
                    unit(kind));
            }
            lines.add(String.format(Locale.ROOT, "  %s  %-" + width + "s  %s", verdict, target.description(),
                known ? figure : "(no result)"));
        }
        return lines;
    }

    /** Whether every target with a result was met. */
    boolean allMet() {
        for (final Target target : plan.targets) {
            final double value = value(target.key());
            final double peer = target.peerKey() == null ? Double.NaN : value(target.peerKey());
            if (!Double.isNaN(value) && !target.met(value, peer)) {
                return false;
            }
        }
        return true;
    }

    /** A value for display: ops/s with thousands separators, latencies in µs, seconds, whole bytes. */
    static String format(final Kind kind, final double value) {
        if (Double.isNaN(value)) {
            return "failed";
        }
        switch (kind) {
            case OPS_PER_SECOND:
                return String.format(Locale.ROOT, "%,.0f", value);
            case LATENCY:
                return String.format(Locale.ROOT, "%.2f", value / 1000);
            case SECONDS:
                return String.format(Locale.ROOT, "%.3f", value);
            default:
                return String.format(Locale.ROOT, "%.0f", value);
        }
    }

    static String unit(final Kind kind) {
        switch (kind) {
            case OPS_PER_SECOND:
                return "ops/s";
            case LATENCY:
                return "µs";
            case SECONDS:
                return "s";
            default:
                return "B/task";
        }
    }

    private static String ratio(final double value, final double peer) {
        if (Double.isNaN(value) || Double.isNaN(peer) || peer == 0) {
            return "-";
        }
        final double ratio = value / peer;
        return String.format(Locale.ROOT, ratio < 0.1 ? "%.3fx" : "%.2fx", ratio);
    }
}
