package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds small clusters for policy tests: nodes "node-0", "node-1", ... in order. */
final class TestCluster {
    final ResourceRegistry registry = new ResourceRegistry();
    private final List<LogicalNode> nodes = new ArrayList<>();

    TestCluster node(final Map<String, Double> totals) {
        return node(totals, Map.of());
    }

    TestCluster node(final Map<String, Double> totals, final Map<String, String> labels) {
        nodes.add(new LogicalNode(nodes.size(), "node-" + nodes.size(), labels, totals, registry));
        return this;
    }

    TestCluster cpuNodes(final int count, final double cpus) {
        for (int i = 0; i < count; i++) {
            node(Map.of("CPU", cpus));
        }
        return this;
    }

    Cluster build(final int localNode, final long seed) {
        return new Cluster(registry, nodes, localNode, seed);
    }

    Cluster build() {
        return build(0, 1);
    }

    static long[] cpus(final Cluster cluster, final double amount) {
        return cluster.registry().demand(Map.of("CPU", amount));
    }

    /** Takes an amount of CPU on a node, as a running task would. */
    static void occupy(final Cluster cluster, final int node, final double cpus) {
        if (cluster.logicalNode(node).allocate(cpus(cluster, cpus)) == null) {
            throw new AssertionError("node " + node + " has no room for " + cpus + " CPU");
        }
    }
}
