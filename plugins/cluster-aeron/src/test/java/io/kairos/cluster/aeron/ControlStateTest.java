package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class ControlStateTest {
    private static final Map<String, Long> CPU4 = Map.of("CPU", 40_000L, "GPU", 10_000L);

    private final ControlState state = new ControlState();

    @Test
    void registerHeartbeatAndExpireWithExplicitTimes() {
        state.registerNode(1, CPU4, Map.of("zone", "a"), 1_000);
        state.registerNode(2, CPU4, Map.of(), 1_000);
        state.heartbeat(1, Map.of("CPU", 20_000L), 4_000);

        assertEquals(0, state.expire(6_000, ControlState.DEFAULT_NODE_TIMEOUT_MS), "exactly 5 s old is not expired");
        assertEquals(1, state.expire(6_001, ControlState.DEFAULT_NODE_TIMEOUT_MS));
        assertFalse(state.node(2).alive());
        assertTrue(state.node(1).alive());
        assertEquals(20_000L, state.node(1).availableResources().get("CPU"));
        assertEquals(10_000L, state.node(1).availableResources().get("GPU"));
        assertEquals(4_000, state.node(1).lastHeartbeatMs());

        final ControlRejection dead = assertThrows(ControlRejection.class, () -> state.heartbeat(2, Map.of(), 7_000));
        assertEquals(ControlStatus.CONFLICT, dead.status());
        state.registerNode(2, CPU4, Map.of(), 7_000); // a dead node may come back by registering again
        assertTrue(state.node(2).alive());

        assertEquals(ControlStatus.CONFLICT,
            assertThrows(ControlRejection.class, () -> state.registerNode(1, CPU4, Map.of(), 7_000)).status());
        state.deregisterNode(1, 7_000);
        assertNull(state.node(1));
        assertEquals(ControlStatus.NOT_FOUND, assertThrows(ControlRejection.class, () -> state.deregisterNode(1, 7_000)).status());
    }

    @Test
    void heartbeatOutsideDeclaredResourcesIsRejectedAndChangesNothing() {
        state.registerNode(1, CPU4, Map.of(), 0);
        final ControlRejection over = assertThrows(ControlRejection.class,
            () -> state.heartbeat(1, Map.of("CPU", 50_000L), 10));
        assertEquals(ControlStatus.INVALID, over.status());
        assertTrue(over.getMessage().contains("CPU"), over.getMessage());
        assertEquals(ControlStatus.INVALID,
            assertThrows(ControlRejection.class, () -> state.heartbeat(1, Map.of("TPU", 1L), 10)).status());
        assertEquals(0, state.node(1).lastHeartbeatMs());
        assertEquals(40_000L, state.node(1).availableResources().get("CPU"));
    }

    @Test
    void actorNameConflictNamesTheHolder() {
        state.registerNode(1, CPU4, Map.of(), 0);
        state.registerActor("counter", 1, 77);
        final ControlRejection taken = assertThrows(ControlRejection.class, () -> state.registerActor("counter", 1, 78));
        assertEquals(ControlStatus.CONFLICT, taken.status());
        assertTrue(taken.getMessage().contains("'counter'") && taken.getMessage().contains("77"), taken.getMessage());
        assertEquals(new ControlState.Actor("counter", 1, 77), state.lookupActor("counter"));

        assertEquals(ControlStatus.NOT_FOUND,
            assertThrows(ControlRejection.class, () -> state.registerActor("other", 9, 1)).status());
        state.removeActor("counter");
        assertNull(state.lookupActor("counter"));
        assertEquals(ControlStatus.NOT_FOUND, assertThrows(ControlRejection.class, () -> state.removeActor("counter")).status());
        assertEquals(ControlStatus.INVALID, assertThrows(ControlRejection.class, () -> state.registerActor("", 1, 1)).status());
    }

    @Test
    void theNamesAMemberClaimedAndWhereTheyLiveGoWithTheMember() {
        state.registerNode(1, CPU4, Map.of(), 0);
        state.registerNode(2, CPU4, Map.of(), 0);
        state.registerActor("by-one", 1, 0);
        state.registerActor("by-two", 2, 0);
        state.kvPut(ControlState.ACTOR_LOCATION_PREFIX + "by-one", "node-3\n7".getBytes(StandardCharsets.UTF_8));
        state.kvPut(ControlState.ACTOR_LOCATION_PREFIX + "by-two", "node-3\n8".getBytes(StandardCharsets.UTF_8));
        state.kvPut("other", new byte[] {1});
        state.heartbeat(2, Map.of(), 10_000);
        assertEquals(1, state.expire(10_000, 5_000), "node 1 missed its heartbeats");
        assertNull(state.lookupActor("by-one"), "its claim ended with it");
        assertNull(state.kvGet(ControlState.ACTOR_LOCATION_PREFIX + "by-one"), "and where it lived");
        assertEquals(new ControlState.Actor("by-two", 2, 0), state.lookupActor("by-two"));
        state.deregisterNode(2, 10_000);
        assertNull(state.lookupActor("by-two"), "a member that leaves takes its claims along");
        assertNull(state.kvGet(ControlState.ACTOR_LOCATION_PREFIX + "by-two"));
        assertArrayEquals(new byte[] {1}, state.kvGet("other"));
        state.registerNode(3, CPU4, Map.of(), 10_000);
        state.registerActor("by-one", 3, 0);  // free again
    }

    @Test
    void kvLimitsGiveClearErrors() {
        state.kvPut("k", "v1".getBytes(StandardCharsets.UTF_8));
        state.kvPut("k", "value2".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("value2".getBytes(StandardCharsets.UTF_8), state.kvGet("k"));
        assertEquals(1 + 6, state.kvBytes());

        final ControlRejection big = assertThrows(ControlRejection.class,
            () -> state.kvPut("big", new byte[ControlState.MAX_VALUE_BYTES + 1]));
        assertEquals(ControlStatus.INVALID, big.status());
        assertTrue(big.getMessage().contains("limit " + ControlState.MAX_VALUE_BYTES), big.getMessage());
        final ControlRejection longKey = assertThrows(ControlRejection.class,
            () -> state.kvPut("x".repeat(ControlState.MAX_NAME_BYTES + 1), new byte[1]));
        assertTrue(longKey.getMessage().startsWith("key:"), longKey.getMessage());
        assertNull(state.kvGet("big"));

        state.kvDelete("k");
        assertNull(state.kvGet("k"));
        assertEquals(0, state.kvBytes());
        assertEquals(ControlStatus.NOT_FOUND, assertThrows(ControlRejection.class, () -> state.kvDelete("k")).status());
    }

    @Test
    void snapshotRoundTripGivesAnEqualState() {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 50; i++) {
            state.registerNode(i, Map.of("CPU", 10_000L * (1 + random.nextInt(64)), "mem", random.nextLong(1L << 40)),
                Map.of("zone", "z" + random.nextInt(3), "rack", "r" + i), i);
            state.registerActor("actor-" + i, i, random.nextLong());
            final byte[] value = new byte[random.nextInt(200)];
            random.nextBytes(value);
            state.kvPut("key-" + i, value);
        }
        state.heartbeat(3, Map.of("CPU", 0L), 100);
        state.expire(5_020, 5_000);

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = state.writeSnapshot(buffer, 5);
        final ControlState loaded = new ControlState();
        loaded.loadSnapshot(buffer, 5, length);
        assertEquals(state, loaded);
        assertEquals(state.hashCode(), loaded.hashCode());
        assertTrue(loaded.node(3).alive());
        assertFalse(loaded.node(4).alive());

        loaded.kvPut("key-0", new byte[] {1});
        assertNotEquals(state, loaded);
    }

    /** A snapshot as versions 2 (no placement groups) and 3 (no jobs) wrote it: one node, one actor, one key. */
    private static int olderSnapshot(final ExpandableArrayBuffer buffer, final int version) {
        final ControlCodec.Writer w = new ControlCodec.Writer().wrap(buffer, 0);
        w.putInt(0x3153434B).putInt(version).putLong(3).putInt(1);
        w.putLong(9).putString("driver-a").putString("localhost:4000").putLong(1_234).putByte((byte)1).putInt(1)
            .putString("CPU").putLong(10_000).putLong(5_000).putInt(1).putString("zone").putString("a");
        w.putInt(1).putString("counter").putLong(9).putLong(77);
        w.putInt(1).putString("k").putBytes(new byte[] {1, 2});
        if (version >= 3) {
            w.putInt(0);  // placement groups
        }
        return w.length();
    }

    @Test
    void snapshotsOfVersionsTwoAndThreeLoadWithNoJobs() {
        for (final int version : new int[] {2, 3}) {
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            final int length = olderSnapshot(buffer, version);
            final ControlState loaded = new ControlState();
            loaded.loadSnapshot(buffer, 0, length);
            final ControlState expected = new ControlState();
            expected.registerNode(9, "driver-a", "localhost:4000", Map.of("CPU", 10_000L), Map.of("zone", "a"), 1_234);
            expected.heartbeat(9, Map.of("CPU", 5_000L), 1_234);
            expected.registerActor("counter", 9, 77);
            expected.kvPut("k", new byte[] {1, 2});
            expected.registerNode(10, Map.of(), Map.of(), 0);
            expected.deregisterNode(10, 0);  // membership version 3, as written
            assertEquals(expected, loaded, "version " + version);
            assertEquals(0, loaded.jobs().size());
            loaded.jobs().register(loaded, 9, "Main", 2_000);  // and the loaded state takes jobs from then on
            assertEquals(JobTable.Status.RUNNING, loaded.jobs().job(9).status());

            buffer.putInt(4, 5, java.nio.ByteOrder.LITTLE_ENDIAN);
            final IllegalStateException future = assertThrows(IllegalStateException.class,
                () -> new ControlState().loadSnapshot(buffer, 0, length));
            assertTrue(future.getMessage().contains("version 2 to 4"), future.getMessage());
        }
    }

    @Test
    void corruptSnapshotIsRefusedAndLeavesStateUnchanged() {
        state.kvPut("k", new byte[] {1, 2});
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = state.writeSnapshot(buffer, 0);
        final ControlState target = new ControlState();
        target.kvPut("mine", new byte[] {9});
        final ControlState before = new ControlState();
        before.kvPut("mine", new byte[] {9});

        assertThrows(IllegalStateException.class, () -> target.loadSnapshot(buffer, 0, length - 1));
        assertThrows(IllegalStateException.class, () -> target.loadSnapshot(new UnsafeBuffer(new byte[16]), 0, 16));
        assertEquals(before, target);
    }

    @Test
    void aNewLeaderGivesEveryLiveNodeAFullTimeout() {
        final ControlState state = new ControlState();
        state.registerNode(1, java.util.Map.of("CPU", 10_000L), java.util.Map.of(), 0);
        state.registerNode(2, java.util.Map.of("CPU", 10_000L), java.util.Map.of(), 0);
        assertEquals(2, state.expire(6_000, 5_000), "both expire without a new leader");
        final ControlState fresh = new ControlState();
        fresh.registerNode(1, java.util.Map.of("CPU", 10_000L), java.util.Map.of(), 0);
        fresh.touchAlive(4_000);  // the election took place at 4 s: heartbeats count from there
        assertEquals(0, fresh.expire(6_000, 5_000));
        assertEquals(1, fresh.expire(9_001, 5_000));
    }
}
