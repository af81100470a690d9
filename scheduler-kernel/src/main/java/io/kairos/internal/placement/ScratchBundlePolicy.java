package io.kairos.internal.placement;

import io.kairos.internal.cluster.Feasibility;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.BundlePlacementPolicy;
import io.kairos.spi.scheduling.BundlePlacementResult;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.FixedPoint;

import java.util.Arrays;
import java.util.List;

/**
 * The frame the built-in bundle policies share: fail at once if some bundle alone can never fit any node (naming
 * the bundle and the resource); else try the strategy's assignment on a {@link PlacementScratch} of what is
 * available now (Success); else try it on the idle cluster: if it fits there the group waits (Unavailable), if not
 * it never will with this strategy (Infeasible, the subclass naming why). Conductor thread only.
 */
abstract class ScratchBundlePolicy implements BundlePlacementPolicy {
    final PlacementScratch scratch = new PlacementScratch();

    @Override
    public final BundlePlacementResult place(final List<long[]> bundles, final ClusterView cluster) {
        final String early = checkAlways(bundles, cluster);
        if (early != null) {
            return BundlePlacementResult.infeasible(early);
        }
        for (int b = 0; b < bundles.size(); b++) {
            final String reason = Feasibility.clusterReason(bundles.get(b), cluster);
            if (reason != null) {
                return BundlePlacementResult.infeasible(strategy() + " bundle " + b + ": " + reason);
            }
        }
        final int[] nodes = new int[bundles.size()];
        scratch.snapshot(cluster, bundles, false);
        if (assign(bundles, cluster, nodes, true)) {
            return BundlePlacementResult.success(nodes);
        }
        scratch.snapshot(cluster, bundles, true);
        if (assign(bundles, cluster, nodes, false)) {
            return BundlePlacementResult.unavailable();
        }
        return BundlePlacementResult.infeasible(neverReason(bundles, cluster));
    }

    /** A reason the bundles can never be placed that needs no packing (e.g. too few nodes), or null. */
    String checkAlways(final List<long[]> bundles, final ClusterView cluster) {
        return null;
    }

    /**
     * Assigns every bundle a node in {@link #scratch} (snapshotted, empty), filling nodes[bundle].
     *
     * @param now true on the real snapshot (a policy may remember its choice), false on the idle one
     * @return false if the strategy cannot place them all
     */
    abstract boolean assign(List<long[]> bundles, ClusterView cluster, int[] nodes, boolean now);

    /** Why the assignment fails even on the idle cluster. */
    abstract String neverReason(List<long[]> bundles, ClusterView cluster);

    /** The nodes to try for "all on one node": the local node first, then the others by index. */
    static int nodeInOrder(final ClusterView cluster, final int position) {
        final int local = cluster.localNodeIndex();
        if (local < 0 || local >= cluster.nodeCount()) {
            return position;
        }
        return position == 0 ? local : position <= local ? position - 1 : position;
    }

    /** Tries to put every bundle on one node of the scratch; true and nodes filled if it fits. */
    final boolean allOnOneNode(final List<long[]> bundles, final ClusterView cluster, final int[] nodes) {
        for (int position = 0; position < cluster.nodeCount(); position++) {
            final int node = nodeInOrder(cluster, position);
            boolean fits = true;
            for (int b = 0; b < bundles.size() && fits; b++) {
                fits = scratch.tryAdd(node, bundles.get(b));
            }
            if (fits) {
                Arrays.fill(nodes, node);
                return true;
            }
            scratch.clearNode(node);
        }
        return false;
    }

    /** The bundles' demands summed per resource. */
    static long[] sum(final List<long[]> bundles, final ClusterView cluster) {
        int width = cluster.resourceCount();
        for (final long[] demand : bundles) {
            width = Math.max(width, demand.length);
        }
        final long[] sum = new long[width];
        for (final long[] demand : bundles) {
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] > 0) {
                    sum[r] = FixedPoint.add(sum[r], demand[r]);
                }
            }
        }
        return sum;
    }

    /** "CPU: 12.0, GPU: 1.5" for a demand. */
    static String describe(final long[] demand, final ClusterView cluster) {
        final StringBuilder sb = new StringBuilder();
        for (int r = 0; r < demand.length; r++) {
            if (demand[r] > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(name(cluster, r)).append(": ")
                    .append(ResourceRegistry.format(demand[r]));
            }
        }
        return sb.toString();
    }

    static String name(final ClusterView cluster, final int r) {
        return r < cluster.resourceCount() ? cluster.resourceName(r) : "resource #" + r;
    }

    /**
     * Why bundles spread over several nodes never fit: a resource whose sum is above the cluster's total, or else
     * that they do not fit together even on the idle cluster.
     */
    final String clusterWideReason(final List<long[]> bundles, final ClusterView cluster) {
        final long[] sum = sum(bundles, cluster);
        for (int r = 0; r < sum.length; r++) {
            if (sum[r] <= 0) {
                continue;
            }
            long total = 0;
            for (int i = 0; i < cluster.nodeCount(); i++) {
                total = FixedPoint.add(total, cluster.node(i).total(r));
            }
            if (total < sum[r]) {
                return strategy() + ": the " + bundles.size() + " bundles need " + name(cluster, r) + ": "
                    + ResourceRegistry.format(sum[r]) + " in all, the cluster has " + ResourceRegistry.format(total);
            }
        }
        return strategy() + ": the " + bundles.size() + " bundles (" + describe(sum, cluster)
            + " in all) cannot be placed together on the cluster's " + cluster.nodeCount()
            + " nodes even when they are idle";
    }
}
