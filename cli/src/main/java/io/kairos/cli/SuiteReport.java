package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Target;
import io.kairos.bench.plan.SuitePlan;
import io.kairos.bench.plan.SuitePlan.Curve;
import io.kairos.bench.plan.SuitePlan.Fact;
import io.kairos.bench.plan.SuitePlan.Latency;
import io.kairos.bench.plan.SuitePlan.Row;
import io.kairos.bench.plan.SuitePlan.Series;
import io.kairos.bench.plan.SuitePlan.Subject;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of a {@link SuitePlan} run: the JSON document (the HTML report and {@code --compare} read it), the
 * table printed at the end of {@code kairos bench}, and the comparison with a previous run's JSON.
 */
final class SuiteReport {
    static final String RAY_LOCAL = "Ray Java (LOCAL)";
    static final String KAIROS = "Kairos";
    /** Percentiles of the latency plots. */
    private static final double[] PERCENTILES = {50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};
    private static final ObjectMapper JSON = new ObjectMapper();

    private SuiteReport() {
    }

    /** Whether more is better for figures of this kind (ops/s, GB/s), or less (times, bytes). */
    static boolean higherIsBetter(final Kind kind) {
        return kind == Kind.OPS_PER_SECOND || kind == Kind.GIGABYTES_PER_SECOND;
    }

    /** The unit a kind's value is written in (the JSON's values are in it). */
    static String unit(final Kind kind) {
        return switch (kind) {
            case OPS_PER_SECOND -> "ops/s";
            case GIGABYTES_PER_SECOND -> "GB/s";
            case NANOSECONDS -> "ns";
            case LATENCY -> "µs";
            case SECONDS -> "s";
            case BYTES_PER_TASK -> "B/task";
            case MEBIBYTES -> "MiB";
        };
    }

    /** A figure's value in its JSON unit (a LATENCY figure is measured in ns, written in µs); null if none. */
    private static Double value(final BenchReport readings, final BenchPlan plan, final String key) {
        final double v = readings.value(key);
        if (Double.isNaN(v)) {
            return null;
        }
        return plan.figure(key).kind() == Kind.LATENCY ? v / 1000 : v;
    }

