package io.kairos.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.kairos.cli.HtmlReport.esc;
import static io.kairos.cli.HtmlReport.format;

/**
 * The SVG of the {@link HtmlReport} page: a benchmark's bar chart and the line plots (latency percentiles, scale
 * curves) with their axes, ticks, legend and goal, written into the page being built. Inline SVG without
 * {@code xmlns} (HTML5 does not need it), well-formed XML like the rest of the page.
 */
final class SvgChart {
    /** One bar of a bar chart: a subject and its figure (positive, so a log axis can show it). */
    record Bar(String name, String color, double value) { }

    /** One line of a plot: its points (x, y) in the plot's units. */
    record Series(String name, String color, List<double[]> points) { }

    /** An x-axis tick: where it is (in the axis' units) and what it says. */
    record Tick(double at, String label) { }

    /** A goal marked on a plot: a dashed corner at (x, y) and its label. */
    record Goal(double x, double y, String label) { }

    /** A plot's axis: whole decades when log, multiples of step from lo to hi when linear. */
    record Axis(double lo, double hi, boolean log, double step) {
        static Axis fit(final double min, final double max, final boolean log) {
            if (log) {
                final double lo = Math.pow(10, Math.floor(Math.log10(min)));
                final double hi = Math.pow(10, Math.ceil(Math.log10(max)));
                return new Axis(lo, hi > lo ? hi : lo * 10, true, 0);
            }
            final double from = Math.min(0, min);
            final double span = max - from;
            final double magnitude = span > 0 ? Math.pow(10, Math.floor(Math.log10(span / 5))) : 1;
            final double r = span / 5 / magnitude;
            final double step = magnitude * (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10);
            final double lo = Math.floor(from / step) * step;
            final double hi = Math.ceil(max / step) * step;
            return new Axis(lo, hi > lo ? hi : lo + step, false, step);
        }

        /** Where a value lies, from 0 (lo) to 1 (hi). */
        double frac(final double v) {
            return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        }

        /** Linear: every step. Log: every decade, and 2 and 5 in between when there are at most two decades. */
        List<Double> ticks() {
            final List<Double> ticks = new ArrayList<>();
            if (!log) {
                for (int k = 0; lo + k * step <= hi + step * 1e-9; k++) {
                    ticks.add(lo + k * step);
                }
                return ticks;
            }
            final boolean fine = hi / lo <= 100.5;
            for (double decade = lo; decade <= hi * 1.0001; decade *= 10) {
                ticks.add(decade);
                if (fine && decade * 10 <= hi * 1.0001) {
                    ticks.add(2 * decade);
                    ticks.add(5 * decade);
                }
            }
            return ticks;
        }
    }

    private final StringBuilder out;

    /** @param out the page the SVG is appended to */
    SvgChart(final StringBuilder out) {
        this.out = out;
    }

