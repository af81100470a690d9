package io.kairos.internal.placement;

import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.kairos.spi.scheduling.FixedPoint.SCALE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementGroupStateTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    private String rejection(final PlacementStrategy strategy, final List<Map<String, Double>> bundles) {
        return assertThrows(IllegalArgumentException.class,
            () -> PlacementGroupState.create(1, "pg", strategy, bundles, registry)).getMessage();
    }

    @Test
    void convertsBundlesToFixedPointAndStartsPending() {
        final PlacementGroupState pg = PlacementGroupState.create(5, "train", PlacementStrategy.STRICT_PACK,
            List.of(Map.of("CPU", 1.0, "GPU", 0.5), Map.of("CPU", 2.0)), registry);
        assertEquals(5, pg.id());
        assertEquals("train", pg.name());
        assertEquals(PlacementStrategy.STRICT_PACK, pg.strategy());
        assertEquals(2, pg.bundleCount());
        assertArrayEquals(new long[] {SCALE, SCALE / 2, 0, 0, 0}, pg.bundleDemand(0));
        assertEquals(PlacementGroupState.Status.PENDING, pg.status());
        assertTrue(pg.bundles().isEmpty());
        assertThrows(IllegalStateException.class, () -> pg.bundle(0));
    }

    @Test
    void rejectsAnEmptyBundleList() {
        assertEquals("bundles must hold at least one bundle, was empty", rejection(PlacementStrategy.PACK, List.of()));
        assertEquals("bundles must be a list of at least one bundle, was null", rejection(PlacementStrategy.PACK, null));
    }

    @Test
    void rejectsABundleThatAsksForNothing() {
        assertEquals("bundle 2 asks for nothing", rejection(PlacementStrategy.PACK,
            List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of())));
        assertEquals("bundle 1 asks for nothing", rejection(PlacementStrategy.PACK,
            List.of(Map.of("CPU", 1.0), Map.of("CPU", 0.0, "GPU", 0.0))));
    }

    @Test
    void rejectsAnUnknownResourceNamingTheBundle() {
        assertEquals("bundle 0: unknown resource 'TPU'; known: CPU, GPU, memory, object_store_memory, GPU_memory",
            rejection(PlacementStrategy.PACK, List.of(Map.of("TPU", 1.0))));
    }

    @Test
    void rejectsABadAmountNamingTheBundle() {
        assertEquals("bundle 0: resource 'CPU' amount -1.0 is outside 0..70368744177664",
            rejection(PlacementStrategy.PACK, List.of(Map.of("CPU", -1.0))));
        assertEquals("bundle 0: GPU 1.5: amounts above 1 must be whole numbers",
            rejection(PlacementStrategy.PACK, List.of(Map.of("GPU", 1.5))));
    }

    @Test
    void rejectsMoreThan4096Bundles() {
        final List<Map<String, Double>> bundles = new ArrayList<>(Collections.nCopies(4097, Map.of("CPU", 1.0)));
        assertEquals("bundles holds 4097 bundles; the limit is 4096", rejection(PlacementStrategy.SPREAD, bundles));
        PlacementGroupState.create(1, null, PlacementStrategy.SPREAD, bundles.subList(0, 4096), registry);
    }

    @Test
    void rejectsANullStrategy() {
        assertEquals("strategy must be one of PACK, SPREAD, STRICT_PACK, STRICT_SPREAD, was null",
            rejection(null, List.of(Map.of("CPU", 1.0))));
    }

    @Test
    void fixedPointBundlesAreValidatedToo() {
        assertEquals("bundle 0 resource #0 amount -5 is negative", assertThrows(IllegalArgumentException.class,
            () -> PlacementGroupState.ofDemands(1, "", PlacementStrategy.PACK, List.of(new long[] {-5}))).getMessage());
        assertEquals("bundle 0 asks for nothing", assertThrows(IllegalArgumentException.class,
            () -> PlacementGroupState.ofDemands(1, "", PlacementStrategy.PACK, List.of(new long[4]))).getMessage());
    }

    @Test
    void aFailedGroupKeepsItsReason() {
        final PlacementGroupState pg = PlacementGroupState.create(1, null, PlacementStrategy.PACK,
            List.of(Map.of("CPU", 1.0)), registry);
        pg.markFailed("no room ever");
        assertEquals(PlacementGroupState.Status.FAILED, pg.status());
        assertEquals("no room ever", pg.failureReason());
        assertEquals("", pg.name());
        assertThrows(IllegalStateException.class, () -> pg.markFailed("again"));
    }
}
