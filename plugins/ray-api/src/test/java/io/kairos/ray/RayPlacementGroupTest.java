package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.PlacementGroups;
import io.ray.api.Ray;
import io.ray.api.id.PlacementGroupId;
import io.ray.api.options.PlacementGroupCreationOptions;
import io.ray.api.placementgroup.PlacementGroup;
import io.ray.api.placementgroup.PlacementGroupState;
import io.ray.api.placementgroup.PlacementStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement groups as Ray's Java documentation shows them (docs.ray.io, "Placement Groups"). */
class RayPlacementGroupTest {
    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    static PlacementGroup create(final String name, final PlacementStrategy strategy, final int bundles) {
        final List<Map<String, Double>> list = new java.util.ArrayList<>();
        for (int i = 0; i < bundles; i++) {
            list.add(Map.of("CPU", 1.0));
        }
        return PlacementGroups.createPlacementGroup(new PlacementGroupCreationOptions.Builder()
            .setName(name).setBundles(list).setStrategy(strategy).build());
    }

    static String node() {
        return io.kairos.TaskContext.current().nodeId();
    }

    public static class Holder {
        public Holder() {
        }

        public double cpu() {
            return io.kairos.TaskContext.current().resources().getOrDefault("CPU", 0.0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = PlacementStrategy.class, names = {"PACK", "SPREAD", "STRICT_PACK"})
    void aGroupIsCreatedOnOneNodeForEachStrategyThatAllowsIt(final PlacementStrategy strategy) {
        final PlacementGroup pg = create(null, strategy, 2);
        assertTrue(pg.wait(5));
        assertEquals(PlacementGroupState.CREATED, pg.getState());
        assertEquals(strategy, pg.getStrategy());
        assertEquals(List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)), pg.getBundles());
        PlacementGroups.removePlacementGroup(pg.getId());
        assertEquals(PlacementGroupState.REMOVED, pg.getState());
    }

    @Test
    void strictSpreadOverMoreBundlesThanNodesStaysPending() {
        final PlacementGroup pg = create(null, PlacementStrategy.STRICT_SPREAD, 2);
        assertFalse(pg.wait(1));
        assertEquals(PlacementGroupState.PENDING, pg.getState());
        PlacementGroups.removePlacementGroup(pg.getId());
    }

    @Test
    void groupsAreFoundByIdByNameAndInTheList() {
        final PlacementGroup pg = create("named-pg", PlacementStrategy.PACK, 1);
        assertTrue(pg.wait(5));
        assertSame(pg, PlacementGroups.getPlacementGroup(pg.getId()));
        assertSame(pg, PlacementGroups.getPlacementGroup("named-pg"));
        assertSame(pg, PlacementGroups.getPlacementGroup("named-pg", "kairos-test"));
        assertNull(PlacementGroups.getPlacementGroup("named-pg", "elsewhere"));
        assertEquals("named-pg", pg.getName());
        assertTrue(PlacementGroups.getAllPlacementGroups().contains(pg));
        assertTrue(Ray.internal().waitPlacementGroupReady(pg.getId(), 1));
        PlacementGroups.removePlacementGroup(pg.getId());
        assertNull(PlacementGroups.getPlacementGroup("named-pg"), "a removed group has no name any more");
        assertEquals(PlacementGroupState.REMOVED, PlacementGroups.getPlacementGroup(pg.getId()).getState());
        assertThrows(io.ray.api.exception.RayException.class,
            () -> PlacementGroups.removePlacementGroup(PlacementGroupId.fromRandom()));
    }

    @Test
    void tasksAndActorsRunInABundle() {
        final PlacementGroup pg = create(null, PlacementStrategy.PACK, 2);
        assertTrue(pg.wait(5));
        assertEquals("node-0", Ray.task(RayPlacementGroupTest::node).setPlacementGroup(pg, 1).remote().get());
        assertEquals("node-0", Ray.task(RayPlacementGroupTest::node).setPlacementGroup(pg).remote().get());
        final ActorHandle<Holder> holder = Ray.actor(Holder::new).setResource("CPU", 1.0).setPlacementGroup(pg, 0)
            .remote();
        assertEquals(1.0, holder.task(Holder::cpu).remote().get());
        PlacementGroups.removePlacementGroup(pg.getId());
    }

    @Test
    void aTaskNeedingMoreThanItsBundleIsRefused() {
        final PlacementGroup pg = create(null, PlacementStrategy.PACK, 1);
        assertTrue(pg.wait(5));
        assertThrows(RuntimeException.class, () -> Ray.task(RayPlacementGroupTest::node)
            .setResource("CPU", 2.0).setPlacementGroup(pg, 0).remote().get(2000));
        PlacementGroups.removePlacementGroup(pg.getId());
    }
}
