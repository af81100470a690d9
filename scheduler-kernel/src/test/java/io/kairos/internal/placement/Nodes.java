package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds small clusters for placement tests: nodes "node-0", "node-1", ... in order. */
final class Nodes {
    final ResourceRegistry registry = new ResourceRegistry();
    private final List<LogicalNode> nodes = new ArrayList<>();

    Nodes node(final Map<String, Double> totals) {
        nodes.add(new LogicalNode(nodes.size(), "node-" + nodes.size(), Map.of(), totals, registry));
        return this;
    }

    /** A node with GPUs whose devices have these sizes in GiB (GPU_memory per device). */
    Nodes gpuNode(final double... deviceGib) {
        double total = 0;
        final List<Double> bytes = new ArrayList<>();
        for (final double gib : deviceGib) {
            bytes.add(gib * GIB);
            total += gib * GIB;
        }
        nodes.add(new LogicalNode(nodes.size(), "node-" + nodes.size(), Map.of(),
            Map.of("CPU", 8.0, "GPU", (double) deviceGib.length, "GPU_memory", total), bytes, registry));
        return this;
    }

    static final double GIB = 1L << 30;

    Nodes cpuNodes(final int count, final double cpus) {
        for (int i = 0; i < count; i++) {
            node(Map.of("CPU", cpus));
        }
        return this;
    }

    Cluster build(final int localNode) {
        return new Cluster(registry, nodes, localNode, 1);
    }

    Cluster build() {
        return build(0);
    }

    static long[] demand(final Cluster cluster, final Map<String, Double> amounts) {
        return cluster.registry().demand(amounts);
    }

    static long[] cpus(final Cluster cluster, final double cpus) {
        return demand(cluster, Map.of("CPU", cpus));
    }

    static long[] gpus(final Cluster cluster, final double gpus) {
        return demand(cluster, Map.of("GPU", gpus));
    }

    /** Takes CPU on a node as a running task would. */
    static ResourceAllocation occupy(final Cluster cluster, final int node, final double cpus) {
        final ResourceAllocation allocation = cluster.logicalNode(node).allocate(cpus(cluster, cpus));
        if (allocation == null) {
            throw new AssertionError("node " + node + " has no room for " + cpus + " CPU");
        }
        return allocation;
    }

    /** A copy of a node as it was built: its totals and the GPU memory of each instance. */
    Nodes copyOf(final LogicalNode node) {
        final List<Double> memory = new ArrayList<>();
        for (int g = 0; g < node.gpuInstances(); g++) {
            memory.add((double) (node.gpuInstanceMemory(g) / io.kairos.spi.scheduling.FixedPoint.SCALE));
        }
        nodes.add(new LogicalNode(nodes.size(), "node-" + nodes.size(), Map.of(), node.totals(), memory, registry));
        return this;
    }

    /** Every node's available amounts, GPU instance capacities and GPU memory, to compare before and after. */
    static String ledger(final Cluster cluster) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cluster.nodeCount(); i++) {
            final LogicalNode node = cluster.logicalNode(i);
            final long[] gpus = new long[node.gpuInstances()];
            final long[] memory = new long[node.gpuInstances()];
            for (int g = 0; g < gpus.length; g++) {
                gpus[g] = node.gpuInstanceAvailable(g);
                memory[g] = node.gpuInstanceMemoryAvailable(g);
            }
            sb.append(node.nodeId()).append(node.available()).append(Arrays.toString(gpus))
                .append(Arrays.toString(memory)).append(' ');
        }
        return sb.toString();
    }
}
