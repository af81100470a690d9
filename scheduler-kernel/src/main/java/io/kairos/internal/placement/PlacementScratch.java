package io.kairos.internal.placement;

import io.kairos.internal.cluster.GpuPacking;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;

import java.util.Arrays;
import java.util.List;

import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * A tentative placement of bundles over the nodes: a copy of each node's available amounts and GPU instance free
 * capacities (or, for the "could it ever fit" check, its totals on idle instances) that the policies pack bundles
 * into without touching the nodes.
 *
 * <p>GPU packing is {@link LogicalNode}'s ({@link GpuPacking}): a fraction goes on one instance, best fit (least
 * free that fits, ties to the lowest id); k whole GPUs take the k lowest-numbered fully free instances. The order
 * fractions are packed in decides whether they fit, so a node's GPU demands are always packed in one canonical
 * order, largest first (whole GPUs before fractions); {@link PlacementGroupScheduler#create} reserves the bundles on a
 * node in that same order, so bundles that fit together here fit together on the node. Other resources simply add
 * up.
 *
 * <p>Nodes that are not {@link LogicalNode}s (views from elsewhere) show no GPU instances; their available GPU is
 * taken as whole free instances plus one holding the fractional remainder.
 *
 * <p>Thread-safety: none; one per policy, used on the conductor thread.
 */
final class PlacementScratch {
    private int nodeCount;
    private int resources;
    private long[][] total = new long[0][];
    private long[][] base = new long[0][];
    private long[][] left = new long[0][];
    private long[][] gpuBase = new long[0][];
    private long[][] gpuLeft = new long[0][];
    private long[][] gpuPlaced = new long[0][];
    private int[] gpuPlacedCount = new int[0];
    private int[] bundleCount = new int[0];
    private long[] gpuTry = new long[0];

    /**
     * Copies the cluster's nodes and clears every tentative bundle.
     *
     * @param idle true to copy totals on idle GPU instances (could the bundles ever fit), false for what is
     *             available now
     */
    void snapshot(final ClusterView cluster, final List<long[]> bundles, final boolean idle) {
        nodeCount = cluster.nodeCount();
        int width = cluster.resourceCount();
        for (final long[] demand : bundles) {
            width = Math.max(width, demand.length);
        }
        resources = width;
        if (total.length < nodeCount) {
            total = new long[nodeCount][];
            base = new long[nodeCount][];
            left = new long[nodeCount][];
            gpuBase = new long[nodeCount][];
            gpuLeft = new long[nodeCount][];
            gpuPlaced = new long[nodeCount][];
            gpuPlacedCount = new int[nodeCount];
            bundleCount = new int[nodeCount];
        }
        for (int i = 0; i < nodeCount; i++) {
            final NodeView node = cluster.node(i);
            total[i] = new long[resources];
            base[i] = new long[resources];
            for (int r = 0; r < resources; r++) {
                total[i][r] = node.total(r);
                base[i][r] = idle ? node.total(r) : node.available(r);
            }
            left[i] = base[i].clone();
            gpuBase[i] = gpuInstances(node, idle);
            gpuLeft[i] = gpuBase[i].clone();
            gpuPlaced[i] = new long[4];
            gpuPlacedCount[i] = 0;
            bundleCount[i] = 0;
            if (gpuTry.length < gpuBase[i].length) {
                gpuTry = new long[gpuBase[i].length];
            }
        }
    }

    int nodeCount() {
        return nodeCount;
    }

    /** Takes every tentative bundle off one node. */
    void clearNode(final int node) {
        System.arraycopy(base[node], 0, left[node], 0, resources);
        System.arraycopy(gpuBase[node], 0, gpuLeft[node], 0, gpuBase[node].length);
        gpuPlacedCount[node] = 0;
        bundleCount[node] = 0;
    }

    /** How many tentative bundles a node holds. */
    int bundlesOn(final int node) {
        return bundleCount[node];
    }

    /** Whether the demand would fit the node on its own, ignoring the tentative bundles. */
    boolean fitsEmpty(final int node, final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            if (r != GPU && demand[r] > 0 && base[node][r] < demand[r]) {
                return false;
            }
        }
        final long gpu = gpu(demand);
        if (gpu <= 0) {
            return true;
        }
        final long[] instances = gpuBase[node];
        System.arraycopy(instances, 0, gpuTry, 0, instances.length);
        return GpuPacking.pack(gpuTry, instances.length, gpu);
    }

    /**
     * Adds the demand to the node's tentative bundles if all of them fit the node together.
     *
     * @return false, leaving the node's tentative bundles unchanged, if they would not
     */
    boolean tryAdd(final int node, final long[] demand) {
        final long[] amounts = left[node];
        for (int r = 0; r < demand.length; r++) {
            if (r != GPU && demand[r] > 0 && amounts[r] < demand[r]) {
                return false;
            }
        }
        final long gpu = gpu(demand);
        if (gpu > 0 && !addGpu(node, gpu)) {
            return false;
        }
        for (int r = 0; r < demand.length; r++) {
            if (r != GPU && demand[r] > 0) {
                amounts[r] -= demand[r];
            }
        }
        bundleCount[node]++;
        return true;
    }

    /**
     * The share still free of the node's scarcest resource among those the bundles ask for, 0.0..1.0, after its
     * tentative bundles; 0 if it has none of them.
     */
    double freeShare(final int node, final List<long[]> bundles) {
        double share = -1;
        for (int r = 0; r < resources; r++) {
            if (total[node][r] <= 0 || !asked(bundles, r)) {
                continue;
            }
            final double free = r == GPU ? (double) sum(gpuLeft[node]) / total[node][r]
                : (double) left[node][r] / total[node][r];
            share = share < 0 ? free : Math.min(share, free);
        }
        return Math.max(share, 0);
    }

    private static boolean asked(final List<long[]> bundles, final int r) {
        for (final long[] demand : bundles) {
            if (r < demand.length && demand[r] > 0) {
                return true;
            }
        }
        return false;
    }

    private boolean addGpu(final int node, final long gpu) {
        final long[] placed = gpuPlaced[node];
        final int count = gpuPlacedCount[node];
        final long[] instances = gpuLeft[node];
        if (count == 0 || gpu <= placed[count - 1]) {
            // Goes last in the canonical order: pack it onto what is packed already.
            System.arraycopy(instances, 0, gpuTry, 0, instances.length);
            if (!GpuPacking.pack(gpuTry, instances.length, gpu)) {
                return false;
            }
            System.arraycopy(gpuTry, 0, instances, 0, instances.length);
            append(node, count, gpu);
            return true;
        }
        // Goes earlier: repack the node's GPU demands, largest first, from the snapshot.
        int position = 0;
        while (placed[position] >= gpu) {
            position++;
        }
        System.arraycopy(gpuBase[node], 0, gpuTry, 0, instances.length);
        for (int i = 0; i <= count; i++) {
            final long next = i < position ? placed[i] : i == position ? gpu : placed[i - 1];
            if (!GpuPacking.pack(gpuTry, instances.length, next)) {
                return false;
            }
        }
        System.arraycopy(gpuTry, 0, instances, 0, instances.length);
        append(node, count, 0);
        System.arraycopy(placed, position, gpuPlaced[node], position + 1, count - position);
        gpuPlaced[node][position] = gpu;
        return true;
    }

    private void append(final int node, final int count, final long gpu) {
        if (count == gpuPlaced[node].length) {
            gpuPlaced[node] = Arrays.copyOf(gpuPlaced[node], count * 2);
        }
        gpuPlaced[node][count] = gpu;
        gpuPlacedCount[node] = count + 1;
    }

    static long gpu(final long[] demand) {
        return demand.length > GPU ? demand[GPU] : 0;
    }

    private static long sum(final long[] values) {
        long sum = 0;
        for (final long value : values) {
            sum += value;
        }
        return sum;
    }

    private static long[] gpuInstances(final NodeView node, final boolean idle) {
        if (node instanceof LogicalNode) {
            final LogicalNode logical = (LogicalNode) node;
            final long[] free = new long[logical.gpuInstances()];
            for (int i = 0; i < free.length; i++) {
                free[i] = idle ? SCALE : logical.gpuInstanceAvailable(i);
            }
            return free;
        }
        final long total = Math.max(node.total(GPU), 0);
        final long[] free = new long[(int) Math.min(GpuPacking.wholeInstances(total), LogicalNode.MAX_GPU_INSTANCES)];
        long remaining = idle ? total : Math.max(node.available(GPU), 0);
        for (int i = 0; i < free.length && remaining > 0; i++) {
            free[i] = Math.min(remaining, SCALE);
            remaining -= free[i];
        }
        return free;
    }
}
