package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.BundlePlacementResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.kairos.internal.placement.Nodes.cpus;
import static io.kairos.internal.placement.Nodes.occupy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class StrictSpreadBundlePolicyTest {
    private final StrictSpreadBundlePolicy policy = new StrictSpreadBundlePolicy();

    @Test
    void putsEachBundleOnADistinctNode() {
        final Cluster cluster = new Nodes().cpuNodes(4, 4).build();
        final BundlePlacementResult result = policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2), cpus(cluster, 2)),
            cluster);
        assertArrayEquals(new int[] {0, 1, 2}, result.nodePerBundle());
    }

    @Test
    void skipsBusyNodes() {
        final Cluster cluster = new Nodes().cpuNodes(4, 4).build();
        occupy(cluster, 1, 3);
        final BundlePlacementResult result = policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2), cpus(cluster, 2)),
            cluster);
        assertArrayEquals(new int[] {0, 2, 3}, result.nodePerBundle());
    }

    @Test
    void findsTheAssignmentAGreedyChoiceWouldMiss() {
        final Cluster cluster = new Nodes().node(Map.of("CPU", 8.0)).node(Map.of("CPU", 2.0)).build();
        final BundlePlacementResult result = policy.place(List.of(cpus(cluster, 1), cpus(cluster, 6)), cluster);
        assertArrayEquals(new int[] {1, 0}, result.nodePerBundle());
    }

    @Test
    void infeasibleWithMoreBundlesThanNodes() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final BundlePlacementResult result = policy.place(
            List.of(cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1)), cluster);
        assertEquals(BundlePlacementResult.Status.INFEASIBLE, result.status());
        assertEquals("STRICT_SPREAD needs 4 distinct nodes, the cluster has 3", result.reason());
    }

    @Test
    void infeasibleWhenTooFewNodesCanEverHoldTheBundles() {
        final Cluster cluster = new Nodes().node(Map.of("CPU", 8.0)).node(Map.of("CPU", 2.0)).node(Map.of("CPU", 2.0))
            .build();
        final BundlePlacementResult result = policy.place(List.of(cpus(cluster, 6), cpus(cluster, 6)), cluster);
        assertEquals("STRICT_SPREAD needs 2 distinct nodes that can each hold one bundle; even when idle, at most 1 of"
            + " the cluster's 3 nodes can", result.reason());
    }

    @Test
    void infeasibleNamesTheResourceNoNodeHas() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final BundlePlacementResult result = policy.place(List.of(cpus(cluster, 1), cpus(cluster, 5)), cluster);
        assertEquals("STRICT_SPREAD bundle 1: no node can ever provide CPU: 5.0 requested, the largest node has 4.0",
            result.reason());
    }

    @Test
    void unavailableWhenNodesAreBusy() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        occupy(cluster, 0, 3);
        occupy(cluster, 2, 3);
        assertSame(BundlePlacementResult.unavailable(),
            policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2), cpus(cluster, 2)), cluster));
        assertArrayEquals(new int[] {1}, policy.place(List.of(cpus(cluster, 2)), cluster).nodePerBundle());
    }
}
