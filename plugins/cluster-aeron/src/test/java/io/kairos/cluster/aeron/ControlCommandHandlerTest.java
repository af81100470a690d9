package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.kairos.cluster.aeron.ControlCodec.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(20)
class ControlCommandHandlerTest {
    private final ControlState state = new ControlState();
    private final ControlCommandHandler handler = new ControlCommandHandler(state);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);

    private int apply(final int length, final long timeMs) {
        return handler.onCommand(command, 0, length, timeMs);
    }

    private ControlStatus status() {
        return replyStatus(handler.replyBuffer(), 0);
    }

    private String errorMessage(final int replyLength) {
        return new ControlCodec.Reader().wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH,
            replyLength - REPLY_HEADER_LENGTH).readString("message", 1 << 16);
    }

    /** 2,000 nodes of ~450 bytes each: the table comes in pages of about LISTING_PAGE_BYTES, whole, in id order. */
    @Test
    void theNodeTableIsListedInPagesOfBoundedSize() {
        final Map<String, String> labels = new java.util.TreeMap<>();
        for (int i = 0; i < 8; i++) {
            labels.put("label-" + i, "a value of some thirty bytes, " + i);
        }
        for (long id = 1; id <= 2_000; id++) {
            apply(encodeRegisterNode(command, 0, id, id * 7, "node-" + id, "localhost:" + (40_000 + id),
                Map.of("CPU", 40_000L, "GPU", 10_000L), labels), 100);
            assertEquals(ControlStatus.OK, status());
        }
        final List<Long> seen = new java.util.ArrayList<>();
        long from = Long.MIN_VALUE;
        int pages = 0;
        for (boolean more = true; more; pages++) {
            final int length = apply(encodeNodeCommand(command, 0, LIST_NODES, 9_000 + pages, from), 200);
            assertEquals(ControlStatus.OK, status());
            assertTrue(length < LISTING_PAGE_BYTES + 1_024, "page " + pages + " is " + length + " bytes");
            final NodeListing.Page page = NodeListing.readPage(new ControlCodec.Reader()
                .wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH));
            assertEquals(state.membershipVersion(), page.version());
            assertFalse(page.members().isEmpty());
            page.members().forEach(m -> {
                seen.add(m.nodeId());
                assertEquals(labels, m.status().labels());
                assertEquals("node-" + m.nodeId() / 7, m.name());
            });
            more = page.more();
            from = page.nextNodeId();
        }
        assertTrue(pages > 20, pages + " pages");
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 2_000).map(id -> id * 7).boxed().toList(), seen);
    }

    @Test
    void commandsRoundTripThroughTheCodec() {
        apply(encodeRegisterNode(command, 0, 11, 7, "n7", "localhost:40007", Map.of("CPU", 40_000L), Map.of("zone", "a")), 100);
        assertEquals(ControlStatus.OK, status());
        assertEquals(11, replyCorrelationId(handler.replyBuffer(), 0));
        assertEquals(REGISTER_NODE, replyType(handler.replyBuffer(), 0));

        apply(encodeHeartbeat(command, 0, 12, 7, Map.of("CPU", 10_000L)), 200);
        assertEquals(ControlStatus.OK, status());

        int length = apply(encodeNodeCommand(command, 0, GET_NODE, 13, 7), 300);
        final ControlCodec.Reader r = new ControlCodec.Reader()
            .wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
        assertEquals(1, r.readByte("alive"));
        assertEquals(200, r.readLong("heartbeat"));
        assertEquals(1, r.readInt("count"));
        assertEquals("CPU", r.readString("name", 64));
        assertEquals(40_000, r.readLong("total"));
        assertEquals(10_000, r.readLong("available"));
        assertEquals(1, r.readInt("labels"));
        assertEquals("zone", r.readString("k", 64));
        assertEquals("a", r.readString("v", 64));
        assertEquals(0, r.remaining());

        apply(encodeRegisterActor(command, 0, 14, "svc", 7, 99), 400);
        assertEquals(ControlStatus.OK, status());
        length = apply(encodeRegisterActor(command, 0, 15, "svc", 7, 100), 400);
        assertEquals(ControlStatus.CONFLICT, status());
        assertTrue(errorMessage(length).contains("'svc'"), errorMessage(length));
        length = apply(encodeNameCommand(command, 0, LOOKUP_ACTOR, 16, "svc"), 500);
        assertEquals(ControlStatus.OK, status());
        assertEquals(7, handler.replyBuffer().getLong(REPLY_HEADER_LENGTH, ORDER));
        assertEquals(99, handler.replyBuffer().getLong(REPLY_HEADER_LENGTH + 8, ORDER));
        assertEquals(REPLY_HEADER_LENGTH + 16, length);

        apply(encodeKvPut(command, 0, 17, "k", "v".getBytes(StandardCharsets.UTF_8)), 600);
        assertEquals(ControlStatus.OK, status());
        length = apply(encodeNameCommand(command, 0, KV_GET, 18, "k"), 600);
        assertEquals("v", errorMessage(length)); // same layout: a length-prefixed byte field
        apply(encodeKvPut(command, 0, 19, "k", new byte[ControlState.MAX_VALUE_BYTES + 1]), 600);
        assertEquals(ControlStatus.INVALID, status());
        apply(encodeNameCommand(command, 0, KV_DELETE, 20, "k"), 600);
        assertEquals(ControlStatus.OK, status());
        apply(encodeNameCommand(command, 0, KV_GET, 21, "k"), 600);
        assertEquals(ControlStatus.NOT_FOUND, status());
        apply(encodeNameCommand(command, 0, REMOVE_ACTOR, 22, "svc"), 600);
        assertEquals(ControlStatus.OK, status());
        apply(encodeNodeCommand(command, 0, DEREGISTER_NODE, 23, 7), 600);
        assertEquals(ControlStatus.OK, status());
        assertEquals(0, state.nodeCount());
    }

    @Test
    void getNodeReportsExpiryAndDeadNodeMustRegisterAgain() {
        apply(encodeRegisterNode(command, 0, 1, 3, "n3", "localhost:40003", Map.of("CPU", 10_000L), Map.of()), 100);
        assertEquals(1, state.expire(401, 300));

        int length = apply(encodeNodeCommand(command, 0, GET_NODE, 2, 3), 402);
        assertEquals(ControlStatus.OK, status());
        assertEquals(0, handler.replyBuffer().getByte(REPLY_HEADER_LENGTH), "dead");
        assertEquals(100, handler.replyBuffer().getLong(REPLY_HEADER_LENGTH + 1, ORDER));

        length = apply(encodeHeartbeat(command, 0, 3, 3, Map.of("CPU", 5_000L)), 403);
        assertEquals(ControlStatus.CONFLICT, status());
        assertTrue(errorMessage(length).contains("node 3"), errorMessage(length));

        apply(encodeRegisterNode(command, 0, 4, 3, "n3", "localhost:40003", Map.of("CPU", 10_000L), Map.of()), 404);
        assertEquals(ControlStatus.OK, status());
        apply(encodeNodeCommand(command, 0, GET_NODE, 5, 3), 405);
        assertEquals(1, handler.replyBuffer().getByte(REPLY_HEADER_LENGTH), "alive again");
        assertEquals(404, handler.replyBuffer().getLong(REPLY_HEADER_LENGTH + 1, ORDER));

        length = apply(encodeNodeCommand(command, 0, GET_NODE, 7, 8), 406);
        assertEquals(ControlStatus.NOT_FOUND, status());
        assertTrue(errorMessage(length).contains("node 8"), errorMessage(length));
        assertEquals(ControlStatus.MALFORMED, statusOf(encodeNodeCommand(command, 0, GET_NODE, 8, 3) - 1));
        assertEquals(ControlStatus.MALFORMED, statusOf(encodeNodeCommand(command, 0, GET_NODE, 9, 3) + 1));
    }

    @Test
    void placementGroupCommandsRoundTripThroughTheCodec() {
        apply(encodeRegisterNode(command, 0, 1, 1, "a", "", Map.of("CPU", 20_000L), Map.of()), 0);
        apply(encodeRegisterNode(command, 0, 2, 2, "b", "", Map.of("CPU", 20_000L), Map.of()), 0);
        apply(encodeCreateGroup(command, 0, 3, 9, "pg", PlacementGroupTable.Strategy.STRICT_SPREAD,
            List.of(Map.of("CPU", 10_000L), Map.of("CPU", 10_000L))), 0);
        assertEquals(ControlStatus.OK, status());
        int length = apply(encodePrepareGroup(command, 0, 4, 9, Map.of(0, 1L, 1, 1L)), 0);
        assertEquals(ControlStatus.CONFLICT, status());
        assertTrue(errorMessage(length).contains("STRICT_SPREAD needs distinct nodes"), errorMessage(length));
        apply(encodePrepareGroup(command, 0, 5, 9, Map.of(0, 1L, 1, 2L)), 0);
        assertEquals(ControlStatus.OK, status());
        apply(encodeGroupCommand(command, 0, COMMIT_PG, 6, 9), 0);
        assertEquals(ControlStatus.OK, status());

        length = apply(encodeNameCommand(command, 0, GET_PG_BY_NAME, 7, "pg"), 0);
        final ControlCodec.Reader r = new ControlCodec.Reader()
            .wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
        assertEquals(state.placementGroups().group(9), PlacementGroupTable.readGroup(r));
        assertEquals(0, r.remaining());
        length = apply(encodeGroupCommand(command, 0, ABORT_PG, 8, 9), 0);
        assertEquals(0, handler.replyBuffer().getInt(REPLY_HEADER_LENGTH, ORDER), "nothing prepared to release");
        apply(encodeGroupCommand(command, 0, REMOVE_PG, 9, 9), 0);
        assertEquals(ControlStatus.OK, status());
        apply(encodeGroupCommand(command, 0, GET_PG, 10, 9), 0);
        assertEquals(ControlStatus.NOT_FOUND, status());
        apply(encodeCreateGroup(command, 0, 11, 10, "", PlacementGroupTable.Strategy.PACK, List.of()), 0);
        assertEquals(ControlStatus.INVALID, status());
        final int create = encodeCreateGroup(command, 0, 12, 10, "", PlacementGroupTable.Strategy.PACK,
            List.of(Map.of("CPU", 1L)));
        command.putByte(COMMAND_HEADER_LENGTH + 12, (byte)9); // the strategy, after the id and an empty name
        length = apply(create, 0);
        assertEquals(ControlStatus.INVALID, status());
        assertEquals("strategy: unknown code 9, 0..3", errorMessage(length));
        assertEquals(0, state.placementGroups().size());
    }

    @Test
    void jobCommandsRoundTripThroughTheCodecAndEndWithTheDriver() {
        apply(encodeRegisterNode(command, 0, 1, 5, "driver", "", Map.of(), Map.of()), 100);
        apply(JobClient.encodeRegisterJob(command, 0, 2, 5, "com.example.Main"), 150);
        assertEquals(ControlStatus.OK, status());
        assertEquals(REGISTER_JOB, replyType(handler.replyBuffer(), 0));
        int length = apply(JobClient.encodeRegisterJob(command, 0, 3, 5, "again"), 160);
        assertEquals(ControlStatus.CONFLICT, status());
        assertEquals("job 5 exists (RUNNING)", errorMessage(length));
        apply(JobClient.encodeRegisterJob(command, 0, 4, 6, ""), 160);
        assertEquals(ControlStatus.NOT_FOUND, status());

        length = apply(JobClient.encodeGetJob(command, 0, 5, 5), 200);
        ControlCodec.Reader r = new ControlCodec.Reader()
            .wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
        assertEquals(new JobTable.Job(5, "driver", "com.example.Main", JobTable.Status.RUNNING, 150, JobTable.NOT_ENDED),
            JobTable.readJob(r));
        assertEquals(0, r.remaining());

        apply(encodeNodeCommand(command, 0, DEREGISTER_NODE, 6, 5), 900);  // the goodbye, at the log's time
        length = apply(JobClient.encodeListJobs(command, 0, 7, Long.MIN_VALUE, 10), 950);
        r = new ControlCodec.Reader().wrap(handler.replyBuffer(), REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
        final JobTable.Page page = JobTable.readPage(r);
        assertEquals(0, r.remaining());
        assertFalse(page.more());
        assertEquals(List.of(new JobTable.Job(5, "driver", "com.example.Main", JobTable.Status.SUCCEEDED, 150, 900)),
            page.jobs());

        length = apply(JobClient.encodeListJobs(command, 0, 8, 0, 0), 950);
        assertEquals(ControlStatus.INVALID, status());
        assertEquals("most jobs: 0 outside 1..256", errorMessage(length));
        assertEquals(ControlStatus.MALFORMED, statusOf(JobClient.encodeGetJob(command, 0, 9, 5) - 1));
        assertEquals(ControlStatus.MALFORMED, statusOf(JobClient.encodeRegisterJob(command, 0, 10, 5, "x") + 1));
        length = apply(JobClient.encodeGetJob(command, 0, 11, 77), 950);
        assertEquals(ControlStatus.NOT_FOUND, status());
        assertTrue(errorMessage(length).startsWith("job 77: not found"), errorMessage(length));
    }

    @Test
    void batchAppliesEachCommandInOrderAndAnswersEach() {
        final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(1024);
        final int[] lengths = new int[3];
        int at = COMMAND_HEADER_LENGTH + 4;
        final ExpandableArrayBuffer[] parts = new ExpandableArrayBuffer[3];
        for (int i = 0; i < 3; i++) {
            parts[i] = new ExpandableArrayBuffer(128);
        }
        lengths[0] = encodeCreateGroup(parts[0], 0, 41, 1, "", PlacementGroupTable.Strategy.PACK,
            List.of(Map.of("CPU", 1L)));
        lengths[1] = encodeGroupCommand(parts[1], 0, REMOVE_PG, 42, 1);
        lengths[2] = encodeGroupCommand(parts[2], 0, REMOVE_PG, 43, 1);
        for (int i = 0; i < 3; i++) {
            batch.putInt(at, lengths[i], ORDER);
            batch.putBytes(at + 4, parts[i], 0, lengths[i]);
            at += 4 + lengths[i];
        }
        batch.putInt(TYPE_OFFSET, BATCH, ORDER);
        batch.putLong(CORRELATION_ID_OFFSET, 40, ORDER);
        batch.putInt(COMMAND_HEADER_LENGTH, 3, ORDER);
        final int length = handler.onCommand(batch, 0, at, 0);
        final DirectBuffer reply = handler.replyBuffer();
        assertEquals(BATCH, replyType(reply, 0));
        assertEquals(ControlStatus.OK, replyStatus(reply, 0));
        assertEquals(3, reply.getInt(REPLY_HEADER_LENGTH, ORDER));
        int r = REPLY_HEADER_LENGTH + 4;
        final ControlStatus[] expected = {ControlStatus.OK, ControlStatus.OK, ControlStatus.NOT_FOUND};
        for (int i = 0; i < 3; i++) {
            final int replyLength = reply.getInt(r, ORDER);
            assertEquals(41 + i, replyCorrelationId(reply, r + 4));
            assertEquals(expected[i], replyStatus(reply, r + 4), "reply " + i);
            r += 4 + replyLength;
        }
        assertEquals(length, r);

        batch.putInt(COMMAND_HEADER_LENGTH, 4, ORDER); // one more than it holds: refused whole
        handler.onCommand(batch, 0, at, 0);
        assertEquals(ControlStatus.MALFORMED, status());
        assertEquals(0, state.placementGroups().size());
    }

    private ControlStatus statusOf(final int length) {
        apply(length, 500);
        return status();
    }

    @Test
    void malformedCommandsGetErrorRepliesAndChangeNothing() {
        final int full = encodeRegisterActor(command, 0, 5, "svc", 1, 2);
        for (int length = 0; length < full; length++) {
            handler.onCommand(command, 0, length, 0);
            assertEquals(ControlStatus.MALFORMED, status(), "truncated to " + length);
        }
        command.putInt(COMMAND_HEADER_LENGTH, -5, ORDER); // negative string length
        handler.onCommand(command, 0, full, 0);
        assertEquals(ControlStatus.MALFORMED, status());
        command.putInt(COMMAND_HEADER_LENGTH, Integer.MAX_VALUE, ORDER);
        handler.onCommand(command, 0, full, 0);
        assertEquals(ControlStatus.INVALID, status());

        command.putInt(TYPE_OFFSET, 999, ORDER);
        final int length = handler.onCommand(command, 0, full, 0);
        assertEquals(ControlStatus.UNKNOWN_COMMAND, status());
        assertTrue(errorMessage(length).contains("999"));
        assertEquals(new ControlState(), state);
    }

    @Test
    void randomBytesNeverThrow() {
        final long seed = 20261207L;
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] bytes = new byte[512];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        state.registerNode(1, Map.of("CPU", 10_000L), Map.of(), 0);
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(bytes);
            final int length = random.nextInt(bytes.length + 1);
            if (length >= 4) {
                buffer.putInt(TYPE_OFFSET, 1 + random.nextInt(LIST_JOBS), ORDER); // reach every decoder
            }
            if (length >= COMMAND_HEADER_LENGTH + 4 && random.nextBoolean()) {
                buffer.putInt(COMMAND_HEADER_LENGTH, random.nextInt(8), ORDER); // small first count / length
            }
            final int iteration = i;
            final int replyLength = assertDoesNotThrow(() -> handler.onCommand(buffer, 0, length, iteration),
                () -> "seed " + seed + " iteration " + iteration);
            final DirectBuffer reply = handler.replyBuffer();
            assertTrue(replyLength >= REPLY_HEADER_LENGTH);
            assertNotNull(replyStatus(reply, 0), "seed " + seed + " iteration " + iteration);
        }
    }
}
