package io.kairos.internal.placement;

import io.kairos.internal.cluster.GpuPacking;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;

import java.util.Arrays;
import java.util.List;

import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU_MEMORY;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * A tentative placement of bundles over the nodes: a copy of each node's available amounts and GPU instance free
 * capacities (or, for the "could it ever fit" check, its totals on idle instances) that the policies pack bundles
 * into without touching the nodes.
 *
 * <p>GPU packing is {@link LogicalNode}'s ({@link GpuPacking}): a fraction goes on one instance, best fit (least
 * free that fits, ties to the lowest id); k whole GPUs take the k lowest-numbered fully free instances; GPU_memory is
 * needed and taken on each instance a bundle takes (a memory-only bundle takes one instance's memory). The order
 * demands are packed in decides whether they fit, so a node's GPU demands are always packed in one canonical order
 * ({@link #canonicalOrder}: largest GPU share first, then most GPU memory); {@link PlacementGroupScheduler#create}
 * reserves the bundles on a node in that same order, so bundles that fit together here fit together on the node.
 * Other resources simply add up.
 *
 * <p>Nodes that are not {@link LogicalNode}s (views from elsewhere) show no GPU instances; their available GPU is
 * taken as whole free instances plus one holding the fractional remainder, and their GPU_memory as a node total
 * only.
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
    /** GPU memory by instance, as gpuBase / gpuLeft; null rows for nodes that are not LogicalNodes. */
    private long[][] memBase = new long[0][];
    private long[][] memLeft = new long[0][];
    /** The GPU demands (share, memory) tentatively on each node, in canonical order. */
    private long[][] gpuPlaced = new long[0][];
    private long[][] memPlaced = new long[0][];
    private int[] gpuPlacedCount = new int[0];
    private int[] bundleCount = new int[0];
    private long[] gpuTry = new long[0];
    private long[] memTry = new long[0];

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
            memBase = new long[nodeCount][];
            memLeft = new long[nodeCount][];
            gpuPlaced = new long[nodeCount][];
            memPlaced = new long[nodeCount][];
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
            memBase[i] = gpuMemory(node, idle);
            memLeft[i] = memBase[i] == null ? null : memBase[i].clone();
            gpuPlaced[i] = new long[4];
            memPlaced[i] = new long[4];
            gpuPlacedCount[i] = 0;
            bundleCount[i] = 0;
            if (gpuTry.length < gpuBase[i].length) {
                gpuTry = new long[gpuBase[i].length];
                memTry = new long[gpuBase[i].length];
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
        if (memBase[node] != null) {
            System.arraycopy(memBase[node], 0, memLeft[node], 0, memBase[node].length);
        }
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
        final long memory = memBase[node] == null ? 0 : gpuMemory(demand);
        if (gpu <= 0 && memory <= 0) {
            return true;
        }
        return GpuPacking.fits(gpuBase[node], memBase[node], gpuBase[node].length, gpu, memory);
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
        final long memory = memBase[node] == null ? 0 : gpuMemory(demand);
        if ((gpu > 0 || memory > 0) && !addGpu(node, gpu, memory)) {
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

    private boolean addGpu(final int node, final long gpu, final long memory) {
        final long[] placed = gpuPlaced[node];
        final long[] placedMemory = memPlaced[node];
        final int count = gpuPlacedCount[node];
        final long[] instances = gpuLeft[node];
        final long[] instanceMemory = memLeft[node];
        final int n = instances.length;
        if (count == 0 || compare(placed[count - 1], placedMemory[count - 1], gpu, memory) <= 0) {
            // Goes last in the canonical order: pack it onto what is packed already.
            if (!packTry(instances, instanceMemory, n, gpu, memory)) {
                return false;
            }
            System.arraycopy(gpuTry, 0, instances, 0, n);
            if (instanceMemory != null) {
                System.arraycopy(memTry, 0, instanceMemory, 0, n);
            }
            append(node, count, gpu, memory);
            return true;
        }
        // Goes earlier: repack the node's GPU demands in canonical order from the snapshot.
        int position = 0;
        while (compare(placed[position], placedMemory[position], gpu, memory) <= 0) {
            position++;
        }
        System.arraycopy(gpuBase[node], 0, gpuTry, 0, n);
        if (instanceMemory != null) {
            System.arraycopy(memBase[node], 0, memTry, 0, n);
        }
        final long[] tryMemory = instanceMemory == null ? null : memTry;
        for (int i = 0; i <= count; i++) {
            final int from = i < position ? i : i - 1;
            final long nextGpu = i == position ? gpu : placed[from];
            final long nextMemory = i == position ? memory : placedMemory[from];
            if (!GpuPacking.pack(gpuTry, tryMemory, n, nextGpu, nextMemory)) {
                return false;
            }
        }
        System.arraycopy(gpuTry, 0, instances, 0, n);
        if (instanceMemory != null) {
            System.arraycopy(memTry, 0, instanceMemory, 0, n);
        }
        append(node, count, 0, 0);
        System.arraycopy(placed, position, gpuPlaced[node], position + 1, count - position);
        System.arraycopy(placedMemory, position, memPlaced[node], position + 1, count - position);
        gpuPlaced[node][position] = gpu;
        memPlaced[node][position] = memory;
        return true;
    }

    /** Copies the instances into the try arrays and packs the demand there. */
    private boolean packTry(final long[] instances, final long[] memory, final int n, final long gpu,
                            final long wantedMemory) {
        System.arraycopy(instances, 0, gpuTry, 0, n);
        if (memory != null) {
            System.arraycopy(memory, 0, memTry, 0, n);
        }
        return GpuPacking.pack(gpuTry, memory == null ? null : memTry, n, gpu, wantedMemory);
    }

    private void append(final int node, final int count, final long gpu, final long memory) {
        if (count == gpuPlaced[node].length) {
            gpuPlaced[node] = Arrays.copyOf(gpuPlaced[node], count * 2);
            memPlaced[node] = Arrays.copyOf(memPlaced[node], count * 2);
        }
        gpuPlaced[node][count] = gpu;
        memPlaced[node][count] = memory;
        gpuPlacedCount[node] = count + 1;
    }

    /**
     * The canonical order GPU demands are packed and reserved in: the larger GPU share first, then the more GPU memory;
     * negative if demand a goes before b, 0 if they are equal in it.
     */
    static int canonicalOrder(final long[] a, final long[] b) {
        return compare(gpu(a), gpuMemory(a), gpu(b), gpuMemory(b));
    }

    private static int compare(final long gpuA, final long memoryA, final long gpuB, final long memoryB) {
        return gpuA != gpuB ? Long.compare(gpuB, gpuA) : Long.compare(memoryB, memoryA);
    }

    static long gpuMemory(final long[] demand) {
        return demand.length > GPU_MEMORY ? Math.max(demand[GPU_MEMORY], 0) : 0;
    }

    static long gpu(final long[] demand) {
        return demand.length > GPU ? Math.max(demand[GPU], 0) : 0;
    }

    private static long sum(final long[] values) {
        long sum = 0;
        for (final long value : values) {
            sum += value;
        }
        return sum;
    }

    private static long[] gpuMemory(final NodeView node, final boolean idle) {
        if (!(node instanceof LogicalNode)) {
            return null;
        }
        final LogicalNode logical = (LogicalNode) node;
        final long[] memory = new long[logical.gpuInstances()];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = idle ? logical.gpuInstanceMemory(i) : logical.gpuInstanceMemoryAvailable(i);
        }
        return memory;
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
