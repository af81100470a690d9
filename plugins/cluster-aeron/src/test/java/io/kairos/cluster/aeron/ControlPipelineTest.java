package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.kairos.cluster.aeron.ControlCodec.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ControlPipeline} without a network: its messages go straight to a {@link ControlCommandHandler} and the
 * replies come back on the next {@link #deliver()}, as a cluster would give them.
 */
@Timeout(10)
class ControlPipelineTest {
    private static final long TIMEOUT_NS = 1_000_000_000L;

    private final ControlState state = new ControlState();
    private final ControlCommandHandler handler = new ControlCommandHandler(state);
    private final List<byte[]> replies = new ArrayList<>();
    private final List<Integer> messageCommands = new ArrayList<>();
    private long correlationId;

    private final ControlPipeline.Offer offer = (operation, buffer, offset, length, deadlineNs) -> {
        messageCommands.add(buffer.getInt(offset + TYPE_OFFSET, ORDER) == BATCH ?
            buffer.getInt(offset + COMMAND_HEADER_LENGTH, ORDER) : 1);
        final int replyLength = handler.onCommand(buffer, offset, length, 0);
        final byte[] reply = new byte[replyLength];
        handler.replyBuffer().getBytes(0, reply);
        replies.add(reply);
    };

    private void deliver(final ControlPipeline pipeline) {
        final List<byte[]> now = new ArrayList<>(replies);
        replies.clear();
        for (final byte[] reply : now) {
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(reply.length);
            buffer.putBytes(0, reply);
            assertTrue(pipeline.onReply(buffer, 0, reply.length));
        }
    }

    private CompletableFuture<Void> create(final ControlPipeline pipeline, final long groupId) {
        return pipeline.add(++correlationId, CREATE_PG, "create", groupId, (b, o, id) -> encodeCreateGroup(b, o, id,
            groupId, "", PlacementGroupTable.Strategy.PACK, List.of(Map.of("CPU", 1L))), body -> null, offer);
    }

    private CompletableFuture<Void> remove(final ControlPipeline pipeline, final long groupId) {
        return pipeline.add(++correlationId, REMOVE_PG, "remove", groupId,
            (b, o, id) -> encodeGroupCommand(b, o, REMOVE_PG, id, groupId), body -> null, offer);
    }

    @Test
    void commandsGoInBatchesInOrderAndEachGetsItsReply() {
        final ControlPipeline pipeline = new ControlPipeline(1_000, 8, 1 << 16, TIMEOUT_NS);
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long id = 1; id <= 10; id++) {
            futures.add(create(pipeline, id));
            futures.add(remove(pipeline, id));
        }
        final CompletableFuture<Void> missing = remove(pipeline, 99);
        pipeline.flush(offer);
        assertEquals(List.of(8, 8, 5), messageCommands, "21 commands in batches of at most 8");
        assertEquals(21, pipeline.inFlight());
        deliver(pipeline);
        futures.forEach(f -> assertTrue(f.isDone() && !f.isCompletedExceptionally()));
        final ControlRejection notFound = (ControlRejection)assertThrows(Exception.class, missing::join).getCause();
        assertEquals(ControlStatus.NOT_FOUND, notFound.status());
        assertEquals("remove(99): placement group 99: not found", notFound.getMessage());
        assertEquals(0, pipeline.inFlight());
        assertEquals(0, state.placementGroups().size());
    }

    @Test
    void aLoneCommandGoesAsItselfAndABatchSplitsByBytes() {
        final ControlPipeline pipeline = new ControlPipeline(1_000, 64, 200, TIMEOUT_NS);
        create(pipeline, 1);
        pipeline.flush(offer);
        assertEquals(List.of(1), messageCommands);
        assertEquals(CREATE_PG, replyType(new org.agrona.concurrent.UnsafeBuffer(replies.get(0)), 0));
        for (long id = 2; id <= 6; id++) {
            create(pipeline, id); // 48 bytes each, 52 with its length: 3 fit in 200 beside the batch header
        }
        pipeline.flush(offer);
        assertEquals(List.of(1, 3, 2), messageCommands);
        deliver(pipeline);
        assertEquals(6, state.placementGroups().size());
        assertEquals(0, pipeline.inFlight());
        final IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> pipeline.add(
            ++correlationId, KV_PUT, "kvPut", "k", (b, o, id) -> encodeKvPut(b, o, id, "k", new byte[300]),
            body -> null, offer));
        assertTrue(tooBig.getMessage().equals("kvPut: command of 321 bytes, limit 180"), tooBig.getMessage());
    }

    @Test
    void windowAndDeadlines() {
        final ControlPipeline pipeline = new ControlPipeline(2, 8, 1 << 16, TIMEOUT_NS);
        final CompletableFuture<Void> first = create(pipeline, 1);
        assertTrue(pipeline.hasRoom());
        create(pipeline, 2);
        assertFalse(pipeline.hasRoom(), "a window of 2");
        pipeline.flush(offer);
        replies.clear(); // the cluster never answers
        assertEquals(0, pipeline.expire(System.nanoTime()));
        assertEquals(2, pipeline.expire(System.nanoTime() + TIMEOUT_NS + 1));
        final Throwable timeout = assertThrows(Exception.class, first::join).getCause();
        assertEquals("create(1): no reply within 1000 ms", timeout.getMessage());
        assertTrue(pipeline.hasRoom());
    }

    @Test
    void aCallbackMaySendAndItsCommandGoesNext() {
        final ControlPipeline pipeline = new ControlPipeline(100, 8, 1 << 16, TIMEOUT_NS);
        final List<CompletableFuture<Void>> chained = new ArrayList<>();
        create(pipeline, 1).thenRun(() -> chained.add(remove(pipeline, 1)));
        pipeline.flush(offer);
        deliver(pipeline);
        assertEquals(1, chained.size());
        pipeline.flush(offer);
        deliver(pipeline);
        assertFalse(chained.get(0).isCompletedExceptionally());
        assertEquals(0, state.placementGroups().size());
    }
}
