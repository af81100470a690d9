package io.kairos.cli;

import io.kairos.cli.StoreBenchPlan.Kind;
import io.kairos.cli.StoreBenchPlan.Row;
import io.kairos.cli.StoreBenchPlan.Step;
import io.kairos.cli.StoreBenchPlan.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table and the target verdicts of {@code kairos bench store}, from the JMH scores (ops/s for throughput
 * steps, ns/op for latency steps). A step without a score (it failed) shows as "failed" and its targets as n/a.
 */
final class StoreBenchReport {
    private static final String[] HEADER = {"Benchmark", "Result", "Unit", "Peer", "Peer result", "Ratio"};

    private final StoreBenchPlan plan;
    private final Map<String, Double> scores;

    StoreBenchReport(final StoreBenchPlan plan, final Map<String, Double> scores) {
        this.plan = plan;
        this.scores = new LinkedHashMap<>(scores);
    }

    /** The figure shown for a step: ops/s, GB/s or ns; NaN if it has no score. */
    double value(final String key) {
        final Step step = plan.step(key);
        final Double score = scores.get(key);
        if (score == null) {
            return Double.NaN;
        }
        return step.kind() == Kind.GIGABYTES_PER_SECOND ? score * step.bytesPerOp() / 1e9 : score;
    }

    /** The table, one line per string. */
    List<String> table() {
        final List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (final Row row : plan.rows) {
            final Step step = plan.step(row.key());
            boolean first = true;
            for (final String peerKey : row.peerKeys()) {
                final Step peer = plan.step(peerKey);
                cells.add(new String[] {
                    first ? step.label() : "",
                    first ? format(step.kind(), value(row.key())) : "",
                    first ? unit(step.kind(), value(row.key())) : "",
                    peer.label(),
                    format(peer.kind(), value(peerKey)),
                    ratio(value(row.key()), value(peerKey))});
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
        lines.add("Ratio = result / peer result: above 1 is faster for ops/s and GB/s, slower for ns.");
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
            final Step step = plan.step(target.key());
            final double value = value(target.key());
            final double peer = target.peerKey() == null ? Double.NaN : value(target.peerKey());
            final boolean known = !Double.isNaN(value) && (target.peerKey() == null || !Double.isNaN(peer));
            final String verdict = !known ? "n/a " : target.met(value, peer) ? "PASS" : "MISS";
            String figure = format(step.kind(), value) + " " + unit(step.kind(), value);
            if (target.peerKey() != null && known) {
                figure += String.format(Locale.ROOT, " = %.0f%% of %s", 100 * value / peer,
                    format(step.kind(), peer) + " " + unit(step.kind(), peer));
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

    static String format(final Kind kind, final double value) {
        if (Double.isNaN(value)) {
            return "failed";
        }
        switch (kind) {
            case OPS_PER_SECOND:
                return String.format(Locale.ROOT, "%,.0f", value);
            case GIGABYTES_PER_SECOND:
                return String.format(Locale.ROOT, "%.2f", value);
            default:
                return String.format(Locale.ROOT, value < 100 ? "%.2f" : "%.1f", value);
        }
    }

    static String unit(final Kind kind, final double value) {
        switch (kind) {
            case OPS_PER_SECOND:
                return "ops/s";
            case GIGABYTES_PER_SECOND:
                return "GB/s";
            default:
                return Double.isNaN(value) ? "ns" : String.format(Locale.ROOT, "ns (%.3f µs)", value / 1000);
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