    /** A bar chart of one benchmark: a bar per subject (bars not empty), on a log x axis with a tick per decade. */
    void bars(final String name, final String unit, final List<Bar> bars) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final Bar bar : bars) {
            min = Math.min(min, bar.value);
            max = Math.max(max, bar.value);
        }
        final Axis x = Axis.fit(min, max, true);
        final int left = 190;
        final int right = 530;
        final int axisY = 4 + 20 * bars.size();
        svgOpen(640, axisY + 18, name);
        for (final double tick : x.ticks()) {
            final double px = left + x.frac(tick) * (right - left);
            line(px, 2, px, axisY, "#e2e2e2", "");
            label(px, axisY + 14, "middle", compact(tick), "");
        }
        line(left, axisY, right, axisY, "#888", "");
        for (int i = 0; i < bars.size(); i++) {
            final Bar bar = bars.get(i);
            final double value = bar.value;
            final double y = 4 + 20 * i;
            final double width = Math.max(1, x.frac(value) * (right - left));
            label(left - 6, y + 12, "end", bar.name, "");
            out.append("<rect x=\"").append(f(left)).append("\" y=\"").append(f(y + 2)).append("\" width=\"")
                .append(f(width)).append("\" height=\"14\" fill=\"").append(bar.color).append("\"/>\n");
            label(left + width + 4, y + 13, "start", format(value, unit), "");
        }
        out.append("</svg>\n");
    }

    /** A line plot in a figure, or a note that there is nothing to draw (x or y null); names skipped points. */
    void plotFigure(final String title, final Axis x, final List<Tick> xTicks, final String xLabel,
                    final Axis y, final String yLabel, final List<Series> series, final Goal goal,
                    final int skipped) {
        out.append("<figure>\n<figcaption>").append(esc(title)).append("</figcaption>\n");
        if (x == null || y == null) {
            out.append("<p class=\"sub\">Nothing to draw: no finite values.</p>\n</figure>\n");
            return;
        }
        final int left = 70;
        final int right = 480;
        final int top = 12;
        final int bottom = 250;
        svgOpen(700, 292, title);
        for (final double tick : y.ticks()) {
            final double py = bottom - y.frac(tick) * (bottom - top);
            line(left, py, right, py, "#e6e6e6", "");
            label(left - 6, py + 4, "end", compact(tick), "");
        }
        for (final Tick tick : xTicks) {
            final double px = left + x.frac(tick.at) * (right - left);
            line(px, top, px, bottom, "#e6e6e6", "");
            label(px, bottom + 15, "middle", tick.label, "");
        }
        line(left, bottom, right, bottom, "#888", "");
        line(left, top, left, bottom, "#888", "");
        label((left + right) / 2.0, bottom + 34, "middle", xLabel, "");
        label(14, (top + bottom) / 2.0, "middle", yLabel,
            " transform=\"rotate(-90 14 " + f((top + bottom) / 2.0) + ")\"");
        for (int i = 0; i < series.size(); i++) {
            final Series s = series.get(i);
            final StringBuilder points = new StringBuilder();
            for (final double[] p : s.points) {
                points.append(f(left + x.frac(p[0]) * (right - left))).append(',')
                    .append(f(bottom - y.frac(p[1]) * (bottom - top))).append(' ');
            }
            out.append("<polyline fill=\"none\" stroke=\"").append(s.color).append("\" stroke-width=\"1.8\" points=\"")
                .append(points.toString().trim()).append("\"/>\n");
            for (final double[] p : s.points) {
                out.append("<circle cx=\"").append(f(left + x.frac(p[0]) * (right - left))).append("\" cy=\"")
                    .append(f(bottom - y.frac(p[1]) * (bottom - top))).append("\" r=\"3\" fill=\"").append(s.color)
                    .append("\"/>\n");
            }
            line(right + 14, top + 8 + 18 * i, right + 34, top + 8 + 18 * i, s.color, " stroke-width=\"3\"");
            label(right + 40, top + 12 + 18 * i, "start", s.name + (s.points.isEmpty() ? " (no values)" : ""), "");
        }
        if (goal != null) {
            final double gx = left + x.frac(goal.x) * (right - left);
            final double gy = bottom - y.frac(goal.y) * (bottom - top);
            final String dashed = " stroke-dasharray=\"6 4\" stroke-width=\"1.5\"";
            line(left, gy, right, gy, "#b3261e", dashed);
            line(gx, gy, gx, bottom, "#b3261e", dashed);
            out.append("<path d=\"M").append(f(gx)).append(' ').append(f(gy - 6)).append(" l6 6 l-6 6 l-6 -6 z\"")
                .append(" fill=\"none\" stroke=\"#b3261e\" stroke-width=\"1.5\"/>\n");
            final boolean leftOf = gx > (left + right) / 2.0;
            label(leftOf ? gx - 10 : gx + 10, gy - 8, leftOf ? "end" : "start", goal.label, " style=\"fill:#b3261e\"");
        }
        out.append("</svg>\n");
        if (skipped > 0) {
            out.append("<p class=\"sub\">").append(skipped).append(skipped == 1 ? " point" : " points")
                .append(" not drawn: no finite value, or zero/negative on a log axis.</p>\n");
        }
        out.append("</figure>\n");
    }

    private void svgOpen(final int width, final int height, final String label) {
        out.append("<svg width=\"").append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
            .append(width).append(' ').append(height).append("\" role=\"img\" aria-label=\"").append(esc(label))
            .append("\">\n");
    }

    private void line(final double x1, final double y1, final double x2, final double y2, final String color,
                      final String extra) {
        out.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
            .append("\" y2=\"").append(f(y2)).append("\" stroke=\"").append(color).append('"').append(extra)
            .append("/>\n");
    }

    private void label(final double x, final double y, final String anchor, final String text, final String extra) {
        out.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
            .append('"').append(extra).append('>').append(esc(text)).append("</text>\n");
    }

    /** An axis label: 3 significant digits and k, M or G (1k, 10M, 2.5k, 0.5). */
    static String compact(final double v) {
        final double a = Math.abs(v);
        return a >= 1e9 ? trim(v / 1e9) + "G" : a >= 1e6 ? trim(v / 1e6) + "M" : a >= 1e3 ? trim(v / 1e3) + "k"
            : trim(v);
    }

    private static String trim(final double v) {
        return v == 0 ? "0" : BigDecimal.valueOf(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String f(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
