package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.kairos.cli.SvgChart.Axis;
import io.kairos.cli.SvgChart.Bar;
import io.kairos.cli.SvgChart.Goal;
import io.kairos.cli.SvgChart.Series;
import io.kairos.cli.SvgChart.Tick;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.kairos.cli.SvgChart.compact;

/**
 * The page of {@code kairos bench}: one self-contained HTML5 file (inline CSS and SVG; no script, font, style sheet
 * or image from elsewhere) rendered from the suite JSON and, optionally, its comparison with a previous suite.
 *
 * <p>Sections, in order: header (run, machine, where the Ray columns come from), summary table, comparison, one bar
 * chart per benchmark (log x axis), latency percentile plots, scale curves, facts, targets, failures.
 * A figure that is missing shows as "–" with its reason, never as 0; a value a log axis cannot show (zero,
 * negative) is left out of the chart and the chart says so.
 *
 * <p>The page is also well-formed XML (every element closed, attributes quoted, only XML's own entities) so that
 * a test can parse it; for the same reason the SVG carries no {@code xmlns}, which HTML5 does not need.
 * {@link SvgChart} draws the charts and plots.
 */
final class HtmlReport {
    private static final String MISSING = "–";
    private static final String KAIROS = "#1f5fd1";
    /** JDK peers: one family of greens, a shade per peer. */
    private static final String[] PEERS = {"#1e8f6e", "#4fb393", "#86cdb6", "#b9e3d5"};
    private static final String RAY_LOCAL = "#d9690b";
    private static final String RAY_PUBLISHED = "#f0ad72";
    /** Scale-curve series are variants, not subjects: a plain categorical palette. */
    private static final String[] SERIES = {KAIROS, RAY_LOCAL, "#1e8f6e", "#8e44ad", "#b3261e", "#6b7280"};
    private static final double[] PERCENTILE_TICKS = {50, 90, 99, 99.9, 99.99, 99.999, 99.9999};
    private static final Set<String> VERDICTS = Set.of("faster", "slower", "same", "new", "gone");
    private static final String CSS = String.join("\n",
        "body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:24px auto;max-width:1040px;padding:0 16px}",
        "h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd}",
        "table{border-collapse:collapse;font-variant-numeric:tabular-nums}",
        "th,td{padding:3px 10px;text-align:right;border-bottom:1px solid #eee;vertical-align:top}",
        "th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #ccc}",
        "tr.group th{background:#f2f4f8;text-align:left;font-size:13px}",
        ".sub{color:#666;font-size:12px}.better{color:#137333;font-weight:600}.worse{color:#b3261e;font-weight:600}",
        "tr.slower td{background:#fde4e2}tr.faster td{background:#e3f3e7}",
        ".pass{color:#137333;font-weight:600}.miss{color:#b3261e;font-weight:600}.na{color:#888}",
        ".alert,.failures{border:2px solid #b3261e;background:#fdecea;padding:6px 14px}",
        "figure{margin:14px 0}figcaption{font-weight:600}svg{display:block}svg text{font:11px sans-serif;fill:#333}",
        ".swatch{display:inline-block;width:12px;height:12px;margin:0 4px 0 14px;vertical-align:-1px}");

    private final JsonNode suite;
    private final JsonNode comparison;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder out = new StringBuilder(64 * 1024);
    private final SvgChart chart = new SvgChart(out);

    private HtmlReport(final JsonNode suite, final JsonNode comparison) {
        this.suite = suite;
        this.comparison = comparison;
        for (final JsonNode failure : suite.path("failures")) {
            failures.add(failure.asText());
        }
    }

    /**
     * The page for a suite (the shape {@code kairos bench} writes) and its comparison with a previous suite.
     *
     * @param suite      the suite JSON
     * @param comparison the comparison JSON, or null for none
     */
    static String render(final JsonNode suite, final JsonNode comparison) {
        return new HtmlReport(suite == null ? MissingNode.getInstance() : suite, comparison).page();
    }

