package io.kairos.internal.policy;

import io.kairos.internal.cluster.Feasibility;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.Map;

/**
 * The NODE_LABEL strategy, as Ray's node_label_scheduling_policy.h: run on a node whose labels match.
 *
 * <p>Assumptions: the strategy is a {@link SchedulingStrategy.NodeLabel}; a label entry matches when the node has
 * the key with an equal value; the hard and soft maps are immutable, so their entries are copied to arrays once per
 * strategy object (requests sharing a strategy object reuse them and allocate nothing).
 *
 * <p>Algorithm:
 * <ol>
 *   <li>Candidates are the nodes whose labels contain every hard entry (all nodes if there are none). No candidate:
 *       Infeasible, naming the labels.</li>
 *   <li>No candidate can ever fit the demand: Infeasible, naming the resource and the largest candidate's amount.</li>
 *   <li>Of the candidates that fit now, choose the least utilised among those that also match every soft entry;
 *       if none of those fits, the least utilised of all candidates that fit (ties to the lower index).</li>
 *   <li>No candidate fits now: Unavailable (the request waits).</li>
 * </ol>
 * O(nodes * labels). Conductor thread only.
 */
public final class NodeLabelSchedulingPolicy implements SchedulingPolicy {
    private static final String[] NONE = new String[0];

    private SchedulingStrategy.NodeLabel prepared;
    private String[] hardKeys = NONE;
    private String[] hardValues = NONE;
    private String[] softKeys = NONE;
    private String[] softValues = NONE;

    @Override
    public SchedulingStrategy.Kind kind() {
        return SchedulingStrategy.Kind.NODE_LABEL;
    }

    @Override
    public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy, final ClusterView cluster) {
        final SchedulingStrategy.NodeLabel labels = (SchedulingStrategy.NodeLabel) strategy;
        prepare(labels);
        final int n = cluster.nodeCount();
        boolean anyCandidate = false;
        boolean anyFeasible = false;
        int bestSoft = -1;
        double bestSoftUtilization = 0;
        int best = -1;
        double bestUtilization = 0;
        for (int i = 0; i < n; i++) {
            final NodeView node = cluster.node(i);
            if (!matches(node.labels(), hardKeys, hardValues)) {
                continue;
            }
            anyCandidate = true;
            if (!node.fits(demand)) {
                anyFeasible = anyFeasible || node.feasible(demand);
                continue;
            }
            anyFeasible = true;
            final double utilization = node.utilization();
            if (best < 0 || utilization < bestUtilization) {
                best = i;
                bestUtilization = utilization;
            }
            if ((bestSoft < 0 || utilization < bestSoftUtilization) && matches(node.labels(), softKeys, softValues)) {
                bestSoft = i;
                bestSoftUtilization = utilization;
            }
        }
        if (bestSoft >= 0) {
            return SchedulingResult.success(bestSoft);
        }
        if (best >= 0) {
            return SchedulingResult.success(best);
        }
        if (!anyCandidate) {
            return SchedulingResult.infeasible("node labels: no node has labels " + labels.hard());
        }
        if (anyFeasible) {
            return SchedulingResult.unavailable();
        }
        final String[] keys = hardKeys;
        final String[] values = hardValues;
        return SchedulingResult.infeasible(Feasibility.clusterReason(demand, cluster,
            i -> matches(cluster.node(i).labels(), keys, values), "node with labels " + labels.hard()));
    }

    private void prepare(final SchedulingStrategy.NodeLabel labels) {
        if (labels == prepared) {
            return;
        }
        hardKeys = keys(labels.hard());
        hardValues = values(labels.hard(), hardKeys);
        softKeys = keys(labels.soft());
        softValues = values(labels.soft(), softKeys);
        prepared = labels;
    }

    private static boolean matches(final Map<String, String> labels, final String[] keys, final String[] values) {
        for (int j = 0; j < keys.length; j++) {
            if (!values[j].equals(labels.get(keys[j]))) {
                return false;
            }
        }
        return true;
    }

    private static String[] keys(final Map<String, String> entries) {
        return entries.isEmpty() ? NONE : entries.keySet().toArray(new String[0]);
    }

    private static String[] values(final Map<String, String> entries, final String[] keys) {
        final String[] values = new String[keys.length];
        for (int j = 0; j < keys.length; j++) {
            values[j] = entries.get(keys[j]);
        }
        return values;
    }

    @Override
    public String toString() {
        return "NodeLabelSchedulingPolicy";
    }
}
