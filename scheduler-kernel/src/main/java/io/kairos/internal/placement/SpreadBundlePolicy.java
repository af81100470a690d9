package io.kairos.internal.placement;

import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.Arrays;
import java.util.List;

/**
 * SPREAD, as Ray's: the bundles over distinct nodes, best effort.
 *
 * <p>Assumptions: node indices are a stable order; the policy instance serves one cluster and remembers the node it
 * chose last, so successive groups start on different nodes (as {@code SpreadSchedulingPolicy}).
 *
 * <p>Algorithm: distinct nodes first: for each bundle in order, go round robin from the node after the one chosen
 * last and take the first node this group does not use yet that fits it. Then reuse nodes: each bundle left goes
 * round robin on the first node that still fits it with the bundles placed there. If one cannot be placed now:
 * Unavailable if the same would place them all on the idle cluster, else Infeasible (a resource whose sum is above
 * the cluster's total, or that they do not fit together). O(nodes * bundles). Conductor thread only.
 */
public final class SpreadBundlePolicy extends ScratchBundlePolicy {
    private int last = -1;

    @Override
    public PlacementStrategy strategy() {
        return PlacementStrategy.SPREAD;
    }

    @Override
    boolean assign(final List<long[]> bundles, final ClusterView cluster, final int[] nodes, final boolean now) {
        final int n = cluster.nodeCount();
        int cursor = now ? last : -1;
        Arrays.fill(nodes, -1);
        for (int b = 0; b < bundles.size(); b++) {
            for (int step = 1; step <= n; step++) {
                final int node = Math.floorMod(cursor + step, n);
                if (scratch.bundlesOn(node) == 0 && scratch.tryAdd(node, bundles.get(b))) {
                    nodes[b] = node;
                    cursor = node;
                    break;
                }
            }
        }
        for (int b = 0; b < bundles.size(); b++) {
            if (nodes[b] >= 0) {
                continue;
            }
            for (int step = 1; step <= n && nodes[b] < 0; step++) {
                final int node = Math.floorMod(cursor + step, n);
                if (scratch.tryAdd(node, bundles.get(b))) {
                    nodes[b] = node;
                    cursor = node;
                }
            }
            if (nodes[b] < 0) {
                return false;
            }
        }
        if (now) {
            last = cursor;
        }
        return true;
    }

    @Override
    String neverReason(final List<long[]> bundles, final ClusterView cluster) {
        return clusterWideReason(bundles, cluster);
    }

    @Override
    public String toString() {
        return "SpreadBundlePolicy";
    }
}
