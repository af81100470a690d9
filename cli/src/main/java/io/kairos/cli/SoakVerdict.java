package io.kairos.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The soak's rules, a pure function of its windows and its correctness counts. A run fails on:
 * <ul>
 *   <li>a lost task: a result not back within the get timeout, or a failure that its retries should have covered;</li>
 *   <li>a wrong result: a value that is not the function of its input (or an actor's counts out of order);</li>
 *   <li>RSS growth: the median RSS of the last third of the steady windows exceeds the median of the first third by
 *       more than the bound;</li>
 *   <li>p99 drift: the median p99 round trip of the last third exceeds the first third's by more than the ratio.</li>
 * </ul>
 * The steady windows are those after the warm-up (the first tenth of the windows, at least one: JIT compilation,
 * first touches of the store's pages, the first worker JVMs). Medians of thirds, not one window against another, so
 * that one noisy window on a shared 2-core machine (a GC, a neighbour's burst) neither fails a run nor hides a
 * trend; p99s below the floor count as the floor, so that drift among sub-floor figures (noise at microseconds) does
 * not fail. With fewer than three steady windows the RSS and drift rules are not judged, and the verdict says so.
 */
final class SoakVerdict {
    /**
     * The bounds.
     *
     * @param rssGrowthBytes the most the RSS may grow from the first third of the steady windows to the last
     * @param p99Ratio       the most the p99 may grow, as a ratio of the last third's median to the first third's
     * @param p99FloorNs     p99s below this count as this
     */
    record Bounds(long rssGrowthBytes, double p99Ratio, long p99FloorNs) {
    }

    /** What the rules found: failures (empty: passed) and the figures they judged. */
    record Result(List<String> failures, List<String> figures) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    private SoakVerdict() {
    }

    /** How many of n windows are warm-up: a tenth, at least one (none of a single window). */
    static int warmupWindows(final int n) {
        return n <= 1 ? 0 : Math.max(1, (n + 9) / 10);
    }

    static Result judge(final List<SoakWindow> windows, final long lost, final List<String> lostDescribed,
                        final long wrong, final List<String> wrongDescribed, final Bounds bounds) {
        final List<String> failures = new ArrayList<>();
        final List<String> figures = new ArrayList<>();
        if (lost > 0) {
            failures.add("lost tasks: " + lost + " (not back within the get timeout, or failed with retries left); "
                + "first: " + String.join(" | ", lostDescribed));
        }
        if (wrong > 0) {
            failures.add("wrong results: " + wrong + "; first: " + String.join(" | ", wrongDescribed));
        }
        final int warmup = warmupWindows(windows.size());
        final List<SoakWindow> steady = windows.subList(warmup, windows.size());
        if (steady.size() < 3) {
            figures.add("rss growth and p99 drift not judged: " + steady.size() + " steady window(s) after "
                + warmup + " of warm-up, 3 needed");
            return new Result(List.copyOf(failures), List.copyOf(figures));
        }
        final int third = steady.size() / 3;
        final List<SoakWindow> first = steady.subList(0, third);
        final List<SoakWindow> last = steady.subList(steady.size() - third, steady.size());
        final String firstNames = names(first);
        final String lastNames = names(last);

        final long rssFirst = median(first, SoakWindow::rssBytes);
        final long rssLast = median(last, SoakWindow::rssBytes);
        final long growth = rssLast - rssFirst;
        final String rss = String.format(Locale.ROOT, "rss growth %+.0f MiB (bound %.0f MiB): median of windows %s "
                + "%.0f MiB, of windows %s %.0f MiB", growth / 1048576.0, bounds.rssGrowthBytes() / 1048576.0,
            lastNames, rssLast / 1048576.0, firstNames, rssFirst / 1048576.0);
        figures.add(rss);
        if (growth > bounds.rssGrowthBytes()) {
            failures.add(rss);
        }

        final List<SoakWindow> firstTimed = timed(first);
        final List<SoakWindow> lastTimed = timed(last);
        if (firstTimed.isEmpty() || lastTimed.isEmpty()) {
            failures.add("p99 drift: no round trip was timed in windows " + (firstTimed.isEmpty() ? firstNames
                : lastNames));
        } else {
            final ToLongFunction<SoakWindow> p99 = w -> Math.max(w.p99Ns(), bounds.p99FloorNs());
            final long p99First = median(firstTimed, p99);
            final long p99Last = median(lastTimed, p99);
            final double ratio = (double) p99Last / p99First;
            final String drift = String.format(Locale.ROOT, "p99 drift %.2fx (bound %.2fx): median p99 of windows %s "
                    + "%s, of windows %s %s (p99s below %s count as %s)", ratio, bounds.p99Ratio(), lastNames,
                SoakWindow.duration(p99Last), firstNames, SoakWindow.duration(p99First),
                SoakWindow.duration(bounds.p99FloorNs()), SoakWindow.duration(bounds.p99FloorNs()));
            figures.add(drift);
            if (ratio > bounds.p99Ratio()) {
                failures.add(drift);
            }
        }
        return new Result(List.copyOf(failures), List.copyOf(figures));
    }

    private static List<SoakWindow> timed(final List<SoakWindow> windows) {
        return windows.stream().filter(w -> w.roundTrips() > 0).toList();
    }

    /** The median (the upper one of an even count: the rules err towards failing a real trend). */
    static long median(final List<SoakWindow> windows, final ToLongFunction<SoakWindow> figure) {
        final long[] values = windows.stream().mapToLong(figure).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }

    private static String names(final List<SoakWindow> windows) {
        final int from = windows.get(0).index();
        final int to = windows.get(windows.size() - 1).index();
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
