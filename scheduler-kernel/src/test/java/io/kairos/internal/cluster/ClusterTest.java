package io.kairos.internal.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    private LogicalNode node(final int index, final Map<String, Double> totals) {
        return new LogicalNode(index, "node-" + index, Map.of(), totals, registry);
    }

    @Test
    void findsNodesById() {
        final Cluster cluster = new Cluster(registry, List.of(node(0, Map.of()), node(1, Map.of())), 1, 7);
        assertEquals(1, cluster.indexOfNode("node-1"));
        assertEquals(-1, cluster.indexOfNode("node-9"));
        assertSame(cluster.logicalNode(1), cluster.node(1));
        assertEquals(1, cluster.localNodeIndex());
        assertEquals(2, cluster.nodeCount());
    }

    @Test
    void exposesTheRegistrysResources() {
        final Cluster cluster = new Cluster(registry, List.of(node(0, Map.of("TPU", 1.0))), 0, 7);
        assertEquals(6, cluster.resourceCount());
        assertEquals(5, cluster.resourceIndex("TPU"));
        assertEquals("TPU", cluster.resourceName(5));
    }

    @Test
    void rejectsDuplicateNodeIds() {
        final LogicalNode a = node(0, Map.of());
        final LogicalNode b = new LogicalNode(1, "node-0", Map.of(), Map.of(), registry);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new Cluster(registry, List.of(a, b), 0, 7));
        assertEquals("node id 'node-0' is used by nodes 0 and 1", e.getMessage());
    }

    @Test
    void rejectsANodeAtTheWrongPosition() {
        assertThrows(IllegalArgumentException.class, () -> new Cluster(registry, List.of(node(1, Map.of())), 0, 7));
    }

    @Test
    void rejectsALocalNodeOutsideTheCluster() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new Cluster(registry, List.of(node(0, Map.of())), 1, 7));
        assertEquals("localNodeIndex 1 is outside 0..0", e.getMessage());
    }

    @Test
    void rejectsAnEmptyCluster() {
        assertThrows(IllegalArgumentException.class, () -> new Cluster(registry, List.of(), 0, 7));
    }

    @Test
    void infeasibleReasonNamesTheResourceAndTheLargestNode() {
        final Cluster cluster = new Cluster(registry,
            List.of(node(0, Map.of("CPU", 8.0)), node(1, Map.of("CPU", 2.0, "GPU", 1.0))), 0, 7);
        assertEquals("no node can ever provide GPU: 2.0 requested, the largest node has 1.0",
            cluster.infeasibleReason(registry.demand(Map.of("CPU", 1.0, "GPU", 2.0))));
    }

    @Test
    void infeasibleReasonNamesAResourceNoNodeHas() {
        registry.register("TPU");
        final Cluster cluster = new Cluster(registry, List.of(node(0, Map.of("CPU", 8.0))), 0, 7);
        assertEquals("no node can ever provide TPU: 0.5 requested, no node has any",
            cluster.infeasibleReason(registry.demand(Map.of("TPU", 0.5))));
    }

    @Test
    void infeasibleReasonNamesResourcesNoSingleNodeHasTogether() {
        final Cluster cluster = new Cluster(registry,
            List.of(node(0, Map.of("CPU", 8.0)), node(1, Map.of("CPU", 1.0, "GPU", 1.0))), 0, 7);
        assertEquals("no node can ever provide CPU: 4.0, GPU: 1.0 together (e.g. GPU: 1.0 requested, node-0 has none)",
            cluster.infeasibleReason(registry.demand(Map.of("CPU", 4.0, "GPU", 1.0))));
    }

    @Test
    void infeasibleReasonIsNullWhenSomeNodeCanFit() {
        final Cluster cluster = new Cluster(registry, List.of(node(0, Map.of("CPU", 1.0))), 0, 7);
        cluster.logicalNode(0).allocate(registry.demand(Map.of("CPU", 1.0)));
        assertNull(cluster.infeasibleReason(registry.demand(Map.of("CPU", 1.0))));
    }

    @Test
    void randomIntsRepeatForTheSameSeed() {
        final Cluster a = new Cluster(registry, List.of(node(0, Map.of())), 0, 42);
        final Cluster b = new Cluster(registry, List.of(node(0, Map.of())), 0, 42);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.randomInt(10), b.randomInt(10));
        }
    }
}
