package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.spi.scheduling.BundlePlacementPolicy;
import io.kairos.spi.scheduling.BundlePlacementResult;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.placement.Nodes.cpus;
import static io.kairos.internal.placement.Nodes.gpus;
import static io.kairos.internal.placement.Nodes.ledger;
import static io.kairos.internal.placement.Nodes.occupy;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementGroupSchedulerTest {
    private final PlacementGroupScheduler scheduler = new PlacementGroupScheduler();

    private static PlacementGroupState group(final PlacementStrategy strategy, final long[]... bundles) {
        return PlacementGroupState.ofDemands(7, "pg", strategy, List.of(bundles));
    }

    private static BundlePlacementPolicy plugin(final PlacementStrategy strategy,
                                                final BiFunction<List<long[]>, ClusterView, BundlePlacementResult> place) {
        return new BundlePlacementPolicy() {
            @Override
            public PlacementStrategy strategy() {
                return strategy;
            }

            @Override
            public BundlePlacementResult place(final List<long[]> bundles, final ClusterView cluster) {
                return place.apply(bundles, cluster);
            }
        };
    }

    @Test
    void createReservesEveryBundleOnItsNode() {
        final Cluster cluster = new Nodes().cpuNodes(4, 4).build();
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_SPREAD, cpus(cluster, 1), cpus(cluster, 2),
            cpus(cluster, 3));
        assertTrue(scheduler.create(pg, cluster));
        assertEquals(PlacementGroupState.Status.CREATED, pg.status());
        for (int b = 0; b < 3; b++) {
            assertEquals(b, pg.bundle(b).index());
            assertEquals(b, pg.bundle(b).node().index());
            assertEquals((3 - b) * SCALE, cluster.logicalNode(b).available(0));
        }
    }

    @Test
    void removeReturnsExactlyWhatWasReserved() {
        final Cluster cluster = new Nodes().node(Map.of("CPU", 4.0, "GPU", 2.0)).node(Map.of("CPU", 4.0, "GPU", 1.0))
            .build();
        final String before = ledger(cluster);
        final PlacementGroupState pg = group(PlacementStrategy.SPREAD, gpus(cluster, 0.4), gpus(cluster, 0.4),
            gpus(cluster, 0.6), gpus(cluster, 1), cpus(cluster, 3));
        assertTrue(scheduler.create(pg, cluster));
        final ResourceAllocation task = pg.bundle(0).allocate(gpus(cluster, 0.4));
        pg.bundle(0).release(task);
        scheduler.remove(pg);
        assertEquals(PlacementGroupState.Status.REMOVED, pg.status());
        assertEquals(before, ledger(cluster));
        scheduler.remove(pg);
        assertEquals(before, ledger(cluster));
    }

    @Test
    void removeRefusesWhileATaskRunsInABundleAndReturnsNothing() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_SPREAD, cpus(cluster, 1), cpus(cluster, 1));
        scheduler.create(pg, cluster);
        final String reserved = ledger(cluster);
        pg.bundle(1).allocate(cpus(cluster, 1));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> scheduler.remove(pg));
        assertEquals("cannot remove placement group 7: bundle 1 on node-1 still has 1 task(s) running in it",
            e.getMessage());
        assertEquals(reserved, ledger(cluster));
        assertEquals(PlacementGroupState.Status.CREATED, pg.status());
    }

    @Test
    void twoHalfGpuBundlesOnOneGpuNodeAndTasksGetTheirBundlesInstance() {
        final Cluster cluster = new Nodes().node(Map.of("CPU", 2.0)).node(Map.of("CPU", 2.0, "GPU", 1.0)).build();
        final PlacementGroupState pg = group(PlacementStrategy.PACK, gpus(cluster, 0.5), gpus(cluster, 0.5));
        assertTrue(scheduler.create(pg, cluster));
        assertEquals(1, pg.bundle(0).node().index());
        assertEquals(1, pg.bundle(1).node().index());
        assertEquals(0, cluster.logicalNode(1).available(GPU));
        final ResourceAllocation task = pg.bundle(1).allocate(gpus(cluster, 0.5));
        assertEquals(0, task.gpuInstance(0));
        assertEquals(SCALE / 2, task.gpuAmount(0));
        assertEquals(pg.bundle(1).reservation().gpuInstance(0), task.gpuInstance(0));
    }

    @Test
    void gpuFractionsInAnyBundleOrderAreReservedAsTheyWerePlaced() {
        final Cluster cluster = new Nodes().node(Map.of("GPU", 2.0)).build();
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_PACK, gpus(cluster, 0.4), gpus(cluster, 0.4),
            gpus(cluster, 0.6), gpus(cluster, 0.6));
        assertTrue(scheduler.create(pg, cluster));
        assertEquals(0, cluster.logicalNode(0).available(GPU));
    }

    @Test
    void gpuMemoryBundlesOnDevicesOfDifferentSizesAreReservedAsTheyWerePlaced() {
        final Cluster cluster = new Nodes().gpuNode(80, 16).build();
        final long[] small = Nodes.demand(cluster, Map.of("GPU", 0.5, "GPU_memory", 12 * Nodes.GIB));
        final long[] large = Nodes.demand(cluster, Map.of("GPU", 0.5, "GPU_memory", 70 * Nodes.GIB));
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_PACK, small, large);
        assertTrue(scheduler.create(pg, cluster));
        assertEquals(0, pg.bundle(1).reservation().gpuInstance(0), "70 GiB on the 80 GiB device");
        assertEquals(1, pg.bundle(0).reservation().gpuInstance(0), "12 GiB on the 16 GiB device");
        assertEquals(14L << 30, Math.round((double) cluster.logicalNode(0).available(ResourceRegistry.GPU_MEMORY)
            / FixedPoint.SCALE));
    }

    @Test
    void aFailedReservationRollsBackEveryBundle() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).node(Map.of("CPU", 4.0, "GPU", 1.0)).build();
        occupy(cluster, 1, 1);
        final String before = ledger(cluster);
        final PlacementGroupScheduler lying = new PlacementGroupScheduler(List.of(plugin(PlacementStrategy.PACK,
            (bundles, view) -> BundlePlacementResult.success(new int[] {2, 1, 0, 1}))));
        final PlacementGroupState pg = group(PlacementStrategy.PACK, gpus(cluster, 0.5), cpus(cluster, 2),
            cpus(cluster, 3), cpus(cluster, 2));
        assertFalse(lying.create(pg, cluster));
        assertEquals(before, ledger(cluster));
        assertEquals(PlacementGroupState.Status.PENDING, pg.status());
        assertTrue(pg.bundles().isEmpty());
    }

    @Test
    void unavailableLeavesTheGroupPending() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        occupy(cluster, 0, 3);
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_SPREAD, cpus(cluster, 2), cpus(cluster, 2));
        assertFalse(scheduler.create(pg, cluster));
        assertEquals(PlacementGroupState.Status.PENDING, pg.status());
    }

    @Test
    void infeasibleMarksTheGroupFailedWithTheReason() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final PlacementGroupState pg = group(PlacementStrategy.STRICT_SPREAD, cpus(cluster, 1), cpus(cluster, 1),
            cpus(cluster, 1), cpus(cluster, 1));
        assertFalse(scheduler.create(pg, cluster));
        assertEquals(PlacementGroupState.Status.FAILED, pg.status());
        assertEquals("placement group 7 'pg': STRICT_SPREAD needs 4 distinct nodes, the cluster has 3",
            pg.failureReason());
        assertThrows(IllegalStateException.class, () -> scheduler.create(pg, cluster));
    }

    @Test
    void aPluginPolicyReplacesTheBuiltInOne() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final PlacementGroupScheduler custom = new PlacementGroupScheduler(List.of(plugin(PlacementStrategy.SPREAD,
            (bundles, view) -> BundlePlacementResult.success(new int[] {2, 2}))));
        final PlacementGroupState pg = group(PlacementStrategy.SPREAD, cpus(cluster, 1), cpus(cluster, 1));
        assertTrue(custom.create(pg, cluster));
        assertEquals(2, pg.bundle(0).node().index());
        assertEquals(2, pg.bundle(1).node().index());
        assertTrue(custom.policy(PlacementStrategy.PACK) instanceof PackBundlePolicy);
    }

    @Test
    void aFaultyPluginAnswerBecomesInfeasibleNamingThePolicy() {
        final Cluster cluster = new Nodes().cpuNodes(3, 4).build();
        final List<BiFunction<List<long[]>, ClusterView, BundlePlacementResult>> faults = List.of(
            (b, v) -> null,
            (b, v) -> {
                throw new IllegalStateException("boom");
            },
            (b, v) -> BundlePlacementResult.success(new int[] {0}),
            (b, v) -> BundlePlacementResult.success(new int[] {0, 3}),
            (b, v) -> BundlePlacementResult.success(new int[] {0, 0}));
        final List<String> reasons = List.of("returned null", "failed: java.lang.IllegalStateException: boom",
            "placed 1 bundles of 2", "chose node 3 for bundle 1; the cluster has nodes 0..2",
            "put two bundles on one node: [0, 0]");
        for (int i = 0; i < faults.size(); i++) {
            final BundlePlacementPolicy policy = plugin(PlacementStrategy.STRICT_SPREAD, faults.get(i));
            final BundlePlacementResult result = new PlacementGroupScheduler(List.of(policy))
                .place(group(PlacementStrategy.STRICT_SPREAD, cpus(cluster, 1), cpus(cluster, 1)), cluster);
            assertEquals("bundle placement policy " + policy.getClass().getName() + " " + reasons.get(i)
                + " for STRICT_SPREAD", result.reason());
        }
    }

    @Test
    void aPluginGetsCopiesOfTheDemands() {
        final Cluster cluster = new Nodes().cpuNodes(2, 4).build();
        final PlacementGroupState pg = group(PlacementStrategy.PACK, cpus(cluster, 1));
        new PlacementGroupScheduler(List.of(plugin(PlacementStrategy.PACK, (bundles, view) -> {
            bundles.get(0)[0] = 99;
            return BundlePlacementResult.unavailable();
        }))).place(pg, cluster);
        assertEquals(SCALE, pg.bundleDemand(0)[0]);
    }

    @Test
    void twoPluginsForOneStrategyAreRejected() {
        final BundlePlacementPolicy a = plugin(PlacementStrategy.PACK, (b, v) -> BundlePlacementResult.unavailable());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new PlacementGroupScheduler(List.of(a, a)));
        assertTrue(e.getMessage().endsWith("both serve PACK"), e.getMessage());
    }

    @Test
    void removingAPendingGroupMarksItRemoved() {
        final Cluster cluster = new Nodes().cpuNodes(1, 4).build();
        occupy(cluster, 0, 4);
        final PlacementGroupState pg = group(PlacementStrategy.PACK, cpus(cluster, 1));
        assertSame(BundlePlacementResult.unavailable(), scheduler.place(pg, cluster));
        scheduler.remove(pg);
        assertEquals(PlacementGroupState.Status.REMOVED, pg.status());
    }
}
