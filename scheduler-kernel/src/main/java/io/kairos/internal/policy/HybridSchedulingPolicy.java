package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.Feasibility;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.cluster.UtilizationIndex;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;

/**
 * The DEFAULT strategy: Ray's hybrid policy (raylet/scheduling/policy/hybrid_scheduling_policy.h) — pack work onto
 * nodes until their utilisation reaches a threshold, then spread it.
 *
 * <p>Assumptions: utilisation is {@link NodeView#utilization()}, the node's most used resource as it is now, before
 * this request is placed (as Ray's {@code ComputeNodeScore}); a node "fits" when {@link NodeView#fits} says the
 * demand fits its available resources now; node indices are a stable order.
 *
 * <p>Algorithm — with {@code avoidGpuNodes} (the default, as Ray's {@code scheduler_avoid_gpu_nodes}) a request that
 * asks for no GPU first runs it over the nodes without GPUs only, and over every node only if none of those fits
 * now; a GPU request (or a cluster of one kind of node) runs it once over every node:
 * <ol>
 *   <li>If the local node fits and its utilisation is below {@code spreadThreshold}, choose it.</li>
 *   <li>Else pack: choose the lowest-indexed node that fits with utilisation below the threshold.</li>
 *   <li>Else spread: of the nodes that fit (all at or above the threshold) take the k least utilised, ties to the
 *       lower index, with {@code k = max(1, ceil(topKFraction * nodeCount))}, and choose one of them uniformly at
 *       random from the cluster's seeded source, so load spreads without herding onto a single node.</li>
 *   <li>If no node fits now: Unavailable if some node could ever fit the demand (the request waits), else
 *       Infeasible, the reason naming the resource and the largest node's amount.</li>
 * </ol>
 *
 * <p>Cost: O(nodes) fits checks, plus an expected O(nodes) selection of the chosen rank among the k least utilised
 * (a quickselect, not a sort of the k); no allocation once the scratch arrays have grown to the node count. A large
 * {@link Cluster} ranks its nodes as they change ({@link UtilizationIndex}); when no node is below the threshold, the
 * request asks for no GPU, and every one of the k least utilised nodes has room for it, the spread step reads the
 * chosen rank from that index instead (about a hundred blocks at 10,000 nodes, not 10,000 nodes), with the same
 * random draw, so it chooses the very node the pass over every node would. Conductor thread only.
 */
public final class HybridSchedulingPolicy implements SchedulingPolicy {
    public static final double DEFAULT_SPREAD_THRESHOLD = 0.5;
    public static final double DEFAULT_TOP_K_FRACTION = 0.2;

    private final double spreadThreshold;
    private final double topKFraction;
    private final boolean avoidGpuNodes;
    private boolean skippedGpuNode;
    /** How many spread steps were read from a cluster's index (tests see that the fast path ran). */
    long rankedChoices;
    private int[] candidates = new int[16];
    private double[] utilizations = new double[16];

    public HybridSchedulingPolicy() {
        this(DEFAULT_SPREAD_THRESHOLD, DEFAULT_TOP_K_FRACTION);
    }

    /**
     * @param spreadThreshold nodes below this utilisation are packed onto, 0.0..1.0 (0 always spreads)
     * @param topKFraction    the share of the cluster's nodes to choose randomly among when spreading, (0, 1]
     */
    public HybridSchedulingPolicy(final double spreadThreshold, final double topKFraction) {
        this(spreadThreshold, topKFraction, true);
    }

    /**
     * @param spreadThreshold nodes below this utilisation are packed onto, 0.0..1.0 (0 always spreads)
     * @param topKFraction    the share of the cluster's nodes to choose randomly among when spreading, (0, 1]
     * @param avoidGpuNodes   whether a request that needs no GPU goes to a GPU node only when no other node fits
     */
    public HybridSchedulingPolicy(final double spreadThreshold, final double topKFraction, final boolean avoidGpuNodes) {
        if (!(spreadThreshold >= 0 && spreadThreshold <= 1)) {
            throw new IllegalArgumentException("spreadThreshold " + spreadThreshold + " is outside 0.0..1.0");
        }
        if (!(topKFraction > 0 && topKFraction <= 1)) {
            throw new IllegalArgumentException("topKFraction " + topKFraction + " is outside (0.0, 1.0]");
        }
        this.spreadThreshold = spreadThreshold;
        this.topKFraction = topKFraction;
        this.avoidGpuNodes = avoidGpuNodes;
    }

    public boolean avoidGpuNodes() {
        return avoidGpuNodes;
    }

    public double spreadThreshold() {
        return spreadThreshold;
    }

    public double topKFraction() {
        return topKFraction;
    }

    /** How many of the least utilised nodes the spread step chooses among, for a cluster of this many nodes. */
    public int topK(final int nodeCount) {
        return Math.max(1, (int) Math.ceil(topKFraction * nodeCount));
    }

    @Override
    public SchedulingStrategy.Kind kind() {
        return SchedulingStrategy.Kind.DEFAULT;
    }

