package io.kairos.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress of a benchmark run on stderr: one line per step, opened with a bar, the step's number, the elapsed
 * time and an estimate of what is left, and closed with the step's figures, e.g.
 * {@code [#####...............]  12/88  0:41 ~2:20 left  tasks async (Kernel) ... 1,480,000 ops/s (2.3 s)}.
 */
final class BenchProgress {
    private static final int WIDTH = 20;

    private final int total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private int begun;
    private long stepStart;

    BenchProgress(final int total, final PrintStream out) {
        this.total = total;
        this.out = out;
    }

    PrintStream out() {
        return out;
    }

    /** Opens the next step's line. */
    void begin(final String label) {
        begun++;
        stepStart = System.nanoTime();
        out.print(line(label));
        out.flush();
    }

    /** Closes the step's line with what it gave. */
    void end(final String result) {
        out.printf(Locale.ROOT, "%s (%.1f s)%n", result, (System.nanoTime() - stepStart) / 1e9);
        out.flush();
    }

    /** The opening of the current step's line. */
    String line(final String label) {
        final int done = begun - 1;
        final int filled = total == 0 ? WIDTH : done * WIDTH / total;
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final String left = done == 0 ? "" : " ~" + clock(elapsed / done * (total - done)) + " left";
        final int digits = Integer.toString(total).length();
        return String.format(Locale.ROOT, "[%s%s] %" + digits + "d/%d  %s%s  %s ... ", "#".repeat(filled),
            ".".repeat(WIDTH - filled), begun, total, clock(elapsed), left, label);
    }

    private static String clock(final double seconds) {
        final long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
