package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;

import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Feasibility checks over any {@link ClusterView} and the reasons a request can never run, naming the resource and
 * the limit. The checks allocate nothing; the reasons are built only on the failure path.
 */
public final class Feasibility {
    private Feasibility() {
    }

    /** Whether some node could ever fit the demand. */
    public static boolean anyFeasible(final long[] demand, final ClusterView cluster) {
        final int n = cluster.nodeCount();
        for (int i = 0; i < n; i++) {
            if (cluster.node(i).feasible(demand)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why one node can never fit the demand, e.g. "GPU: 2.0 requested, node-0 has 1.0", or null if it can.
     */
    public static String nodeReason(final long[] demand, final NodeView node, final IntFunction<String> names) {
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted > 0 && node.total(r) < wanted) {
                final long has = node.total(r);
                return name(names, r) + ": " + ResourceRegistry.format(wanted) + " requested, " + node.nodeId()
                    + " has " + (has > 0 ? ResourceRegistry.format(has) : "none");
            }
        }
        return node.feasible(demand) ? null : "the demand does not fit " + node.nodeId();
    }

    /** {@link #nodeReason(long[], NodeView, IntFunction)} with the cluster's resource names. */
    public static String nodeReason(final long[] demand, final NodeView node, final ClusterView cluster) {
        if (node instanceof LogicalNode) {
            return ((LogicalNode) node).infeasibleReason(demand);  // knows its devices
        }
        return nodeReason(demand, node, r -> resourceName(cluster, r));
    }

    /**
     * Why no node of the cluster can ever fit the demand, e.g. "no node can ever provide GPU: 2.0 requested, the
     * largest node has 1.0", or null if some node can.
     */
    public static String clusterReason(final long[] demand, final ClusterView cluster) {
        return clusterReason(demand, cluster, i -> true, "node");
    }

    /**
     * Why no candidate node can ever fit the demand, or null if one can.
     *
     * @param candidate which node indices to consider
     * @param subject   the candidates in words, e.g. "node" or "node with labels {zone=a}"
     */
    public static String clusterReason(final long[] demand, final ClusterView cluster, final IntPredicate candidate,
                                       final String subject) {
        return clusterReason(demand, cluster::node, cluster.nodeCount(), cluster, candidate, subject);
    }

    /**
     * {@link #clusterReason(long[], ClusterView, IntPredicate, String)} over the first n of these nodes (e.g. a
     * snapshot another thread took), the resource names from cluster.
     */
    public static String clusterReason(final long[] demand, final IntFunction<? extends NodeView> nodes, final int n,
                                       final ClusterView cluster, final IntPredicate candidate, final String subject) {
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (candidate.test(i)) {
                if (nodes.apply(i).feasible(demand)) {
                    return null;
                }
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return "there is no " + subject + " in the cluster";
        }
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            long largest = 0;
            for (int i = 0; i < n; i++) {
                if (candidate.test(i)) {
                    largest = Math.max(largest, nodes.apply(i).total(r));
                }
            }
            if (largest < wanted) {
                return "no " + subject + " can ever provide " + resourceName(cluster, r) + ": "
                    + ResourceRegistry.format(wanted) + " requested, "
                    + (largest > 0 ? "the largest node has " + ResourceRegistry.format(largest) : "no node has any");
            }
        }
        final StringBuilder together = new StringBuilder();
        for (int r = 0; r < demand.length; r++) {
            if (demand[r] > 0) {
                together.append(together.length() == 0 ? "" : ", ").append(resourceName(cluster, r)).append(": ")
                    .append(ResourceRegistry.format(demand[r]));
            }
        }
        return "no " + subject + " can ever provide " + together + " together (e.g. "
            + nodeReason(demand, nodes.apply(first), cluster) + ")";
    }

    private static String resourceName(final ClusterView cluster, final int r) {
        return r < cluster.resourceCount() ? cluster.resourceName(r) : "resource #" + r;
    }

    private static String name(final IntFunction<String> names, final int r) {
        final String name = names.apply(r);
        return name == null ? "resource #" + r : name;
    }
}
