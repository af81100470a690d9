package io.kairos.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The group's meeting point, shared by the trainer and its workers in this JVM (the workers are actors of the
 * trainer's kernel): the all-reduce (each rank's vector summed in rank order, so every run of the same steps sums
 * alike), the barrier, the reports (rank 0's metrics kept for the trainer, checkpoints moved into the run's
 * directory) and the ranks' liveness. {@link #abort} releases every rank waiting in it when the group fails.
 * Thread-safe: one monitor.
 */
final class Coordinator implements Group {
    private final int world;
    private final Checkpoints checkpoints;
    private final double[][] parts;
    private int arrived;
    private long round;
    private double[] sum;
    private String aborted;
    private final List<Map<String, Double>> reports = new ArrayList<>();
    /** When each rank was last heard from (System.nanoTime), and whether it waits in a collective now. */
    private final long[] lastSeen;
    private final boolean[] inCollective;

    private final java.util.function.Consumer<Map<String, Double>> onRankZeroReport;

    /**
     * @param checkpoints      where reported checkpoints go, or null for none
     * @param onRankZeroReport hears each of rank 0's reports as it comes
     */
    Coordinator(final int world, final Checkpoints checkpoints,
                final java.util.function.Consumer<Map<String, Double>> onRankZeroReport) {
        this.world = world;
        this.checkpoints = checkpoints;
        this.onRankZeroReport = onRankZeroReport;
        this.parts = new double[world][];
        this.lastSeen = new long[world];
        this.inCollective = new boolean[world];
        java.util.Arrays.fill(lastSeen, System.nanoTime());
    }

    /** Rank is alive (a report, a heartbeat, a collective). */
    @Override
    public synchronized void heartbeat(final int rank) {
        lastSeen[rank] = System.nanoTime();
    }

    /**
     * The first rank not heard from for longer than silentNanos and not waiting in a collective (a rank waiting
     * for the others is not the one that hangs), or -1.
     */
    synchronized int silent(final long silentNanos) {
        final long now = System.nanoTime();
        for (int r = 0; r < world; r++) {
            if (!inCollective[r] && now - lastSeen[r] > silentNanos) {
                return r;
            }
        }
        return -1;
    }

    /** Each rank's vector in, their sum (in rank order) out to every rank once all arrived. */
    @Override
    public double[] allReduce(final int rank, final double[] values) throws InterruptedException {
        synchronized (this) {
            if (aborted != null) {
                throw new IllegalStateException("the training group stopped: " + aborted);
            }
            if (parts[rank] != null) {
                throw new IllegalStateException("rank " + rank + " entered the same all-reduce twice");
            }
            parts[rank] = values;
            lastSeen[rank] = System.nanoTime();
            final long mine = round;
            if (++arrived == world) {
                final double[] total = new double[values.length];
                for (final double[] part : parts) {
                    if (part.length != total.length) {
                        aborted = "the ranks' all-reduce vectors differ in length (" + part.length + " and "
                            + total.length + ")";
                        notifyAll();
                        throw new IllegalArgumentException(aborted);
                    }
                    for (int i = 0; i < total.length; i++) {
                        total[i] += part[i];
                    }
                }
                java.util.Arrays.fill(parts, null);
                java.util.Arrays.fill(inCollective, false);
                java.util.Arrays.fill(lastSeen, System.nanoTime());
                arrived = 0;
                sum = total;
                round++;
                notifyAll();
                return total.clone();
            }
            inCollective[rank] = true;
            while (round == mine && aborted == null) {
                wait();
            }
            if (round == mine) {
                throw new IllegalStateException("the training group stopped: " + aborted);
            }
            return sum.clone();
        }
    }

    /** A report: rank 0's metrics are kept; a checkpoint directory (any rank's) becomes the newest checkpoint. */
    @Override
    public Path report(final int rank, final Map<String, Double> metrics, final Path checkpoint) throws IOException {
        Path kept = null;
        if (checkpoint != null) {
            if (checkpoints == null) {
                throw new IllegalStateException("rank " + rank + " reported a checkpoint, but the trainer has no "
                    + "checkpoint directory (Trainer.Builder.checkpoints)");
            }
            kept = checkpoints.persist(checkpoint);
        }
        synchronized (this) {
            lastSeen[rank] = System.nanoTime();
            if (rank == 0) {
                reports.add(metrics);
            }
        }
        if (rank == 0) {
            onRankZeroReport.accept(metrics);
        }
        return kept;
    }

    /** A fresh directory for rank's next checkpoint, inside the run's checkpoint directory. */
    @Override
    public Path staging(final int rank) throws IOException {
        if (checkpoints == null) {
            throw new IllegalStateException("the trainer has no checkpoint directory (Trainer.Builder.checkpoints)");
        }
        return checkpoints.newStaging(rank);
    }

    /** Every rank waiting here, and every later call, fails with why. */
    synchronized void abort(final String why) {
        if (aborted == null) {
            aborted = why;
        }
        notifyAll();
    }

    /** Rank 0's reports so far, taken. */
    synchronized List<Map<String, Double>> drain() {
        final ArrayList<Map<String, Double>> out = new ArrayList<>(reports);
        reports.clear();
        return out;
    }
}
