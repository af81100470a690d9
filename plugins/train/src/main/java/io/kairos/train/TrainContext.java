package io.kairos.train;

import io.kairos.data.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a worker of a training group knows: its rank and the group's shape, the rendezvous (the variables PyTorch's
 * {@code init_process_group} reads, in {@link #env}), the trainer's config, the checkpoint to resume from, and the
 * group's collectives ({@link #allReduce}, {@link #barrier}) and {@link #report}. {@link #current} gives it to code
 * deeper in the loop.
 */
public final class TrainContext {
    private static final ThreadLocal<TrainContext> CURRENT = new ThreadLocal<>();

    private final Setup setup;
    private final Group group;
    private final Map<String, Dataset<?>> shards;

    /** A worker's place in its group, decided by the trainer once every worker is placed. */
    record Setup(int rank, int localRank, int worldSize, int localWorldSize, int nodeRank, String nodeId,
                 String masterAddr, int masterPort, String cudaVisibleDevices, Serializable config,
                 String checkpoint, int restarts, String groupAddress, long groupToken) implements Serializable {
    }

    TrainContext(final Setup setup, final Group group, final Map<String, Dataset<?>> shards) {
        this.setup = setup;
        this.group = group;
        this.shards = shards;
    }

    /**
     * The context of the training loop running on this thread.
     *
     * @throws IllegalStateException outside a training worker
     */
    public static TrainContext current() {
        final TrainContext c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("TrainContext.current() is only available inside a training loop");
        }
        return c;
    }

    static void enter(final TrainContext context) {
        CURRENT.set(context);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** This worker's rank, 0 to worldSize - 1 (ranks on one node are consecutive). */
    public int rank() {
        return setup.rank();
    }

    /** Its rank among the group's workers on its node. */
    public int localRank() {
        return setup.localRank();
    }

    /** The number of workers. */
    public int worldSize() {
        return setup.worldSize();
    }

    /** The number of the group's workers on this worker's node. */
    public int localWorldSize() {
        return setup.localWorldSize();
    }

    /** The rank of this worker's node among the group's nodes (rank 0's node is 0). */
    public int nodeRank() {
        return setup.nodeRank();
    }

    /** The kernel node this worker runs on. */
    public String nodeId() {
        return setup.nodeId();
    }

    /** Where rank 0 listens for a rendezvous (PyTorch's MASTER_ADDR). */
    public String masterAddr() {
        return setup.masterAddr();
    }

    /** A port that was free on rank 0's host when the group started (PyTorch's MASTER_PORT). */
    public int masterPort() {
        return setup.masterPort();
    }

    /** The GPUs of every worker of the group on this node, comma-separated (empty without GPUs). */
    public String cudaVisibleDevices() {
        return setup.cudaVisibleDevices();
    }

    /**
     * The rendezvous as environment variables, as torchrun sets them: RANK, LOCAL_RANK, WORLD_SIZE,
     * LOCAL_WORLD_SIZE, NODE_RANK, MASTER_ADDR, MASTER_PORT, CUDA_VISIBLE_DEVICES.
     */
    public Map<String, String> env() {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("RANK", Integer.toString(rank()));
        env.put("LOCAL_RANK", Integer.toString(localRank()));
        env.put("WORLD_SIZE", Integer.toString(worldSize()));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(localWorldSize()));
        env.put("NODE_RANK", Integer.toString(nodeRank()));
        env.put("MASTER_ADDR", masterAddr());
        env.put("MASTER_PORT", Integer.toString(masterPort()));
        env.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices());
        return env;
    }

    /** The config given to {@link Trainer.Builder#jvm}, or null. */
    @SuppressWarnings("unchecked")
    public <C extends Serializable> C config() {
        return (C) setup.config();
    }

    /** How many times the group started again (after a failure, or to grow) before this run of it (0 on the first). */
    public int restarts() {
        return setup.restarts();
    }

    /**
     * This rank's shard of a dataset given to {@link Trainer.Builder#dataset}: the rank-th of worldSize parts of equal
     * row counts (within one), in order; iterate it once per epoch ({@code shard.iterBatches(n)}).
     *
     * @throws IllegalArgumentException if the trainer was given no dataset of that name
     */
    @SuppressWarnings("unchecked")
    public <T> Dataset<T> shard(final String name) {
        final Dataset<?> shard = shards.get(name);
        if (shard == null) {
            throw new IllegalArgumentException("no dataset '" + name + "' was given to the trainer; it has "
                + shards.keySet());
        }
        return (Dataset<T>) shard;
    }

    /** The latest checkpoint when the group started (to resume from), if there is one. */
    public Optional<Path> latestCheckpoint() {
        return setup.checkpoint().isEmpty() ? Optional.empty() : Optional.of(Path.of(setup.checkpoint()));
    }

    /**
     * Sums a vector over every rank (e.g. gradients): each rank passes its own, all get the sum, the same on every
     * rank (added in rank order). Every rank must call it the same number of times with vectors of one length.
     *
     * @throws IllegalStateException if the group stopped (another rank failed) meanwhile
     */
    public double[] allReduce(final double[] values) {
        try {
            return group.allReduce(rank(), values);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rank " + rank() + " was interrupted in an all-reduce", e);
        } catch (final IOException e) {
            throw unreachable(e);
        }
    }

    /** Waits until every rank calls it. */
    public void barrier() {
        allReduce(new double[0]);
    }

    /**
     * Says this rank is alive, for a step that runs longer than the trainer's health timeout without a collective or
     * a report ({@link Trainer.Builder#healthCheck}).
     */
    public void heartbeat() {
        try {
            group.heartbeat(rank());
        } catch (final IOException e) {
            throw unreachable(e);
        }
    }

    /** Reports metrics (rank 0's are the run's history, {@link TrainResult}). */
    public void report(final Map<String, Double> metrics) {
        report(metrics, (Path) null);
    }

    /**
     * Reports metrics with a checkpoint: the directory (from {@link #newCheckpointDir}, or one on the same file
     * system) is moved into the run's checkpoint directory as the newest checkpoint.
     *
     * @param checkpoint the directory, or null for none
     * @return where the checkpoint is kept now, or null without one
     */
    public Path report(final Map<String, Double> metrics, final Path checkpoint) {
        try {
            return group.report(rank(), Map.copyOf(metrics), checkpoint);
        } catch (final IOException e) {
            throw new UncheckedIOException("rank " + rank() + ": checkpoint " + checkpoint + " could not be kept: "
                + e.getMessage(), e);
        }
    }

    /** A new empty directory to write a checkpoint into before reporting it. */
    public Path newCheckpointDir() throws IOException {
        return group.staging(rank());
    }

    private UncheckedIOException unreachable(final IOException e) {
        return new UncheckedIOException("rank " + rank() + " lost its group's coordinator at " + setup.groupAddress()
            + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "TrainContext" + env();
    }
}
