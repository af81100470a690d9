package io.kairos.internal.placement;

import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.Arrays;
import java.util.List;

/**
 * STRICT_SPREAD, as Ray's: each bundle on a distinct node, or none.
 *
 * <p>Algorithm: more bundles than nodes is Infeasible at once ("STRICT_SPREAD needs 4 distinct nodes, the cluster
 * has 3"). Else match bundles to nodes, one bundle per node, where a bundle may go on a node that fits it now: a
 * maximum bipartite matching by augmenting paths (Kuhn's): a bundle takes the lowest-indexed free node that fits
 * it, and only if there is none moves bundles placed before it, so if any assignment to distinct
 * nodes exists it is found. If none exists now: Unavailable if one exists on the idle cluster, else Infeasible
 * naming how many such nodes there are at most. O(bundles * bundles * nodes) at worst, O(bundles * nodes) when the
 * first choices work. Conductor thread only.
 */
public final class StrictSpreadBundlePolicy extends ScratchBundlePolicy {
    private boolean[][] fits = new boolean[0][];
    private int[] bundleOnNode = new int[0];
    private boolean[] visited = new boolean[0];

    @Override
    public PlacementStrategy strategy() {
        return PlacementStrategy.STRICT_SPREAD;
    }

    @Override
    String checkAlways(final List<long[]> bundles, final ClusterView cluster) {
        if (bundles.size() > cluster.nodeCount()) {
            return "STRICT_SPREAD needs " + bundles.size() + " distinct nodes, the cluster has " + cluster.nodeCount();
        }
        return null;
    }

    @Override
    boolean assign(final List<long[]> bundles, final ClusterView cluster, final int[] nodes, final boolean now) {
        if (match(bundles) < bundles.size()) {
            return false;
        }
        for (int node = 0; node < bundleOnNode.length; node++) {
            if (bundleOnNode[node] >= 0) {
                nodes[bundleOnNode[node]] = node;
            }
        }
        return true;
    }

    @Override
    String neverReason(final List<long[]> bundles, final ClusterView cluster) {
        scratch.snapshot(cluster, bundles, true);
        return "STRICT_SPREAD needs " + bundles.size() + " distinct nodes that can each hold one bundle; even when"
            + " idle, at most " + match(bundles) + " of the cluster's " + cluster.nodeCount() + " nodes can";
    }

    /** Matches bundles to nodes of the scratch; returns how many bundles got a node. */
    private int match(final List<long[]> bundles) {
        final int n = scratch.nodeCount();
        final int count = bundles.size();
        fits = new boolean[count][n];
        for (int b = 0; b < count; b++) {
            for (int node = 0; node < n; node++) {
                fits[b][node] = scratch.fitsEmpty(node, bundles.get(b));
            }
        }
        bundleOnNode = new int[n];
        Arrays.fill(bundleOnNode, -1);
        visited = new boolean[n];
        int matched = 0;
        for (int b = 0; b < count; b++) {
            Arrays.fill(visited, false);
            if (augment(b)) {
                matched++;
            }
        }
        return matched;
    }

    private boolean augment(final int bundle) {
        final boolean[] candidates = fits[bundle];
        for (int node = 0; node < candidates.length; node++) {
            if (candidates[node] && bundleOnNode[node] < 0) {
                bundleOnNode[node] = bundle;
                return true;
            }
        }
        for (int node = 0; node < candidates.length; node++) {
            if (candidates[node] && !visited[node]) {
                visited[node] = true;
                if (bundleOnNode[node] < 0 || augment(bundleOnNode[node])) {
                    bundleOnNode[node] = bundle;
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "StrictSpreadBundlePolicy";
    }
}
