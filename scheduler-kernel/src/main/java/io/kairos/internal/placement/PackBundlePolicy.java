package io.kairos.internal.placement;

import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.Arrays;
import java.util.List;

/**
 * PACK, as Ray's: the bundles on as few nodes as possible, best effort.
 *
 * <p>Algorithm: if one node holds all the bundles together, choose it (the local node first, then the least index).
 * Else fill nodes greedily: take the nodes in order of most free capacity (the largest free share of their scarcest
 * resource among those the bundles ask for, ties to the lower index), and put on each node every bundle not yet
 * placed that still fits there with the ones placed before it, in bundle order, until all are placed. If they cannot
 * all be placed now: Unavailable if the same would place them on the idle cluster, else Infeasible (a resource whose
 * sum is above the cluster's total, or that they do not fit together). O(nodes * bundles + nodes log nodes).
 * Conductor thread only.
 */
public final class PackBundlePolicy extends ScratchBundlePolicy {
    @Override
    public PlacementStrategy strategy() {
        return PlacementStrategy.PACK;
    }

    @Override
    boolean assign(final List<long[]> bundles, final ClusterView cluster, final int[] nodes, final boolean now) {
        if (allOnOneNode(bundles, cluster, nodes)) {
            return true;
        }
        final int n = cluster.nodeCount();
        final Integer[] order = new Integer[n];
        final double[] free = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            free[i] = scratch.freeShare(i, bundles);
        }
        Arrays.sort(order, (a, b) -> free[a] != free[b] ? Double.compare(free[b], free[a]) : a - b);
        Arrays.fill(nodes, -1);
        int placed = 0;
        for (int k = 0; k < n && placed < bundles.size(); k++) {
            final int node = order[k];
            for (int b = 0; b < bundles.size(); b++) {
                if (nodes[b] < 0 && scratch.tryAdd(node, bundles.get(b))) {
                    nodes[b] = node;
                    placed++;
                }
            }
        }
        return placed == bundles.size();
    }

    @Override
    String neverReason(final List<long[]> bundles, final ClusterView cluster) {
        return clusterWideReason(bundles, cluster);
    }

    @Override
    public String toString() {
        return "PackBundlePolicy";
    }
}