    @Override
    public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy, final ClusterView cluster) {
        if (avoidGpuNodes) {
            final int gpu = cluster.resourceIndex("GPU");
            if (gpu >= 0 && (gpu >= demand.length || demand[gpu] <= 0)) {
                final SchedulingResult withoutGpus = pass(demand, cluster, gpu, false);
                if (withoutGpus != null) {
                    return withoutGpus;
                }
                if (!skippedGpuNode) {  // there are none: the pass over every node would be this one again
                    return Feasibility.anyFeasible(demand, cluster)
                        ? SchedulingResult.unavailable()
                        : SchedulingResult.infeasible(Feasibility.clusterReason(demand, cluster));
                }
            }
        }
        final SchedulingResult any = pass(demand, cluster, -1, true);
        if (any != null) {
            return any;
        }
        return Feasibility.anyFeasible(demand, cluster)
            ? SchedulingResult.unavailable()
            : SchedulingResult.infeasible(Feasibility.clusterReason(demand, cluster));
    }

    /**
     * One pass over the nodes (those without the resource gpu when gpu >= 0, else all); null if none fits now.
     * includeGpuNodes is false only in the first pass of a request that needs no GPU.
     */
    private SchedulingResult pass(final long[] demand, final ClusterView cluster, final int gpu,
                                  final boolean includeGpuNodes) {
        final int n = cluster.nodeCount();
        final int local = cluster.localNodeIndex();
        skippedGpuNode = false;
        if (local >= 0 && local < n) {
            final NodeView node = cluster.node(local);
            if ((includeGpuNodes || node.total(gpu) == 0) && node.fits(demand) && node.utilization() < spreadThreshold) {
                return SchedulingResult.success(local);
            }
        }
        final int ranked = rankedChoice(demand, cluster, includeGpuNodes);
        if (ranked >= 0) {
            return SchedulingResult.success(ranked);
        }
        if (candidates.length < n) {
            candidates = new int[n];
            utilizations = new double[n];
        }
        int fitting = 0;
        for (int i = 0; i < n; i++) {
            final NodeView node = cluster.node(i);
            if (!includeGpuNodes && node.total(gpu) != 0) {
                skippedGpuNode = true;
                continue;
            }
            if (!node.fits(demand)) {
                continue;
            }
            final double utilization = node.utilization();
            if (utilization < spreadThreshold) {
                return SchedulingResult.success(i);
            }
            candidates[fitting] = i;
            utilizations[fitting] = utilization;
            fitting++;
        }
        if (fitting == 0) {
            return null;
        }
        final int k = Math.min(topK(n), fitting);
        final int rank = k == 1 ? 0 : cluster.randomInt(k);
        return SchedulingResult.success(candidates[select(rank, fitting)]);
    }

    /**
     * The spread step's choice read from a large cluster's {@link UtilizationIndex}, or -1 when it cannot be read
     * there: a small cluster or another view, a GPU request (placed per device), a first pass that must skip GPU
     * nodes, a node below the threshold (the pack step might take it), or one of the k least utilised that lacks
     * room. Otherwise every fitting node is at or above the threshold and the k least utilised all fit, so the
     * node of a random rank below k is the pass's choice, drawn the same way.
     */
    private int rankedChoice(final long[] demand, final ClusterView view, final boolean includeGpuNodes) {
        if (!(view instanceof Cluster cluster)) {
            return -1;
        }
        final UtilizationIndex index = cluster.utilizationIndex();
        if (index == null || !includeGpuNodes && cluster.gpuNodeCount() > 0 || asksForGpu(demand)
            || index.lowestUtilization() < spreadThreshold) {
            return -1;
        }
        final int n = cluster.nodeCount();
        final int k = Math.min(topK(n), n);
        if (!index.allHave(0, k, demand)) {
            return -1;
        }
        rankedChoices++;
        return index.nodeAt(k == 1 ? 0 : cluster.randomInt(k));
    }

    private static boolean asksForGpu(final long[] demand) {
        return demand.length > ResourceRegistry.GPU && demand[ResourceRegistry.GPU] > 0
            || demand.length > ResourceRegistry.GPU_MEMORY && demand[ResourceRegistry.GPU_MEMORY] > 0;
    }

    /**
     * The position, among the first {@code count} candidates, of the one of this rank by (utilisation, index): a
     * quickselect (median-of-three pivots, expected O(count)), which reorders the candidates. A node chosen uniformly
     * at random among the k least utilised is the node of a rank drawn uniformly from 0..k-1.
     */
    private int select(final int rank, final int count) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (before(mid, lo)) {
                swap(mid, lo);
            }
            if (before(hi, lo)) {
                swap(hi, lo);
            }
            if (before(hi, mid)) {
                swap(hi, mid);
            }
            swap(mid, hi - 1 > lo ? hi - 1 : hi);  // the median of lo, mid, hi as the pivot, at hi - 1
            final int pivot = hi - 1 > lo ? hi - 1 : hi;
            int store = lo;
            for (int i = lo; i < pivot; i++) {
                if (before(i, pivot)) {
                    swap(i, store++);
                }
            }
            swap(store, pivot);
            if (store == rank) {
                return store;
            }
            if (store < rank) {
                lo = store + 1;
            } else {
                hi = store - 1;
            }
        }
        return lo;
    }

    /** Whether candidate a ranks before candidate b: less utilised, ties to the lower node index. */
    private boolean before(final int a, final int b) {
        return utilizations[a] < utilizations[b]
            || utilizations[a] == utilizations[b] && candidates[a] < candidates[b];
    }

    private void swap(final int a, final int b) {
        final int node = candidates[a];
        candidates[a] = candidates[b];
        candidates[b] = node;
        final double utilization = utilizations[a];
        utilizations[a] = utilizations[b];
        utilizations[b] = utilization;
    }

    @Override
    public String toString() {
        return "HybridSchedulingPolicy(spreadThreshold=" + spreadThreshold + ", topKFraction=" + topKFraction
            + ", avoidGpuNodes=" + avoidGpuNodes + ")";
    }
}
