package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.BundlePlacementResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kairos.internal.placement.Nodes.cpus;
import static io.kairos.internal.placement.Nodes.occupy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class PackBundlePolicyTest {
    private final PackBundlePolicy policy = new PackBundlePolicy();

    @Test
    void putsAllBundlesOnOneNodeWhenOneHoldsThem() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build(1);
        assertArrayEquals(new int[] {1, 1, 1}, policy.place(
            List.of(cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 2)), cluster).nodePerBundle());
    }

    @Test
    void prefersTheLowestIndexWhenTheLocalNodeIsFull() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build(1);
        occupy(cluster, 1, 4);
        assertArrayEquals(new int[] {0, 0}, policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster)
            .nodePerBundle());
    }

    @Test
    void fillsTheFreestNodesFirstWhenNoNodeHoldsThemAll() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        occupy(cluster, 0, 3);
        occupy(cluster, 1, 1);
        // Free: node-0 1, node-1 3, node-2 4. Freest first: node-2 takes bundles 0 and 1, node-1 bundle 2.
        assertArrayEquals(new int[] {2, 2, 1}, policy.place(
            List.of(cpus(cluster, 2), cpus(cluster, 2), cpus(cluster, 2)), cluster).nodePerBundle());
    }

    @Test
    void spillsAcrossNodesInBundleOrderFillingEachNode() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        assertArrayEquals(new int[] {0, 0, 1, 0, 1}, policy.place(
            List.of(cpus(cluster, 2), cpus(cluster, 1), cpus(cluster, 3), cpus(cluster, 1), cpus(cluster, 1)), cluster)
            .nodePerBundle());
    }

    @Test
    void unavailableWhenTheClusterIsBusy() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        occupy(cluster, 0, 3);
        occupy(cluster, 1, 3);
        assertSame(BundlePlacementResult.unavailable(),
            policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster));
    }

    @Test
    void infeasibleWhenTheClusterCanNeverHoldThemAll() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final BundlePlacementResult result = policy.place(
            List.of(cpus(cluster, 4), cpus(cluster, 4), cpus(cluster, 4), cpus(cluster, 4)), cluster);
        assertEquals("PACK: the 4 bundles need CPU: 16.0 in all, the cluster has 12.0", result.reason());
    }

    @Test
    void infeasibleWhenTheBundlesNeverFitTogetherThoughTheSumDoes() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        final BundlePlacementResult result = policy.place(
            List.of(cpus(cluster, 3), cpus(cluster, 3), cpus(cluster, 2)), cluster);
        assertEquals("PACK: the 3 bundles (CPU: 8.0 in all) cannot be placed together on the cluster's 2 nodes even"
            + " when they are idle", result.reason());
    }
}