    /**
     * The suite JSON.
     *
     * @param header mode, timing and machine fields (title, created, mode, timing, machine)
     */
    static ObjectNode json(final SuitePlan suite, final BenchRunner.Outcome outcome, final RayLocalRunner.Result ray,
                           final ObjectNode header) {
        final BenchPlan plan = suite.plan;
        final BenchReport readings = new BenchReport(plan, outcome.readings());
        final ObjectNode root = header.deepCopy();
        final ObjectNode rayLocal = root.putObject("rayLocal");
        rayLocal.put("runtime", ray.runtime()).put("status", ray.status()).put("note", ray.note());
        root.putObject("rayPublished").put("source", SuitePlan.RAY_PUBLISHED_SOURCE)
            .put("machine", SuitePlan.RAY_PUBLISHED_MACHINE);

        final ArrayNode rows = root.putArray("rows");
        for (final Row row : suite.rows) {
            final boolean higher = higherIsBetter(row.kind());
            final ObjectNode r = rows.addObject();
            r.put("name", row.name()).put("group", row.group()).put("unit", unit(row.kind()))
                .put("higherIsBetter", higher);
            final Double kairos = value(readings, plan, row.kairosKey());
            r.put("kairos", kairos);
            final ArrayNode peers = r.putArray("peers");
            final boolean anyJdkPeer = row.peers().stream().anyMatch(p -> !p.ceiling());
            String best = null;
            Double bestValue = null;
            for (final Subject peer : row.peers()) {
                final Double v = value(readings, plan, peer.key());
                peers.addObject().put("name", peer.name()).put("value", v).put("ceiling", peer.ceiling());
                final boolean eligible = !anyJdkPeer || !peer.ceiling();
                if (v != null && eligible && (bestValue == null || (higher ? v > bestValue : v < bestValue))) {
                    best = peer.name();
                    bestValue = v;
                }
            }
            r.put("bestPeer", best).put("bestPeerValue", bestValue);
            final Double rayValue = row.rayName() == null ? null : ray.scores().get(row.rayName());
            r.put("rayLocal", rayValue);
            if (row.rayName() != null && ray.errors().containsKey(row.rayName())) {
                r.put("rayLocalError", ray.errors().get(row.rayName()));
            }
            r.put("rayPublished", row.rayPublished());
            r.put("ratio", kairos == null || bestValue == null || bestValue == 0 ? null : kairos / bestValue);
            r.put("note", row.note());
        }

        final ArrayNode latencies = root.putArray("latencies");
        for (final Latency latency : suite.latencies) {
            final ObjectNode l = latencies.addObject();
            l.put("name", latency.name()).put("unit", "µs");
            final ArrayNode series = l.putArray("series");
            for (final Subject subject : latency.series()) {
                final RunResult result = outcome.results().get(subject.key());
                if (result != null) {
                    addSeries(series, subject.name(), histogram(result.getPrimaryResult().getStatistics()));
                } else if (outcome.histograms().containsKey(subject.key())) {
                    addSeries(series, subject.name(), outcome.histograms().get(subject.key()));
                }
            }
            final Histogram rayHistogram = latency.rayName() == null ? null : ray.histograms().get(latency.rayName());
            if (rayHistogram != null) {
                addSeries(series, RAY_LOCAL, rayHistogram);
            }
        }

        final ArrayNode curves = root.putArray("curves");
        for (final Curve curve : suite.curves) {
            final ObjectNode c = curves.addObject();
            c.put("name", curve.name()).put("title", curve.title()).put("xLabel", curve.xLabel())
                .put("yLabel", curve.yLabel()).put("logX", curve.logX()).put("logY", curve.logY());
            if (curve.goal() != null) {
                c.putObject("goal").put("x", curve.goal()[0]).put("y", curve.goal()[1]).put("label", curve.goalLabel());
            }
            final ArrayNode series = c.putArray("series");
            for (final Series line : curve.series()) {
                final ObjectNode s = series.addObject().put("name", line.name()).put("kairos", line.kairos());
                final ArrayNode points = s.putArray("points");
                for (final Map.Entry<Double, String> point : line.points()) {
                    final Double y = value(readings, plan, point.getValue());
                    if (y != null) {
                        points.addArray().add(point.getKey()).add(y);
                    }
                }
            }
        }

        final ArrayNode facts = root.putArray("facts");
        for (final Fact fact : suite.facts) {
            facts.addArray().add(fact.label()).add(readings.show(fact.key()));
        }
        final ArrayNode targets = root.putArray("targets");
        for (final Target target : plan.targets) {
            final double v = readings.value(target.key());
            final double peer = target.peerKey() == null ? Double.NaN : readings.value(target.peerKey());
            final boolean known = !Double.isNaN(v) && (target.peerKey() == null || !Double.isNaN(peer));
            final ObjectNode t = targets.addObject()
                .put("verdict", !known ? "n/a" : target.met(v, peer) ? "PASS" : "MISS")
                .put("description", target.description())
                .put("figure", !known ? "no result" : plan.figure(target.key()).kind().show(v)
                    + (target.peerKey() == null ? "" : String.format(Locale.ROOT, " = %.2fx (peer %s)",
                    v / peer, plan.figure(target.peerKey()).kind().show(peer))));
            if (known && target.peerKey() != null) {
                t.put("ratio", v / peer).put("goal", target.bound());
            }
        }
        final ArrayNode failures = root.putArray("failures");
        outcome.failures().forEach(failures::add);
        if ("failed".equals(ray.status())) {
            failures.add(RAY_LOCAL + ": " + ray.note());
        }
        ray.errors().forEach((name, error) -> failures.add(RAY_LOCAL + " " + name + ": " + error));
        return root;
    }

    private static void addSeries(final ArrayNode series, final String subject, final Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return;
        }
        final ObjectNode s = series.addObject().put("subject", subject);
        final ArrayNode percentiles = s.putArray("percentiles");
        for (final double p : PERCENTILES) {
            percentiles.addArray().add(p).add(histogram.getValueAtPercentile(p) / 1000.0);
        }
        s.put("count", histogram.getTotalCount());
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        s.put("histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
    }

