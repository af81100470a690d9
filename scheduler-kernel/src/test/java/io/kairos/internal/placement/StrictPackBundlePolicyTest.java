package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.BundlePlacementResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.kairos.internal.placement.Nodes.cpus;
import static io.kairos.internal.placement.Nodes.gpus;
import static io.kairos.internal.placement.Nodes.occupy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class StrictPackBundlePolicyTest {
    private final StrictPackBundlePolicy policy = new StrictPackBundlePolicy();

    @Test
    void putsAllBundlesOnTheLocalNodeWhenItFits() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build(2);
        assertArrayEquals(new int[] {2, 2}, policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster)
            .nodePerBundle());
    }

    @Test
    void otherwiseTheLowestIndexedNodeThatHoldsTheSum() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build(2);
        occupy(cluster, 2, 1);
        occupy(cluster, 0, 1);
        assertArrayEquals(new int[] {1, 1}, policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster)
            .nodePerBundle());
    }

    @Test
    void packsGpuFractionsLargestFirstWhateverTheBundleOrder() {
        final Cluster cluster = new Nodes().node(Map.of("CPU", 4.0, "GPU", 2.0)).build();
        final BundlePlacementResult result = policy.place(
            List.of(gpus(cluster, 0.4), gpus(cluster, 0.4), gpus(cluster, 0.6), gpus(cluster, 0.6)), cluster);
        assertArrayEquals(new int[] {0, 0, 0, 0}, result.nodePerBundle());
    }

    @Test
    void infeasibleWhenNoNodeHoldsTheSum() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final BundlePlacementResult result = policy.place(
            List.of(cpus(cluster, 2), cpus(cluster, 2), cpus(cluster, 2)), cluster);
        assertEquals("STRICT_PACK needs CPU: 6.0 on one node, the largest node has 4.0", result.reason());
    }

    @Test
    void infeasibleWhenGpuFractionsCannotShareInstances() {
        final Cluster cluster = new Nodes().node(Map.of("GPU", 2.0)).build();
        final BundlePlacementResult result = policy.place(
            List.of(gpus(cluster, 0.6), gpus(cluster, 0.6), gpus(cluster, 0.6)), cluster);
        assertEquals("STRICT_PACK needs GPU: 1.8 on one node; no node can ever hold all 3 bundles together",
            result.reason());
    }

    @Test
    void unavailableWhenTheNodesAreBusy() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        occupy(cluster, 0, 1);
        occupy(cluster, 1, 1);
        assertSame(BundlePlacementResult.unavailable(),
            policy.place(List.of(cpus(cluster, 2), cpus(cluster, 2)), cluster));
    }

    @Test
    void gpuMemoryMustFitPerDeviceNotJustAsANodeTotal() {
        // 3 x 10 GiB fit the node's 32 GiB in all, but each 16 GiB device holds one: infeasible now, not pending.
        final Cluster cluster = new Nodes().gpuNode(16, 16).build();
        final long[] tenGib = Nodes.demand(cluster, Map.of("GPU_memory", 10 * Nodes.GIB));
        final BundlePlacementResult result = policy.place(List.of(tenGib, tenGib, tenGib), cluster);
        assertEquals("STRICT_PACK needs GPU_memory: " + (30L << 30) + ".0 on one node; no node can ever hold all 3 "
            + "bundles together", result.reason());
        assertArrayEquals(new int[] {0, 0}, policy.place(List.of(tenGib, tenGib), cluster).nodePerBundle());
    }

    @Test
    void gpuMemoryPacksOntoDevicesOfDifferentSizesWhateverTheBundleOrder() {
        // An 80 GiB and a 16 GiB device: 12 GiB must go on the small one for 70 GiB to fit the large one.
        final Cluster cluster = new Nodes().gpuNode(80, 16).build();
        final long[] small = Nodes.demand(cluster, Map.of("GPU", 0.5, "GPU_memory", 12 * Nodes.GIB));
        final long[] large = Nodes.demand(cluster, Map.of("GPU", 0.5, "GPU_memory", 70 * Nodes.GIB));
        assertArrayEquals(new int[] {0, 0}, policy.place(List.of(small, large), cluster).nodePerBundle());
        assertArrayEquals(new int[] {0, 0}, policy.place(List.of(large, small), cluster).nodePerBundle());
    }
}
