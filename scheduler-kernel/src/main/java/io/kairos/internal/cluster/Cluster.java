package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.ClusterView;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The nodes the kernel schedules over, as {@link ClusterView} for policies: node i is at index i, the local node is
 * the one requests come from, and randomness comes from one seeded {@link SplittableRandom} so a fixed seed gives a
 * fixed schedule.
 *
 * <p>Thread-safety: none; owned by the conductor.
 */
public final class Cluster implements ClusterView {
    private final ResourceRegistry registry;
    private final LogicalNode[] nodes;
    private final Map<String, Integer> nodeIndices = new HashMap<>();
    private final int localNodeIndex;
    private final SplittableRandom random;
    /** The nodes ranked by utilisation, for clusters of {@value #INDEXED_NODES} nodes or more; else null. */
    private final UtilizationIndex utilizationIndex;
    private final int gpuNodes;

    /** From this many nodes on, a cluster keeps a {@link UtilizationIndex} (a pass over fewer is as quick). */
    public static final int INDEXED_NODES = 64;

    /**
     * @param nodes          at least one node, node i having {@link LogicalNode#index()} i and a unique id
     * @param localNodeIndex the node requests come from
     * @param seed           seeds the random choices policies make
     */
    public Cluster(final ResourceRegistry registry, final List<LogicalNode> nodes, final int localNodeIndex,
                   final long seed) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node, got " + (nodes == null ? "null" : "none"));
        }
        this.registry = registry;
        this.nodes = nodes.toArray(new LogicalNode[0]);
        for (int i = 0; i < this.nodes.length; i++) {
            final LogicalNode node = this.nodes[i];
            if (node == null) {
                throw new IllegalArgumentException("node at position " + i + " is null");
            }
            if (node.index() != i) {
                throw new IllegalArgumentException("node '" + node.nodeId() + "' has index " + node.index()
                    + " but is at position " + i);
            }
            if (nodeIndices.putIfAbsent(node.nodeId(), i) != null) {
                throw new IllegalArgumentException("node id '" + node.nodeId() + "' is used by nodes "
                    + nodeIndices.get(node.nodeId()) + " and " + i);
            }
        }
        if (localNodeIndex < 0 || localNodeIndex >= this.nodes.length) {
            throw new IllegalArgumentException("localNodeIndex " + localNodeIndex + " is outside 0.."
                + (this.nodes.length - 1));
        }
        this.localNodeIndex = localNodeIndex;
        this.random = new SplittableRandom(seed);
        int withGpus = 0;
        for (final LogicalNode node : this.nodes) {
            if (node.total(ResourceRegistry.GPU) > 0) {
                withGpus++;
            }
        }
        this.gpuNodes = withGpus;
        if (this.nodes.length >= INDEXED_NODES) {
            utilizationIndex = new UtilizationIndex(this.nodes);
            for (final LogicalNode node : this.nodes) {
                node.follow(utilizationIndex);
            }
        } else {
            utilizationIndex = null;
            for (final LogicalNode node : this.nodes) {
                node.follow(null);
            }
        }
    }

    /**
     * The nodes ranked by (utilisation, index), kept up to date as resources are allocated and released; null for a
     * small cluster, or when a later cluster took its nodes over.
     */
    public UtilizationIndex utilizationIndex() {
        return utilizationIndex != null && utilizationIndex.valid() ? utilizationIndex : null;
    }

    /** How many nodes have GPUs. */
    public int gpuNodeCount() {
        return gpuNodes;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    public LogicalNode logicalNode(final int index) {
        return nodes[index];
    }

    /** The index of the node with this id, or -1 if there is none. */
    public int indexOfNode(final String nodeId) {
        final Integer index = nodeId == null ? null : nodeIndices.get(nodeId);
        return index == null ? -1 : index;
    }

    /**
     * Why no node can ever fit the demand, naming the resource and the largest node's amount, e.g. "no node can ever
     * provide GPU: 2.0 requested, the largest node has 1.0"; null if some node can.
     */
    public String infeasibleReason(final long[] demand) {
        return Feasibility.clusterReason(demand, this);
    }

    @Override
    public int nodeCount() {
        return nodes.length;
    }

    @Override
    public LogicalNode node(final int index) {
        return nodes[index];
    }

    @Override
    public int localNodeIndex() {
        return localNodeIndex;
    }

    @Override
    public int resourceIndex(final String name) {
        return registry.indexOf(name);
    }

    @Override
    public String resourceName(final int index) {
        return registry.name(index);
    }

    @Override
    public int resourceCount() {
        return registry.count();
    }

    @Override
    public int randomInt(final int bound) {
        return random.nextInt(bound);
    }

    @Override
    public String toString() {
        return "Cluster(" + nodes.length + " nodes, local=" + nodes[localNodeIndex].nodeId() + ")";
    }
}
