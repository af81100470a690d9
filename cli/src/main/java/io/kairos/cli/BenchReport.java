package io.kairos.cli;


import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Row;
import io.kairos.bench.plan.BenchPlan.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table and the target verdicts of a {@link BenchPlan}, from the readings of its figures (see
 * {@link Figure#from}). A figure without a reading (its step failed) shows as "failed" and its targets as n/a.
 */
final class BenchReport {
    private static final String[] HEADER = {"Benchmark", "Result", "Unit", "Peer", "Peer result", "Ratio"};

    private final BenchPlan plan;
    private final Map<String, Double> readings;

    BenchReport(final BenchPlan plan, final Map<String, Double> readings) {
        this.plan = plan;
        this.readings = new LinkedHashMap<>(readings);
    }

    /** A figure's value in its kind's measured unit (ops/s, GB/s, ns, s, B/task); NaN if it has none. */
    double value(final String key) {
        final Figure figure = plan.figure(key);  // throws for an unknown key
        final Double reading = readings.get(key);
        return reading == null ? Double.NaN : reading * figure.scale();
    }

    /** A figure's value and unit, as the progress line shows it. */
    String show(final String key) {
        return plan.figure(key).kind().show(value(key));
    }

    /** The table, one line per string. */
    List<String> table() {
        final List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (final Row row : plan.rows) {
            final Kind kind = plan.figure(row.key()).kind();
            final double value = value(row.key());
            boolean first = true;
            for (final String peerKey : row.peerKeys()) {
                final Figure peer = plan.figure(peerKey);
                final double peerValue = value(peerKey);
                cells.add(new String[] {
                    first ? plan.figure(row.key()).label() : "",
                    first ? kind.format(value) : "",
                    first ? kind.unit(value) : "",
                    peer.label(),
                    plan.style.peerUnit() ? peer.kind().show(peerValue) : peer.kind().format(peerValue),
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
        lines.add(plan.style.ratioNote());
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
            final double peer = peer(target);
            final boolean known = !Double.isNaN(value) && (target.peerKey() == null || !Double.isNaN(peer));
            final String verdict = !known ? "n/a " : target.met(value, peer) ? "PASS" : "MISS";
            String figure = kind.show(value);
            if (target.peerKey() != null && known) {
                figure += " = " + (plan.style.relativeInPercent()
                    ? String.format(Locale.ROOT, "%.0f%%", 100 * value / peer) : ratio(value, peer))
                    + " of " + kind.show(peer);
            }
            lines.add(String.format(Locale.ROOT, "  %s  %-" + width + "s  %s", verdict, target.description(),
                known ? figure : "(no result)"));
        }
        return lines;
    }

    /** Whether every target with a result was met. */
    boolean allMet() {
        return plan.targets.stream().allMatch(t -> Double.isNaN(value(t.key())) || t.met(value(t.key()), peer(t)));
    }

    private double peer(final Target target) {
        return target.peerKey() == null ? Double.NaN : value(target.peerKey());
    }

    private static String ratio(final double value, final double peer) {
        if (Double.isNaN(value) || Double.isNaN(peer) || peer == 0) {
            return "-";
        }
        final double ratio = value / peer;
        return String.format(Locale.ROOT, ratio < 0.1 ? "%.3fx" : "%.2fx", ratio);
    }
}
