package io.kairos.internal.placement;

import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.List;

/**
 * STRICT_PACK, as Ray's: every bundle on one node, or none.
 *
 * <p>Algorithm: try the local node, then the others by index, and choose the first that holds all the bundles
 * together (their amounts summed, fractional GPUs packed onto its instances largest first). If none does now:
 * Unavailable if one would when idle, else Infeasible naming the resource whose sum no node has ("STRICT_PACK needs
 * CPU: 12.0 on one node, the largest node has 8.0"). O(nodes * bundles). Conductor thread only.
 */
public final class StrictPackBundlePolicy extends ScratchBundlePolicy {
    @Override
    public PlacementStrategy strategy() {
        return PlacementStrategy.STRICT_PACK;
    }

    @Override
    boolean assign(final List<long[]> bundles, final ClusterView cluster, final int[] nodes, final boolean now) {
        return allOnOneNode(bundles, cluster, nodes);
    }

    @Override
    String neverReason(final List<long[]> bundles, final ClusterView cluster) {
        final long[] sum = sum(bundles, cluster);
        for (int r = 0; r < sum.length; r++) {
            if (sum[r] <= 0) {
                continue;
            }
            long largest = 0;
            for (int i = 0; i < cluster.nodeCount(); i++) {
                largest = Math.max(largest, cluster.node(i).total(r));
            }
            if (largest < sum[r]) {
                return "STRICT_PACK needs " + name(cluster, r) + ": " + ResourceRegistry.format(sum[r])
                    + " on one node, the largest node has " + (largest > 0 ? ResourceRegistry.format(largest) : "none");
            }
        }
        return "STRICT_PACK needs " + describe(sum, cluster) + " on one node; no node can ever hold all "
            + bundles.size() + " bundles together";
    }

    @Override
    public String toString() {
        return "StrictPackBundlePolicy";
    }
}