    private String page() {
        header();
        summary();
        comparison();
        barCharts();
        latencies();
        curves();
        factsTargetsFailures();
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    // ---- sections ------------------------------------------------------------------------------------------------

    private void header() {
        final String title = text(suite, "title", "Kairos benchmark suite");
        final JsonNode machine = suite.path("machine");
        final JsonNode ray = suite.path("rayLocal");
        final JsonNode published = suite.path("rayPublished");
        final String rayNote = text(ray, "note", null);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
            .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n")
            .append("<h1>").append(esc(title)).append("</h1>\n")
            .append("<p>Created ").append(esc(text(suite, "created", MISSING)))
            .append(" · mode <b>").append(esc(text(suite, "mode", MISSING))).append("</b> · ")
            .append(esc(text(suite, "timing", "timing not recorded"))).append("<br/>\nMachine: ")
            .append(esc(text(machine, "cpus", MISSING))).append(" CPUs · ").append(esc(text(machine, "jvm", MISSING)))
            .append(" · ").append(esc(text(machine, "os", MISSING))).append("</p>\n")
            .append("<p>Ray Java (LOCAL): ").append(esc(text(ray, "runtime", "Ray's Java runtime")))
            .append(", measured in this run on this machine: <b>").append(esc(rayStatus())).append("</b>")
            .append(rayNote == null ? "" : " (" + esc(rayNote) + ")").append(".<br/>\nRay published: ")
            .append(esc(text(published, "source", "source not given"))).append(", measured on <b>")
            .append(esc(text(published, "machine", "an unknown machine")))
            .append("</b>, not this machine: read those figures as orders of magnitude,")
            .append(" not as like-for-like ratios.</p>\n");
        if (!failures.isEmpty()) {
            out.append("<p class=\"alert\"><b>").append(failures.size())
                .append(failures.size() == 1 ? " figure" : " figures")
                .append(" failed or did not run</b> — see <a href=\"#failures\">Failures</a>.</p>\n");
        }
    }

    /** One row per benchmark, grouped, with the best JDK peer, both Ray columns and Kairos ÷ peer. */
    private void summary() {
        out.append("<h2>Summary</h2>\n");
        if (suite.path("rows").isEmpty()) {
            out.append("<p class=\"sub\">No benchmarks in this suite.</p>\n");
            return;
        }
        out.append("<table>\n<thead><tr><th>benchmark</th><th>Kairos</th><th>best JDK peer</th>")
            .append("<th>Ray Java (LOCAL)</th><th>").append(esc(publishedLabel())).append("</th>")
            .append("<th>Kairos ÷ peer</th></tr></thead>\n<tbody>\n");
        final List<String> notes = new ArrayList<>();
        String group = null;
        for (final JsonNode row : suite.path("rows")) {
            final String name = text(row, "name", "?");
            final String unit = text(row, "unit", "");
            if (!text(row, "group", "").equals(group)) {
                group = text(row, "group", "");
                out.append("<tr class=\"group\"><th colspan=\"6\">").append(esc(group)).append("</th></tr>\n");
            }
            final String note = text(row, "note", null);
            if (note != null) {
                notes.add(note);
            }
            final String bestPeer = text(row, "bestPeer", null);
            final String peerCell = bestPeer == null
                ? cell(Double.NaN, unit, row.path("peers").isEmpty() ? "no JDK peer" : "no peer result")
                : cell(peerValue(row, bestPeer), unit, reason(name, bestPeer)) + " <span class=\"sub\">"
                    + esc(bestPeer) + "</span>";
            final double ratio = num(row, "ratio");
            final boolean better = row.path("higherIsBetter").asBoolean(true) ? ratio >= 1 : ratio <= 1;
            out.append("<tr><td>").append(esc(name))
                .append(note == null ? "" : "<sup>" + notes.size() + "</sup>").append("</td>")
                .append("<td>").append(cell(num(row, "kairos"), unit, reason(name, "Kairos"))).append("</td>")
                .append("<td>").append(peerCell).append("</td>")
                .append("<td>").append(cell(num(row, "rayLocal"), unit, rayReason(name))).append("</td>")
                .append("<td>").append(cell(num(row, "rayPublished"), unit, "not published")).append("</td>")
                .append(Double.isFinite(ratio)
                    ? "<td class=\"" + (better ? "better" : "worse") + "\">" + String.format(Locale.ROOT, "%.2f×",
                        ratio) + "</td>"
                    : "<td>" + MISSING + "</td>")
                .append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n<p class=\"sub\">Every figure is in the unit beside it. Kairos ÷ peer is")
            .append(" Kairos's figure over the best JDK peer's: <span class=\"better\">green</span> where Kairos is")
            .append(" better (≥ 1 for throughput, ≤ 1 for latency, time and bytes), <span class=\"worse\">red</span>")
            .append(" where it is worse. – marks a figure that does not exist, with the reason.</p>\n");
        if (!notes.isEmpty()) {
            out.append("<ol class=\"sub\">\n");
            notes.forEach(note -> out.append("<li>").append(esc(note)).append("</li>\n"));
            out.append("</ol>\n");
        }
    }

    private void comparison() {
        if (comparison == null || !comparison.isObject()) {
            return;
        }
        final double threshold = num(comparison, "threshold");
        out.append("<h2>Compared with ").append(esc(text(comparison, "previous", "the previous run"))).append("</h2>\n")
            .append("<p class=\"sub\">Previous run created ").append(esc(text(comparison, "previousCreated", MISSING)))
            .append(". Changes within ")
            .append(Double.isFinite(threshold) ? esc(String.format(Locale.ROOT, "±%.0f%%", 100 * threshold)) : MISSING)
            .append(" count as same; faster/slower already account for whether higher or lower is better.</p>\n");
        if (comparison.path("rows").isEmpty()) {
            out.append("<p class=\"sub\">No figures to compare.</p>\n");
            return;
        }
        out.append("<table>\n<thead><tr><th>benchmark</th><th>subject</th><th>before</th><th>after</th>")
            .append("<th>change</th><th>verdict</th></tr></thead>\n<tbody>\n");
        for (final JsonNode row : comparison.path("rows")) {
            final String unit = text(row, "unit", "");
            final String verdict = text(row, "verdict", "same");
            final double change = num(row, "change");
            out.append("<tr class=\"").append(VERDICTS.contains(verdict) ? verdict : "same").append("\"><td>")
                .append(esc(text(row, "name", "?"))).append("</td><td>").append(esc(text(row, "subject", MISSING)))
                .append("</td><td>").append(cell(num(row, "before"), unit, "none"))
                .append("</td><td>").append(cell(num(row, "after"), unit, "none"))
                .append("</td><td>").append(Double.isFinite(change)
                    ? String.format(Locale.ROOT, "%+.1f%%", 100 * change) : MISSING)
                .append("</td><td>").append(esc(verdict)).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    /** One bar chart per benchmark: every subject with a figure, on a log x axis. */
    private void barCharts() {
        if (suite.path("rows").isEmpty()) {
            return;
        }
        out.append("<h2>Each benchmark, every subject</h2>\n<p class=\"sub\">")
            .append(swatch(KAIROS)).append("Kairos").append(swatch(PEERS[0])).append(swatch(PEERS[2]))
            .append("JDK peers (a shade each)").append(swatch(RAY_LOCAL)).append("Ray Java (LOCAL), this machine")
            .append(swatch(RAY_PUBLISHED)).append(esc(publishedLabel())).append(", another machine")
            .append("<br/>\nLog-scale x axis with a tick per decade; bars start at the axis' left end.</p>\n");
        for (final JsonNode row : suite.path("rows")) {
            barChart(row);
        }
    }

    private void barChart(final JsonNode row) {
        final String name = text(row, "name", "?");
        final String unit = text(row, "unit", "");
        final List<Bar> bars = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        bar(bars, skipped, "Kairos", KAIROS, num(row, "kairos"), reason(name, "Kairos"), unit);
        int shade = 0;
        for (final JsonNode peer : row.path("peers")) {
            final String peerName = text(peer, "name", "?");
            bar(bars, skipped, peerName, PEERS[shade++ % PEERS.length], num(peer, "value"), reason(name, peerName),
                unit);
        }
        bar(bars, skipped, "Ray Java (LOCAL)", RAY_LOCAL, num(row, "rayLocal"), rayReason(name), unit);
        bar(bars, skipped, publishedLabel(), RAY_PUBLISHED, num(row, "rayPublished"), "not published", unit);

        out.append("<figure>\n<figcaption>").append(esc(name)).append(" <span class=\"sub\">")
            .append(esc(unit)).append(", ").append(row.path("higherIsBetter").asBoolean(true) ? "higher" : "lower")
            .append(" is better</span></figcaption>\n");
        if (!bars.isEmpty()) {
            chart.bars(name, unit, bars);
        }
        if (!skipped.isEmpty()) {
            out.append("<p class=\"sub\">Not drawn: ").append(esc(String.join("; ", skipped))).append(".</p>\n");
        }
        out.append("</figure>\n");
    }

    private void latencies() {
        if (!suite.path("latencies").isEmpty()) {
            out.append("<h2>Latency percentiles</h2>\n");
            suite.path("latencies").forEach(this::latencyPlot);
        }
    }

    /**
     * A percentile plot as HdrHistogram draws one: x at log10(1 / (1 - p)), ticks from 50% to the highest finite
     * percentile, 100% (the max) half a decade past it; y log when the values span more than 100x.
     */
    private void latencyPlot(final JsonNode entry) {
        final List<Series> series = new ArrayList<>();  // x: the percentile, for now
        int skipped = 0;
        int shade = 0;
        for (final JsonNode s : entry.path("series")) {
            final String subject = text(s, "subject", "?");
            final List<double[]> points = new ArrayList<>();
            for (final JsonNode point : s.path("percentiles")) {
                final double[] pv = {num(point.path(0)), num(point.path(1))};
                if (pv[0] >= 0 && pv[0] <= 100 && Double.isFinite(pv[1])) {
                    points.add(pv);
                } else {
                    skipped++;
                }
            }
            series.add(new Series(subject, subject.equals("Kairos") ? KAIROS : subject.startsWith("Ray")
                ? (subject.contains("published") ? RAY_PUBLISHED : RAY_LOCAL) : PEERS[shade++ % PEERS.length], points));
        }
        final List<double[]> all = series.stream().flatMap(s -> s.points().stream()).toList();
        final double min = all.stream().mapToDouble(pv -> pv[1]).min().orElse(Double.NaN);
        final double max = all.stream().mapToDouble(pv -> pv[1]).max().orElse(Double.NaN);
        final double minPositive = all.stream().mapToDouble(pv -> pv[1]).filter(v -> v > 0).min().orElse(max);
        final double top = all.stream().mapToDouble(pv -> pv[0]).filter(p -> p < 100).max().orElse(90);
        final double low = all.stream().mapToDouble(pv -> pv[0]).min().orElse(50);
        final boolean logY = max / minPositive > 100;

        final List<Tick> ticks = new ArrayList<>();
        for (final double t : PERCENTILE_TICKS) {
            if (t == 50 || t <= top + 1e-9) {
                ticks.add(new Tick(position(t), BigDecimal.valueOf(t).stripTrailingZeros().toPlainString() + "%"));
            }
        }
        final double end = Math.max(position(top), ticks.get(ticks.size() - 1).at());
        final boolean hasMax = all.stream().anyMatch(pv -> pv[0] == 100);
        if (hasMax) {
            ticks.add(new Tick(end + 0.5, "100%"));
        }
        final List<Series> lines = new ArrayList<>();
        for (final Series s : series) {
            final List<double[]> points = new ArrayList<>();
            for (final double[] pv : s.points()) {
                if (!logY || pv[1] > 0) {
                    points.add(new double[] {pv[0] == 100 ? end + 0.5 : position(pv[0]), pv[1]});
                } else {
                    skipped++;
                }
            }
            lines.add(new Series(s.name(), s.color(), points));
        }
        final Axis x = new Axis(position(Math.min(low, 50)), hasMax ? end + 0.5 : end, false, 0);
        chart.plotFigure(text(entry, "name", "?"), x, ticks, "percentile",
            all.isEmpty() ? null : Axis.fit(logY ? minPositive : min, max, logY),
            "latency (" + text(entry, "unit", "") + (logY ? ", log scale)" : ")"), lines, null, skipped);
    }

    private void curves() {
        if (!suite.path("curves").isEmpty()) {
            out.append("<h2>Scale curves</h2>\n");
            suite.path("curves").forEach(this::curvePlot);
        }
    }

    /** A scale curve: log or linear axes as the curve asks, every point marked, the goal (if any) dashed. */
    private void curvePlot(final JsonNode curve) {
        final boolean logX = curve.path("logX").asBoolean(false);
        final boolean logY = curve.path("logY").asBoolean(false);
        final double[] bounds = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        final List<Series> lines = new ArrayList<>();
        int skipped = 0;
        for (final JsonNode series : curve.path("series")) {
            final List<double[]> points = new ArrayList<>();
            for (final JsonNode point : series.path("points")) {
                final double[] xy = {num(point.path(0)), num(point.path(1))};
                if (drawable(xy, logX, logY, bounds)) {
                    points.add(xy);
                } else {
                    skipped++;
                }
            }
            lines.add(new Series(text(series, "name", "?"), SERIES[lines.size() % SERIES.length], points));
        }
        Goal goal = null;
        if (curve.path("goal").isObject()) {
            final JsonNode g = curve.path("goal");
            final double[] xy = {num(g, "x"), num(g, "y")};
            goal = drawable(xy, logX, logY, bounds) ? new Goal(xy[0], xy[1], text(g, "label", "goal")) : null;
            skipped += goal == null ? 1 : 0;
        }
        final boolean any = bounds[0] <= bounds[1];
        final Axis x = any ? Axis.fit(bounds[0], bounds[1], logX) : null;
        final List<Tick> ticks = x == null ? List.of() : x.ticks().stream().map(t -> new Tick(t, compact(t))).toList();
        chart.plotFigure(text(curve, "title", text(curve, "name", "?")), x, ticks,
            text(curve, "xLabel", "x") + (logX ? " (log scale)" : ""), any ? Axis.fit(bounds[2], bounds[3], logY) : null,
            text(curve, "yLabel", "y") + (logY ? " (log scale)" : ""), lines, goal, skipped);
    }

    private void factsTargetsFailures() {
        if (!suite.path("facts").isEmpty()) {
            out.append("<h2>Facts</h2>\n<table>\n<tbody>\n");
            for (final JsonNode fact : suite.path("facts")) {
                out.append("<tr><td>").append(esc(fact.path(0).asText(MISSING))).append("</td><td>")
                    .append(esc(fact.path(1).isNull() ? MISSING : fact.path(1).asText(MISSING))).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        if (!suite.path("targets").isEmpty()) {
            out.append("<h2>Targets</h2>\n<table>\n<tbody>\n");
            for (final JsonNode target : suite.path("targets")) {
                final String verdict = text(target, "verdict", "n/a");
                final String css = verdict.equals("PASS") ? "pass" : verdict.equals("MISS") ? "miss" : "na";
                out.append("<tr><td class=\"").append(css).append("\">").append(esc(verdict)).append("</td><td>")
                    .append(esc(text(target, "description", MISSING))).append("</td><td>")
                    .append(esc(text(target, "figure", "no result"))).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        if (!failures.isEmpty()) {
            out.append("<section class=\"failures\" id=\"failures\">\n<h2>Failures</h2>\n<ul>\n");
            failures.forEach(failure -> out.append("<li>").append(esc(failure)).append("</li>\n"));
            out.append("</ul>\n</section>\n");
        }
    }

    // ---- plots ---------------------------------------------------------------------------------------------------

    /** Adds a one-value bar if a log axis can show it; otherwise says why not. */
    private static void bar(final List<Bar> bars, final List<String> skipped, final String name, final String color,
                            final double value, final String whyMissing, final String unit) {
        if (!Double.isFinite(value)) {
            skipped.add(name + ": " + whyMissing);
        } else if (value <= 0) {
            skipped.add(name + ": " + format(value, unit) + ", not drawable on a log axis");
        } else {
            bars.add(new Bar(name, color, value));
        }
    }

    /** Whether a point is finite and, on a log axis, positive; widens bounds {minX, maxX, minY, maxY} if so. */
    private static boolean drawable(final double[] xy, final boolean logX, final boolean logY, final double[] bounds) {
        if (!Double.isFinite(xy[0]) || !Double.isFinite(xy[1]) || (logX && xy[0] <= 0) || (logY && xy[1] <= 0)) {
            return false;
        }
        bounds[0] = Math.min(bounds[0], xy[0]);
        bounds[1] = Math.max(bounds[1], xy[0]);
        bounds[2] = Math.min(bounds[2], xy[1]);
        bounds[3] = Math.max(bounds[3], xy[1]);
        return true;
    }

    /** HdrHistogram's percentile position: log10(1 / (1 - p)); 90% is 1, 99% is 2, 99.9% is 3. */
    private static double position(final double percentile) {
        return Math.log10(100 / (100 - percentile));
    }

    // ---- figures, reasons, JSON ----------------------------------------------------------------------------------

    /** A table cell's content: the value and unit, or "–" and why there is none. */
    private static String cell(final double value, final String unit, final String whyMissing) {
        return Double.isFinite(value) ? esc(format(value, unit))
            : MISSING + " <span class=\"sub\">" + esc(whyMissing) + "</span>";
    }

    /** Why a subject has no figure for a benchmark: its entry in the failures list ("NAME (SUBJECT): why"). */
    private String reason(final String benchmark, final String subject) {
        final String prefix = benchmark + " (" + subject;
        for (final String failure : failures) {
            if (failure.startsWith(prefix)) {
                final int colon = failure.indexOf("): ", prefix.length());
                final String why = colon < 0 ? "failed" : failure.substring(colon + 3);
                return why.startsWith("failed") ? why : "failed: " + why;
            }
        }
        return "no result";
    }

    /** Why Ray LOCAL has no figure: the runtime did not run, the benchmark failed, or Ray has no counterpart. */
    private String rayReason(final String benchmark) {
        final String reason = reason(benchmark, "Ray");
        return !rayStatus().equals("ran") ? rayStatus() : reason.equals("no result") ? "no Ray figure" : reason;
    }

    private String rayStatus() {
        return text(suite.path("rayLocal"), "status", "not run");
    }

    /** "Ray published (64 vCPU)": the published figures' machine, up to its first parenthesis. */
    private String publishedLabel() {
        final String machine = text(suite.path("rayPublished"), "machine", null);
        return "Ray published (" + (machine == null ? "other machine" : machine.replaceFirst("\\s*\\(.*", "")) + ")";
    }

    private static double peerValue(final JsonNode row, final String peer) {
        for (final JsonNode p : row.path("peers")) {
            if (peer.equals(text(p, "name", null))) {
                return num(p, "value");
            }
        }
        return Double.NaN;
    }

    /**
     * A value and its unit: 4 significant digits, thousands separators ("1,480,000 ops/s", "8,041 ops/s",
     * "16.78 GB/s", "7.8 µs"); "–" when not finite.
     */
    static String format(final double value, final String unit) {
        if (!Double.isFinite(value)) {
            return MISSING;
        }
        final BigDecimal rounded = BigDecimal.valueOf(value)
            .round(new MathContext(4)).stripTrailingZeros();
        final String number = new DecimalFormat("#,##0.##########", DecimalFormatSymbols.getInstance(Locale.ROOT))
            .format(rounded);
        return unit.isEmpty() ? number : number + " " + unit;
    }

    private static String swatch(final String color) {
        return "<span class=\"swatch\" style=\"background:" + color + "\"></span>";
    }

    /** Text for HTML and XML alike: the five special characters escaped, control characters XML forbids dropped. */
    static String esc(final String s) {
        final StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String text(final JsonNode node, final String field, final String otherwise) {
        final JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? otherwise : value.asText();
    }

    private static double num(final JsonNode node, final String field) {
        return num(node.path(field));
    }

    /** A JSON number's value; NaN for null, missing or anything else. */
    private static double num(final JsonNode value) {
        return value.isNumber() ? value.doubleValue() : Double.NaN;
    }
}
