package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.BundlePlacementResult;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.kairos.internal.placement.Nodes.ledger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the built-in policies place, the scheduler reserves: seeded random clusters, bundles and busy nodes. */
class PlacementConsistencyTest {
    private static final double[] GPU_SIZES = {0, 0, 0.1, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 1, 2};

    private static final double[] DEVICE_GIB = {8, 16, 24};
    private static final double[] MEMORY_GIB = {0, 0, 0, 4, 6, 8, 12, 20};

    @Test
    void everySuccessfulPlacementReservesAndRemovesExactly() {
        assertTrue(run(false) > 300);
    }

    @Test
    void withGpuMemoryOnDevicesOfDifferentSizesToo() {
        assertTrue(run(true) > 250);
    }

    /** Returns how many groups were created. */
    private static int run(final boolean gpuMemory) {
        final SplittableRandom random = new SplittableRandom(42);
        int created = 0;
        for (int round = 0; round < 400; round++) {
            final Nodes nodes = new Nodes();
            final int nodeCount = 1 + random.nextInt(4);
            for (int i = 0; i < nodeCount; i++) {
                final int gpus = random.nextInt(4);
                if (gpuMemory && gpus > 0) {
                    final double[] devices = new double[gpus];
                    for (int d = 0; d < gpus; d++) {
                        devices[d] = DEVICE_GIB[random.nextInt(DEVICE_GIB.length)];
                    }
                    nodes.gpuNode(devices);
                } else {
                    nodes.node(Map.of("CPU", (double) (1 + random.nextInt(8)), "GPU", (double) gpus));
                }
            }
            final Cluster cluster = nodes.build(random.nextInt(nodeCount));
            final PlacementGroupScheduler scheduler = new PlacementGroupScheduler();
            final List<PlacementGroupState> groups = new ArrayList<>();
            for (int g = 0; g < 4; g++) {
                final List<Map<String, Double>> bundles = new ArrayList<>();
                final int count = 1 + random.nextInt(5);
                for (int b = 0; b < count; b++) {
                    final double memory = gpuMemory ? MEMORY_GIB[random.nextInt(MEMORY_GIB.length)] * Nodes.GIB : 0;
                    bundles.add(Map.of("CPU", (double) random.nextInt(3), "GPU",
                        GPU_SIZES[random.nextInt(GPU_SIZES.length)], "GPU_memory", memory));
                }
                if (bundles.stream().anyMatch(m -> m.values().stream().allMatch(v -> v == 0))) {
                    continue;
                }
                final PlacementStrategy strategy = PlacementStrategy.values()[random.nextInt(4)];
                final PlacementGroupState pg = PlacementGroupState.create(g, null, strategy, bundles, cluster.registry());
                final String before = ledger(cluster);
                final BundlePlacementResult placed = scheduler.place(pg, cluster);
                final boolean made = scheduler.reserve(pg, cluster, placed);
                assertEquals(placed.isSuccess(), made, () -> pg + " " + bundles + " placed " + placed + " on " + before);
                if (made) {
                    created++;
                    groups.add(pg);
                } else {
                    assertEquals(before, ledger(cluster));
                }
            }
            for (int i = groups.size() - 1; i >= 0; i--) {
                scheduler.remove(groups.get(i));
            }
            final Nodes fresh = new Nodes();
            for (int i = 0; i < nodeCount; i++) {
                fresh.copyOf(cluster.logicalNode(i));
            }
            assertEquals(ledger(fresh.build()), ledger(cluster));
        }
        return created;
    }
}
