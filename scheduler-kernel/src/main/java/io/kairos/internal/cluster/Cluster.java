package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.ClusterView;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes the kernel schedules over, as {@link ClusterView} for policies: node i is at index i, the local node is
 * the one requests come from, and randomness comes from one seeded {@link SplittableRandom} so a fixed seed gives a
 * fixed schedule.
 *
 * <p>The kernel's own logical nodes come first; the other members of a cluster of kernels follow, as they join
 * ({@link #addRemoteNode}). A policy sees only the local nodes unless the conductor {@link #widen widens} the view
 * for a decision that may go to another member (a plain task, an actor, a placement group's bundles).
 *
 * <p>Thread-safety: owned by the conductor; {@link #infeasibleReason} and {@link #indexOfNode} may be called from
 * any thread (they read a snapshot of the nodes).
 */
public final class Cluster implements ClusterView {
    private final ResourceRegistry registry;
    /** The nodes, as the conductor reads them (a plain field: policies read it in their loops). */
    private LogicalNode[] nodes;
    /** The same array, published to other threads ({@link #infeasibleReason}) when it grows. */
    private volatile LogicalNode[] published;
    private final Map<String, Integer> nodeIndices = new ConcurrentHashMap<>();
    private final int localNodeIndex;
    private final int localNodes;
    private boolean wide;
    private final SplittableRandom random;
    /** The nodes ranked by utilisation, for clusters of {@value #INDEXED_NODES} nodes or more; else null. */
    private UtilizationIndex utilizationIndex;
    private int gpuNodes;

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
        this.localNodes = this.nodes.length;
        this.published = this.nodes;
        this.random = new SplittableRandom(seed);
        indexNodes();
    }

    private void indexNodes() {
        int withGpus = 0;
        for (final LogicalNode node : nodes) {
            if (node.total(ResourceRegistry.GPU) > 0) {
                withGpus++;
            }
        }
        this.gpuNodes = withGpus;
        if (nodes.length >= INDEXED_NODES) {
            utilizationIndex = new UtilizationIndex(nodes);
            for (final LogicalNode node : nodes) {
                node.follow(utilizationIndex);
            }
        } else {
            utilizationIndex = null;
            for (final LogicalNode node : nodes) {
                node.follow(null);
            }
        }
    }

    /**
     * Adds another member of a cluster of kernels, at the next index, as a remote node (conductor only). A member
     * that joins again under an id it had before replaces the old entry in {@link #indexOfNode}; the old entry stays
     * (retired), so indices never move.
     */
    public LogicalNode addRemoteNode(final String nodeId, final Map<String, String> labels,
                                     final Map<String, Double> totals) {
        final LogicalNode[] current = nodes;
        final LogicalNode node = new LogicalNode(current.length, nodeId, labels, totals, registry);
        node.remote(true);
        final LogicalNode[] grown = java.util.Arrays.copyOf(current, current.length + 1);
        grown[current.length] = node;
        nodes = grown;
        published = grown;
        nodeIndices.put(nodeId, node.index());
        indexNodes();
        return node;
    }

    /** Lets the next policy decisions see every member's nodes (conductor only; {@link #narrow} after). */
    public void widen() {
        wide = true;
    }

    /** Back to the kernel's own nodes only. */
    public void narrow() {
        wide = false;
    }

    /** How many of the nodes (the first ones) are this kernel's own. */
    public int localNodeCount() {
        return localNodes;
    }

    /** Every node, this kernel's and the other members', retired ones included. */
    public int allNodeCount() {
        return nodes.length;
    }

    /**
     * The nodes ranked by (utilisation, index), kept up to date as resources are allocated and released; null for a
     * small cluster, or when a later cluster took its nodes over.
     */
    public UtilizationIndex utilizationIndex() {
        if (!wide && nodes.length > localNodes) {
            return null;  // it ranks the other members' nodes too: a narrow decision scans the local ones
        }
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
        final LogicalNode[] all = published;
        for (final LogicalNode node : all) {
            if (node.feasible(demand)) {
                return null;  // the common case: no allocation
            }
        }
        return Feasibility.clusterReason(demand, i -> all[i], all.length, this, i -> true, "node");
    }

    /** {@link #infeasibleReason} over this kernel's own nodes only (actors and placement groups run there). */
    public String infeasibleLocally(final long[] demand) {
        final LogicalNode[] all = published;
        for (int i = 0; i < localNodes; i++) {
            if (all[i].feasible(demand)) {
                return null;
            }
        }
        return Feasibility.clusterReason(demand, i -> all[i], localNodes, this, i -> true, "node");
    }

    @Override
    public int nodeCount() {
        return wide ? nodes.length : localNodes;
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
