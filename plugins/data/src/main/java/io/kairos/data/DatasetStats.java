package io.kairos.data;

import java.time.Duration;
import java.util.List;

/**
 * How a dataset's run went: its rows and blocks, the most bytes its blocks held in the object store at once against
 * its budget, and per stage (the first: the sources read and the operators fused after them; then each pool stage and
 * the operators after it) the blocks it made, their bytes in the store and the time they took. {@link #toString()}
 * is the summary a run prints at its end when {@link Dataset#progress progress} is on.
 *
 * @param rows           the rows consumed by the sink
 * @param blocks         the blocks consumed
 * @param erroredBlocks  the failed blocks skipped ({@link Dataset#maxErroredBlocks})
 * @param wall           from the run's start to now, or to its end
 * @param peakStoreBytes the most bytes the run's blocks held in the object store at once (done and not yet consumed,
 *                       and the inputs of running calls)
 * @param memoryBudget   the run's memory budget, bytes
 * @param stages         each stage's figures, in the plan's order
 */
public record DatasetStats(long rows, long blocks, long erroredBlocks, Duration wall, long peakStoreBytes,
                           long memoryBudget, List<StageStats> stages) {
    /**
     * One stage's figures.
     *
     * @param name       what it runs: "read+ops" (the sources and the operators fused after them), "pool" (a Java
     *                   actor pool), "python module:Class", or "ops" (a task stage after a Python one)
     * @param blocks     the blocks it made
     * @param bytes      their bytes in the object store (0 for blocks small enough to stay inline)
     * @param blockTime  the time its blocks took, summed: from the work's submission to its result seen done
     * @param peakQueued the most bytes of its blocks in the store at once waiting for the next stage or the consumer
     *                   (held within its share of the budget: the budget over the stages)
     * @param peakActors the most actors its pool had at once (0 for a task stage)
     */
    public record StageStats(String name, long blocks, long bytes, Duration blockTime, long peakQueued,
                             int peakActors) {
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        final double seconds = Math.max(1e-9, wall.toNanos() / 1e9);
        sb.append(String.format("dataset: %,d rows in %,d blocks in %.2f s (%,.0f rows/s); peak store %s of %s budget",
            rows, blocks, seconds, rows / seconds, mib(peakStoreBytes), mib(memoryBudget)));
        if (erroredBlocks > 0) {
            sb.append(String.format("; %,d failed blocks skipped", erroredBlocks));
        }
        for (int i = 0; i < stages.size(); i++) {
            final StageStats s = stages.get(i);
            sb.append(String.format("%n  stage %d %-14s %,8d blocks %10s %9.2f s block time, %s waiting at most", i,
                s.name, s.blocks, mib(s.bytes), s.blockTime.toNanos() / 1e9, mib(s.peakQueued)));
            if (s.peakActors > 0) {
                sb.append(String.format(", %d actors at most", s.peakActors));
            }
        }
        return sb.toString();
    }

    static String mib(final long bytes) {
        return bytes == Long.MAX_VALUE ? "unbounded" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