    /** A SampleTime step's samples (ns) as an HdrHistogram. */
    static Histogram histogram(final Statistics statistics) {
        final Histogram histogram = new Histogram(3);
        final Iterator<Map.Entry<Double, Long>> raw = statistics.getRawData();
        while (raw.hasNext()) {
            final Map.Entry<Double, Long> sample = raw.next();
            histogram.recordValueWithCount(Math.max(1, Math.round(sample.getKey())), sample.getValue());
        }
        return histogram;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the table

    /** The printed table: one line per row, grouped, then the footnotes. */
    static List<String> table(final JsonNode suite) {
        final List<String[]> cells = new ArrayList<>();
        final String[] header = {"Benchmark", KAIROS, "Best JDK peer", RAY_LOCAL, "Ray published (64 vCPU)",
            "Kairos ÷ peer"};
        cells.add(header);
        final List<String> notes = new ArrayList<>();
        String group = null;
        for (final JsonNode row : suite.path("rows")) {
            if (!row.path("group").asText().equals(group)) {
                group = row.path("group").asText();
                cells.add(new String[] {"[" + group + "]", "", "", "", "", ""});
            }
            final String unit = row.path("unit").asText();
            String name = row.path("name").asText();
            if (row.hasNonNull("note")) {
                notes.add(row.path("note").asText());
                name += " (" + notes.size() + ")";
            }
            final String peer = row.hasNonNull("bestPeer")
                ? format(row.path("bestPeerValue"), unit) + " " + row.path("bestPeer").asText() : "-";
            cells.add(new String[] {name, format(row.path("kairos"), unit), peer,
                row.hasNonNull("rayLocal") ? format(row.path("rayLocal"), unit)
                    : row.has("rayLocalError") ? "failed" : "-",
                format(row.path("rayPublished"), unit),
                row.hasNonNull("ratio") ? String.format(Locale.ROOT, "%.2fx", row.path("ratio").asDouble()) : "-"});
        }
        final List<String> lines = align(cells);
        lines.add("Best JDK peer: the best JDK executor or map of the row; the ceilings (the LMAX Disruptor, memory "
            + "copies, a same-process get) are in the JSON and HTML, and stand in where a row has no JDK peer.");
        lines.add("Kairos ÷ peer: above 1 is faster for ops/s and GB/s, slower for ns. Ray published: "
            + SuitePlan.RAY_PUBLISHED_SOURCE + ", on " + SuitePlan.RAY_PUBLISHED_MACHINE + ", not this machine.");
        for (int i = 0; i < notes.size(); i++) {
            lines.add("(" + (i + 1) + ") " + notes.get(i));
        }
        return lines;
    }

    /** A JSON value and its unit as the HTML report writes it; "-" when absent. */
    private static String format(final JsonNode value, final String unit) {
        return value.isNumber() ? HtmlReport.format(value.asDouble(), unit) : "-";
    }

    private static List<String> align(final List<String[]> cells) {
        final int[] widths = new int[cells.get(0).length];
        for (final String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        final List<String> lines = new ArrayList<>();
        for (final String[] line : cells) {
            final StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                final String format = i == 0 || i == 2 ? "%-" + widths[i] + "s" : "%" + widths[i] + "s";
                b.append(String.format(Locale.ROOT, format, line[i])).append("  ");
            }
            lines.add(b.toString().stripTrailing());
            if (line == cells.get(0)) {
                lines.add("-".repeat(b.toString().stripTrailing().length()));
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the comparison

    /**
     * Compares every figure two suite runs share: each row's Kairos, peers and Ray LOCAL values, and each curve's
     * points. A change beyond the threshold (a fraction) is "faster" or "slower", by the row's direction.
     */
    static ObjectNode compare(final JsonNode previous, final String previousName, final JsonNode current,
                              final double threshold) {
        final ObjectNode comparison = JSON.createObjectNode();
        comparison.put("previous", previousName).put("previousCreated", previous.path("created").asText(null))
            .put("threshold", threshold).put("previousTiming", previous.path("timing").asText(null))
            .put("timing", current.path("timing").asText(null));
        final ArrayNode rows = comparison.putArray("rows");
        final Map<String, JsonNode> before = figures(previous);
        final Map<String, JsonNode> after = figures(current);
        for (final Map.Entry<String, JsonNode> entry : after.entrySet()) {
            final JsonNode now = entry.getValue();
            final JsonNode then = before.get(entry.getKey());
            final ObjectNode r = rows.addObject().put("name", now.path("name").asText())
                .put("subject", now.path("subject").asText()).put("unit", now.path("unit").asText())
                .put("kairos", now.path("kairos").asBoolean());
            final double a = now.path("value").asDouble();
            if (then == null) {
                r.putNull("before").put("after", a).putNull("change").put("verdict", "new");
                continue;
            }
            final double b = then.path("value").asDouble();
            final double change = b == 0 ? 0 : a / b - 1;
            final boolean higher = now.path("higherIsBetter").asBoolean();
            final String verdict = Math.abs(change) < threshold ? "same"
                : (change > 0) == higher ? "faster" : "slower";
            r.put("before", b).put("after", a).put("change", change).put("verdict", verdict);
        }
        final java.util.Set<String> names = new java.util.HashSet<>();
        after.values().forEach(f -> names.add(f.path("name").asText()));
        for (final Map.Entry<String, JsonNode> entry : before.entrySet()) {
            // gone: a subject of a benchmark this run measured (a benchmark left out with --only is not gone)
            if (!after.containsKey(entry.getKey()) && names.contains(entry.getValue().path("name").asText())) {
                final JsonNode then = entry.getValue();
                rows.addObject().put("name", then.path("name").asText()).put("subject", then.path("subject").asText())
                    .put("unit", then.path("unit").asText()).put("kairos", then.path("kairos").asBoolean())
                    .put("before", then.path("value").asDouble())
                    .putNull("after").putNull("change").put("verdict", "gone");
            }
        }
        return comparison;
    }

    /** Every comparable figure of a suite JSON by "name|subject": name, subject, unit, value, higherIsBetter. */
    private static Map<String, JsonNode> figures(final JsonNode suite) {
        final Map<String, JsonNode> figures = new java.util.LinkedHashMap<>();
        for (final JsonNode row : suite.path("rows")) {
            final String name = row.path("name").asText();
            final String unit = row.path("unit").asText();
            final boolean higher = row.path("higherIsBetter").asBoolean();
            figure(figures, name, KAIROS, unit, row.path("kairos"), higher, true);
            for (final JsonNode peer : row.path("peers")) {
                figure(figures, name, peer.path("name").asText(), unit, peer.path("value"), higher, false);
            }
            figure(figures, name, RAY_LOCAL, unit, row.path("rayLocal"), higher, false);
        }
        for (final JsonNode curve : suite.path("curves")) {
            final String unit = curve.path("yLabel").asText();
            final boolean higher = !unit.startsWith("ns") && !unit.startsWith("µs");
            for (final JsonNode series : curve.path("series")) {
                for (final JsonNode point : series.path("points")) {
                    final double x = point.get(0).asDouble();
                    figure(figures, curve.path("name").asText() + " @ " + (x == Math.rint(x)
                            ? Long.toString((long) x) : Double.toString(x)),
                        series.path("name").asText(), unit, point.get(1), higher, series.path("kairos").asBoolean());
                }
            }
        }
        return figures;
    }

    private static void figure(final Map<String, JsonNode> figures, final String name, final String subject,
                               final String unit, final JsonNode value, final boolean higher, final boolean kairos) {
        if (value != null && value.isNumber()) {
            figures.put(name + "|" + subject, JSON.createObjectNode().put("name", name).put("subject", subject)
                .put("unit", unit).put("value", value.asDouble()).put("higherIsBetter", higher).put("kairos", kairos));
        }
    }

    /** The comparison as printed: the figures that changed beyond the threshold, slower first. */
    static List<String> comparisonLines(final JsonNode comparison) {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Compared with %s (changes beyond ±%.0f%%):",
            comparison.path("previous").asText(), 100 * comparison.path("threshold").asDouble()));
        final String then = comparison.path("previousTiming").asText("");
        if (!then.isEmpty() && !then.equals(comparison.path("timing").asText(""))) {
            lines.add("  note: that run's timing differs (" + then + "); fewer forks or iterations read noisier");
        }
        final List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"Benchmark", "Subject", "Before", "After", "Change", ""});
        for (final String verdict : List.of("slower", "faster", "new", "gone")) {
            for (final JsonNode row : comparison.path("rows")) {
                if (!row.path("verdict").asText().equals(verdict)) {
                    continue;
                }
                final String unit = row.path("unit").asText();
                cells.add(new String[] {row.path("name").asText(), row.path("subject").asText(),
                    format(row.path("before"), unit), format(row.path("after"), unit),
                    row.path("change").isNumber()
                        ? String.format(Locale.ROOT, "%+.1f%%", 100 * row.path("change").asDouble()) : "-",
                    verdict.toUpperCase(Locale.ROOT)});
            }
        }
        if (cells.size() == 1) {
            lines.add("  nothing changed beyond the threshold");
        } else {
            align(cells).forEach(l -> lines.add("  " + l));
        }
        return lines;
    }

    /** How many of Kairos's own figures (not the peers') got slower. */
    static long slowerKairos(final JsonNode comparison) {
        long n = 0;
        for (final JsonNode row : comparison.path("rows")) {
            if (row.path("verdict").asText().equals("slower") && row.path("kairos").asBoolean()) {
                n++;
            }
        }
        return n;
    }
}
