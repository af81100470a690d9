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

class SpreadBundlePolicyTest {
    private final SpreadBundlePolicy policy = new SpreadBundlePolicy();

    @Test
    void putsBundlesOnDistinctNodes() {
        final Cluster cluster = new Nodes().cpuNodes(4, 4).build();
        assertArrayEquals(new int[] {0, 1, 2}, policy.place(
            List.of(cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1)), cluster).nodePerBundle());
    }

    @Test
    void reusesNodesRoundRobinWhenBundlesOutnumberNodes() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, policy.place(
            List.of(cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1), cpus(cluster, 1)), cluster)
            .nodePerBundle());
    }

    @Test
    void reusesANodeWhenOnlyItFits() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        occupy(cluster, 1, 4);
        occupy(cluster, 2, 4);
        assertArrayEquals(new int[] {0, 0}, policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster)
            .nodePerBundle());
    }

    @Test
    void theNextGroupStartsAfterTheNodeChosenLast() {
        final Cluster cluster = new Nodes().cpuNodes(4, 4).build();
        assertArrayEquals(new int[] {0, 1}, policy.place(List.of(cpus(cluster, 1), cpus(cluster, 1)), cluster)
            .nodePerBundle());
        assertArrayEquals(new int[] {2, 3}, policy.place(List.of(cpus(cluster, 1), cpus(cluster, 1)), cluster)
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
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        final BundlePlacementResult result = policy.place(
            List.of(cpus(cluster, 3), cpus(cluster, 3), cpus(cluster, 3)), cluster);
        assertEquals("SPREAD: the 3 bundles need CPU: 9.0 in all, the cluster has 8.0", result.reason());
    }
}
