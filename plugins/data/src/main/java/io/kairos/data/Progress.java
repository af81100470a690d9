package io.kairos.data;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's figures as it goes, and its live progress line: per stage the blocks done, running and queued, and its
 * actors; rows/s; the store bytes its blocks hold against the budget. The line is rewritten in place about once a
 * second (on a terminal; printed as lines elsewhere), and the summary ({@link DatasetStats}) printed at the end.
 */
final class Progress {
    private static final long LINE_EVERY_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final long budget;
    private final long[] stageBlocks;
    private final long[] stageBytes;
    private final long[] stageNanos;
    private final long[] peakQueued;
    private final long startNanos = System.nanoTime();
    private long endNanos;
    private long lastLine = startNanos;
    private long rows;
    private long inStore;
    private long peakInStore;
    private boolean lineOpen;

    Progress(final int stages, final PrintStream out, final long budget) {
        this.out = out;
        this.budget = budget;
        this.stageBlocks = new long[stages];
        this.stageBytes = new long[stages];
        this.stageNanos = new long[stages];
        this.peakQueued = new long[stages];
    }

    void done(final int stage, final long nanos, final long bytes, final long queued) {
        peakQueued[stage] = Math.max(peakQueued[stage], queued);
        stageBlocks[stage]++;
        stageBytes[stage] += bytes;
        stageNanos[stage] += nanos;
        inStore += bytes;
        peakInStore = Math.max(peakInStore, inStore);
    }

    void freed(final long bytes) {
        inStore -= bytes;
    }

    void consumed(final int n) {
        rows += n;
    }

    void errored(final int block, final RuntimeException e) {
        if (out != null) {
            endLine();
            out.println("dataset: block " + block + " failed and is skipped (maxErroredBlocks): " + e);
        }
    }

    void tick(final long now, final BlockStream run) {
        if (out == null || now - lastLine < LINE_EVERY_NANOS) {
            return;
        }
        lastLine = now;
        final StringBuilder line = new StringBuilder();
        for (int s = 0; s < stageBlocks.length; s++) {
            line.append(s == 0 ? "" : " | ").append(run.stageName(s)).append(' ').append(stageBlocks[s]);
            if (s == 0) {
                line.append('/').append(run.sources());
            }
            line.append(" done ").append(run.runningAt(s)).append(" running");
            if (s > 0) {
                line.append(' ').append(run.queued(s)).append(" queued");
            }
            if (run.actorsAt(s) > 0) {
                line.append(' ').append(run.actorsAt(s)).append(" actors");
            }
        }
        final double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        line.append(String.format(" | %,.0f rows/s | store %s / %s", rows / seconds, DatasetStats.mib(inStore),
            DatasetStats.mib(budget)));
        if (System.console() != null) {
            out.print("\r" + line);
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    void end(final BlockStream run, final java.util.function.Consumer<DatasetStats> onStats) {
        endNanos = System.nanoTime();
        if (onStats != null) {
            onStats.accept(stats(run));
        }
        if (out != null) {
            endLine();
            out.println(stats(run));
            out.flush();
        }
    }

    DatasetStats stats(final BlockStream run) {
        final List<DatasetStats.StageStats> stages = new ArrayList<>(stageBlocks.length);
        for (int s = 0; s < stageBlocks.length; s++) {
            stages.add(new DatasetStats.StageStats(run.stageName(s), stageBlocks[s], stageBytes[s],
                Duration.ofNanos(stageNanos[s]), peakQueued[s], run.peakActorsAt(s)));
        }
        final long to = endNanos != 0 ? endNanos : System.nanoTime();
        return new DatasetStats(rows, run.blocks(), run.erroredBlocks(), Duration.ofNanos(to - startNanos),
            peakInStore, budget, List.copyOf(stages));
    }
}
