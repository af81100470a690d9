package io.kairos.internal.policy;

import io.kairos.internal.cluster.Feasibility;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;

/**
 * The SPREAD strategy, as Ray's spread_scheduling_policy.h: round robin over the nodes.
 *
 * <p>Assumptions: node indices are a stable order; the policy instance serves one cluster, remembering the node it
 * chose last.
 *
 * <p>Algorithm: starting with the node after the one chosen last (node 0 the first time), choose the first node
 * that fits now, wrapping around. If none fits: Unavailable if some node could ever fit, else Infeasible naming the
 * resource. O(nodes), no allocation on success. Conductor thread only.
 */
public final class SpreadSchedulingPolicy implements SchedulingPolicy {
    private int last = -1;

    @Override
    public SchedulingStrategy.Kind kind() {
        return SchedulingStrategy.Kind.SPREAD;
    }

    @Override
    public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy, final ClusterView cluster) {
        final int n = cluster.nodeCount();
        for (int step = 1; step <= n; step++) {
            final int i = Math.floorMod(last + step, n);
            if (cluster.node(i).fits(demand)) {
                last = i;
                return SchedulingResult.success(i);
            }
        }
        return Feasibility.anyFeasible(demand, cluster)
            ? SchedulingResult.unavailable()
            : SchedulingResult.infeasible(Feasibility.clusterReason(demand, cluster));
    }

    @Override
    public String toString() {
        return "SpreadSchedulingPolicy";
    }
}
