package io.kairos.cluster.aeron;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.kairos.cluster.aeron.PlacementGroupTable.Group;
import io.kairos.cluster.aeron.PlacementGroupTable.GroupState;
import io.kairos.cluster.aeron.PlacementGroupTable.Reservation;
import io.kairos.cluster.aeron.PlacementGroupTable.Strategy;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class PlacementGroupTableTest {
    private static final Map<String, Long> CPU1 = Map.of("CPU", 10_000L);
    private static final List<Map<String, Long>> THREE_CPU1 = List.of(CPU1, CPU1, CPU1);

    private final ControlState state = new ControlState();
    private final PlacementGroupTable pgs = state.placementGroups();

    @BeforeEach
    void threeNodesOfTwoCpus() {
        for (long n = 1; n <= 3; n++) {
            state.registerNode(n, Map.of("CPU", 20_000L, "GPU", 10_000L), Map.of(), 0);
        }
    }

    private static ControlStatus refused(final Runnable command) {
        return assertThrows(ControlRejection.class, command::run).status();
    }

    @Test
    void twoPhaseReservationCreatesTheGroup() {
        pgs.create(7, "train", Strategy.STRICT_SPREAD, THREE_CPU1);
        assertEquals(GroupState.PENDING, pgs.group(7).state());
        assertSame(pgs.group(7), pgs.byName("train"));

        pgs.prepare(state, 7, Map.of(0, 1L, 1, 2L, 2, 3L));
        final Group prepared = pgs.group(7);
        assertEquals(GroupState.PREPARED, prepared.state());
        assertEquals(Reservation.PREPARED, prepared.bundles().get(2).reservation());
        assertEquals(3, prepared.bundles().get(2).nodeId());
        assertEquals(Map.of("CPU", 10_000L), pgs.reservedOn(2));

        pgs.commit(7);
        assertEquals(GroupState.CREATED, pgs.group(7).state());
        assertTrue(pgs.group(7).bundles().stream().allMatch(b -> b.reservation() == Reservation.COMMITTED));

        pgs.remove(7);
        assertNull(pgs.group(7));
        assertNull(pgs.byName("train"));
        assertEquals(Map.of(), pgs.reservedOn(1));
        assertEquals(ControlStatus.NOT_FOUND, refused(() -> pgs.remove(7)));
    }

    @Test
    void strictSpreadRefusesTwoBundlesOnOneNodeAndPreparesNothing() {
        pgs.create(1, "", Strategy.STRICT_SPREAD, THREE_CPU1);
        final ControlRejection twice = assertThrows(ControlRejection.class,
            () -> pgs.prepare(state, 1, Map.of(0, 1L, 1, 2L, 2, 1L)));
        assertEquals(ControlStatus.CONFLICT, twice.status());
        assertTrue(twice.getMessage().contains("STRICT_SPREAD needs distinct nodes"), twice.getMessage());
        assertEquals(GroupState.PENDING, pgs.group(1).state());
        assertTrue(pgs.group(1).bundles().stream().allMatch(b -> b.reservation() == Reservation.UNRESERVED));
        assertEquals(Map.of(), pgs.reservedOn(1));

        // bundle by bundle, the constraint holds across prepares too
        pgs.prepare(state, 1, Map.of(0, 1L));
        assertEquals(ControlStatus.CONFLICT, refused(() -> pgs.prepare(state, 1, Map.of(1, 1L))));
        assertEquals(ControlStatus.CONFLICT, refused(() -> pgs.commit(1)), "bundles 1 and 2 are not prepared");
        pgs.prepare(state, 1, Map.of(1, 2L, 2, 3L));
        pgs.commit(1);
        assertEquals(GroupState.CREATED, pgs.group(1).state());
    }

    @Test
    void strictPackNeedsOneNodeAndRoomThere() {
        pgs.create(2, "", Strategy.STRICT_PACK, THREE_CPU1);
        final ControlRejection split = assertThrows(ControlRejection.class,
            () -> pgs.prepare(state, 2, Map.of(0, 1L, 1, 1L, 2, 2L)));
        assertTrue(split.getMessage().contains("STRICT_PACK needs one node"), split.getMessage());
        final ControlRejection full = assertThrows(ControlRejection.class,
            () -> pgs.prepare(state, 2, Map.of(0, 1L, 1, 1L, 2, 1L)));
        assertEquals(ControlStatus.CONFLICT, full.status());
        assertTrue(full.getMessage().contains("no room") && full.getMessage().contains("'CPU' 30000 > total 20000"),
            full.getMessage());
        pgs.create(3, "", Strategy.PACK, List.of(Map.of("TPU", 1L)));
        assertTrue(assertThrows(ControlRejection.class, () -> pgs.prepare(state, 3, Map.of(0, 1L))).getMessage()
            .contains("'TPU' 1 > total 0"));
    }

    @Test
    void abortReleasesPreparedBundlesOnly() {
        pgs.create(4, "", Strategy.SPREAD, THREE_CPU1);
        pgs.create(6, "", Strategy.PACK, List.of(CPU1));
        pgs.prepare(state, 6, Map.of(0, 3L));
        pgs.commit(6);
        pgs.prepare(state, 4, Map.of(0, 1L, 1, 1L));
        assertEquals(Map.of("CPU", 20_000L), pgs.reservedOn(1), "node 1 is full");
        assertEquals(ControlStatus.CONFLICT, refused(() -> pgs.prepare(state, 4, Map.of(2, 1L))));
        pgs.abort(6); // nothing prepared there: the committed bundle stays
        assertEquals(GroupState.CREATED, pgs.group(6).state());
        assertEquals(2, pgs.abort(4));
        assertEquals(GroupState.PENDING, pgs.group(4).state());
        assertEquals(Map.of(), pgs.reservedOn(1));
        assertEquals(Map.of("CPU", 10_000L), pgs.reservedOn(3));
        pgs.prepare(state, 4, Map.of(0, 1L, 1, 2L, 2, 2L));
        pgs.commit(4);
        assertEquals(GroupState.CREATED, pgs.group(4).state());
    }

    @Test
    void nodeDeathReleasesItsBundlesForRescheduling() {
        pgs.create(5, "", Strategy.STRICT_SPREAD, List.of(CPU1, CPU1));
        pgs.prepare(state, 5, Map.of(0, 1L, 1, 2L));
        pgs.commit(5);
        state.heartbeat(1, Map.of(), 10_000);
        state.heartbeat(3, Map.of(), 10_000);
        assertEquals(1, state.expire(10_000, 5_000), "node 2 is silent");
        final Group group = pgs.group(5);
        assertEquals(GroupState.RESCHEDULING, group.state());
        assertEquals(Reservation.UNRESERVED, group.bundles().get(1).reservation());
        assertEquals(Reservation.COMMITTED, group.bundles().get(0).reservation());
        assertEquals(Map.of(), pgs.reservedOn(2));
        assertEquals(ControlStatus.CONFLICT, refused(() -> pgs.prepare(state, 5, Map.of(1, 2L))), "node 2 is dead");
        assertEquals(ControlStatus.NOT_FOUND, refused(() -> pgs.prepare(state, 5, Map.of(1, 9L))));
        pgs.prepare(state, 5, Map.of(1, 3L));
        pgs.commit(5);
        assertEquals(GroupState.CREATED, pgs.group(5).state());
        state.deregisterNode(3, 0);
        assertEquals(GroupState.RESCHEDULING, pgs.group(5).state());
    }

    @Test
    void limitsAndConflictsNameTheField() {
        assertTrue(assertThrows(ControlRejection.class, () -> pgs.create(1, "", Strategy.PACK, List.of()))
            .getMessage().startsWith("bundles: none"));
        assertEquals("bundle 1: no resources", assertThrows(ControlRejection.class,
            () -> pgs.create(1, "", Strategy.PACK, List.of(CPU1, Map.of()))).getMessage());
        assertEquals("bundle 0 resource 'CPU': amount must be > 0, was 0", assertThrows(ControlRejection.class,
            () -> pgs.create(1, "", Strategy.PACK, List.of(Map.of("CPU", 0L)))).getMessage());
        final List<Map<String, Long>> tooMany = java.util.Collections.nCopies(PlacementGroupTable.MAX_BUNDLES + 1, CPU1);
        assertEquals("bundles: 1001 entries, limit 1000", assertThrows(ControlRejection.class,
            () -> pgs.create(1, "", Strategy.PACK, tooMany)).getMessage());
        assertTrue(assertThrows(ControlRejection.class, () -> pgs.create(1, "x".repeat(257), Strategy.PACK,
            List.of(CPU1))).getMessage().startsWith("placement group name: 257 bytes, limit 256"));
        pgs.create(1, "a", Strategy.PACK, List.of(CPU1));
        assertEquals(ControlStatus.CONFLICT, refused(() -> pgs.create(1, "b", Strategy.PACK, List.of(CPU1))));
        assertEquals("placement group name 'a' is taken by group 1", assertThrows(ControlRejection.class,
            () -> pgs.create(2, "a", Strategy.PACK, List.of(CPU1))).getMessage());
        assertEquals("bundle index 3 outside 0..0 of group 1", assertThrows(ControlRejection.class,
            () -> pgs.prepare(state, 1, Map.of(3, 1L))).getMessage());
        assertEquals(1, pgs.size());
    }

    @Test
    void snapshotKeepsGroupsAndReservations() {
        final SplittableRandom random = new SplittableRandom(42);
        for (long id = 1; id <= 50; id++) {
            final Strategy strategy = Strategy.values()[random.nextInt(4)];
            pgs.create(id, id % 3 == 0 ? "pg-" + id : "", strategy,
                List.of(Map.of("CPU", 1L + random.nextInt(100)), Map.of("GPU", 1L + random.nextInt(100))));
            if (id % 2 == 0) {
                pgs.prepare(state, id, Map.of(0, 1L, 1, strategy == Strategy.STRICT_PACK ? 1L : 2L));
                if (id % 4 == 0) {
                    pgs.commit(id);
                }
            }
        }
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final int length = state.writeSnapshot(buffer, 0);
        final ControlState loaded = new ControlState();
        loaded.loadSnapshot(buffer, 0, length);
        assertEquals(state, loaded);
        assertEquals(pgs.reservedOn(1), loaded.placementGroups().reservedOn(1));
        assertSame(loaded.placementGroups().group(9), loaded.placementGroups().byName("pg-9"));
    }
}
