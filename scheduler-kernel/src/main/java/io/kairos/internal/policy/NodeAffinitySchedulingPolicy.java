package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.Feasibility;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.StringJoiner;

/**
 * The NODE_AFFINITY strategy, as Ray's node_affinity_scheduling_policy.h: run on the node
 * with a given id.
 *
 * <p>Assumptions: the strategy is a {@link SchedulingStrategy.NodeAffinity}; node ids are unique; the fallback
 * policy serves DEFAULT requests (the hybrid policy, or whatever replaced it).
 *
 * <p>Algorithm:
 * <ul>
 *   <li>Hard: the named node if it fits now; Unavailable if it could ever fit but not now (the request waits for
 *       that node); Infeasible if no node has that id or it can never fit the demand, the reason naming the node
 *       (and the resource).</li>
 *   <li>Soft: the named node if it exists and fits now; otherwise whatever the fallback policy chooses for a
 *       DEFAULT request (so a missing, busy or too small node never blocks the request).</li>
 * </ul>
 * Finding the node is a hash lookup on a {@link Cluster}, a scan elsewhere; no allocation on success. Conductor
 * thread only.
 */
public final class NodeAffinitySchedulingPolicy implements SchedulingPolicy {
    private final SchedulingPolicy fallback;

    public NodeAffinitySchedulingPolicy() {
        this(new HybridSchedulingPolicy());
    }

    /** @param fallback chooses for soft affinity when the named node does not fit now */
    public NodeAffinitySchedulingPolicy(final SchedulingPolicy fallback) {
        if (fallback == null) {
            throw new IllegalArgumentException("fallback policy must not be null");
        }
        this.fallback = fallback;
    }

    @Override
    public SchedulingStrategy.Kind kind() {
        return SchedulingStrategy.Kind.NODE_AFFINITY;
    }

    @Override
    public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy, final ClusterView cluster) {
        final SchedulingStrategy.NodeAffinity affinity = (SchedulingStrategy.NodeAffinity) strategy;
        final int index = indexOf(affinity.nodeId(), cluster);
        if (index >= 0 && cluster.node(index).fits(demand)) {
            return SchedulingResult.success(index);
        }
        if (affinity.soft()) {
            return fallback.schedule(demand, SchedulingStrategy.DEFAULT, cluster);
        }
        if (index < 0) {
            return SchedulingResult.infeasible("node affinity: there is no node '" + affinity.nodeId()
                + "' in the cluster (nodes: " + nodeIds(cluster) + ")");
        }
        final NodeView node = cluster.node(index);
        if (node.feasible(demand)) {
            return SchedulingResult.unavailable();
        }
        return SchedulingResult.infeasible("node affinity: node '" + affinity.nodeId() + "' can never fit the request: "
            + Feasibility.nodeReason(demand, node, cluster));
    }

    private static int indexOf(final String nodeId, final ClusterView cluster) {
        if (cluster instanceof Cluster) {
            return ((Cluster) cluster).indexOfNode(nodeId);
        }
        final int n = cluster.nodeCount();
        for (int i = 0; i < n; i++) {
            if (nodeId.equals(cluster.node(i).nodeId())) {
                return i;
            }
        }
        return -1;
    }

    private static String nodeIds(final ClusterView cluster) {
        final StringJoiner ids = new StringJoiner(", ");
        final int n = Math.min(cluster.nodeCount(), 16);
        for (int i = 0; i < n; i++) {
            ids.add(cluster.node(i).nodeId());
        }
        if (cluster.nodeCount() > n) {
            ids.add("... " + (cluster.nodeCount() - n) + " more");
        }
        return ids.toString();
    }

    @Override
    public String toString() {
        return "NodeAffinitySchedulingPolicy(fallback=" + fallback + ")";
    }
}
