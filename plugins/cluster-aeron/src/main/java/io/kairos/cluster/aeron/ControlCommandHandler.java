package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import static io.kairos.cluster.aeron.ControlCodec.*;

/**
 * Decodes one command, applies it to a {@link ControlState} and encodes the reply. A command is decoded whole before
 * it is applied, so a malformed one changes nothing; any refusal becomes an error reply, never an exception.
 * <p>
 * Not thread-safe: it reuses one reply buffer and one reader.
 */
public final class ControlCommandHandler {
    private final ControlState state;
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer batchReply = new ExpandableArrayBuffer(4096);
    private DirectBuffer lastReply = reply;
    private final ControlCodec.Reader reader = new ControlCodec.Reader();
    private final ControlCodec.Writer writer = new ControlCodec.Writer();

    /**
     * @param state the state machine commands are applied to.
     */
    public ControlCommandHandler(final ControlState state) {
        this.state = state;
    }

    /**
     * @return the buffer holding the last reply, from offset 0.
     */
    public DirectBuffer replyBuffer() {
        return lastReply;
    }

    /**
     * Applies one command.
     *
     * @param buffer      holding the command.
     * @param offset      where it starts.
     * @param length      its length.
     * @param timestampMs cluster time of the command, in ms.
     * @return the length of the reply in {@link #replyBuffer()}.
     */
    public int onCommand(final DirectBuffer buffer, final int offset, final int length, final long timestampMs) {
        if (length >= COMMAND_HEADER_LENGTH && buffer.getInt(offset + TYPE_OFFSET, ORDER) == BATCH) {
            return onBatch(buffer, offset, length, timestampMs);
        }
        lastReply = reply;
        return apply(buffer, offset, length, timestampMs);
    }

    /**
     * Applies each command of a {@link ControlCodec#BATCH} in order, as if each came alone, and gathers their replies
     * into one. A malformed batch (bad count or lengths) is refused whole before anything is applied.
     */
    private int onBatch(final DirectBuffer buffer, final int offset, final int length, final long timestampMs) {
        final long correlationId = buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
        reader.wrap(buffer, offset + COMMAND_HEADER_LENGTH, length - COMMAND_HEADER_LENGTH);
        int count;
        try {
            count = reader.readCount("batch", MAX_BATCH, 4 + COMMAND_HEADER_LENGTH);
            for (int i = 0, at = offset + COMMAND_HEADER_LENGTH + 4; i < count; i++) {
                final int commandLength = reader.readInt("batch command length");
                if (commandLength < COMMAND_HEADER_LENGTH || commandLength > reader.remaining()) {
                    throw new ControlRejection(ControlStatus.MALFORMED, "batch command " + i + ": length " +
                        commandLength + " outside " + COMMAND_HEADER_LENGTH + ".." + reader.remaining());
                }
                if (buffer.getInt(at + 4 + TYPE_OFFSET, ORDER) == BATCH) {
                    throw new ControlRejection(ControlStatus.MALFORMED, "batch command " + i + ": a batch in a batch");
                }
                at += 4 + commandLength;
                reader.wrap(buffer, at, offset + length - at);
            }
            endOfBody();
        } catch (final ControlRejection ex) {
            lastReply = reply;
            return error(BATCH, correlationId, ex.status(), ex.getMessage());
        }
        final ControlCodec.Writer batch = new ControlCodec.Writer().wrap(batchReply, 0)
            .putInt(BATCH).putLong(correlationId).putInt(ControlStatus.OK.code()).putInt(count);
        int at = offset + COMMAND_HEADER_LENGTH + 4;
        int out = batch.length();
        for (int i = 0; i < count; i++) {
            final int commandLength = buffer.getInt(at, ORDER);
            final int replyLength = apply(buffer, at + 4, commandLength, timestampMs);
            batchReply.putInt(out, replyLength, ORDER);
            batchReply.putBytes(out + 4, reply, 0, replyLength);
            out += 4 + replyLength;
            at += 4 + commandLength;
        }
        lastReply = batchReply;
        return out;
    }

    private int apply(final DirectBuffer buffer, final int offset, final int length, final long timestampMs) {
        if (length < COMMAND_HEADER_LENGTH) {
            return error(0, 0, ControlStatus.MALFORMED,
                "header: needs " + COMMAND_HEADER_LENGTH + " bytes, " + length + " given");
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET, ORDER);
        final long correlationId = buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
        reader.wrap(buffer, offset + COMMAND_HEADER_LENGTH, length - COMMAND_HEADER_LENGTH);
        try {
            writer.wrap(reply, 0).putInt(type).putLong(correlationId).putInt(ControlStatus.OK.code());
            switch (type) {
                case REGISTER_NODE -> {
                    final long nodeId = reader.readLong("node id");
                    final String name = reader.readString("node name", ControlState.MAX_NAME_BYTES);
                    final String endpoint = reader.readString("endpoint", ControlState.MAX_NAME_BYTES);
                    final Map<String, Long> resources = readAmounts("resources", ControlState.MAX_RESOURCES_PER_NODE);
                    final Map<String, String> labels = new LinkedHashMap<>();
                    for (int i = 0, n = reader.readCount("labels", ControlState.MAX_LABELS_PER_NODE, 8); i < n; i++) {
                        final String key = reader.readString("label key", ControlState.MAX_NAME_BYTES);
                        if (labels.put(key, reader.readString("label value", ControlState.MAX_NAME_BYTES)) != null) {
                            throw new ControlRejection(ControlStatus.INVALID, "labels: duplicate key '" + key + "'");
                        }
                    }
                    endOfBody();
                    state.registerNode(nodeId, name, endpoint, resources, labels, timestampMs);
                }
                case HEARTBEAT -> {
                    final long nodeId = reader.readLong("node id");
                    final Map<String, Long> available = readAmounts("available", ControlState.MAX_RESOURCES_PER_NODE);
                    endOfBody();
                    state.heartbeat(nodeId, available, timestampMs);
                    writer.putLong(state.membershipVersion());
                }
                case DEREGISTER_NODE -> {
                    final long nodeId = reader.readLong("node id");
                    endOfBody();
                    state.deregisterNode(nodeId, timestampMs);
                }
                case GET_NODE -> {
                    final long nodeId = reader.readLong("node id");
                    endOfBody();
                    writeNode(nodeId);
                }
                case REGISTER_ACTOR -> {
                    final String name = reader.readString("actor name", ControlState.MAX_NAME_BYTES);
                    final long owner = reader.readLong("owner node id");
                    final long actorId = reader.readLong("actor id");
                    endOfBody();
                    state.registerActor(name, owner, actorId);
                }
                case LOOKUP_ACTOR -> {
                    final String name = readNameBody("actor name");
                    final ControlState.Actor actor = state.lookupActor(name);
                    if (actor == null) {
                        throw new ControlRejection(ControlStatus.NOT_FOUND, "actor name '" + name + "': not registered");
                    }
                    writer.putLong(actor.ownerNodeId()).putLong(actor.actorId());
                }
                case REMOVE_ACTOR -> state.removeActor(readNameBody("actor name"));
                case KV_PUT -> {
                    final String key = reader.readString("key", ControlState.MAX_NAME_BYTES);
                    final byte[] value = reader.readBytes("value", ControlState.MAX_VALUE_BYTES);
                    endOfBody();
                    state.kvPut(key, value);
                }
                case KV_GET -> {
                    final String key = readNameBody("key");
                    final byte[] value = state.kvGet(key);
                    if (value == null) {
                        throw new ControlRejection(ControlStatus.NOT_FOUND, "key '" + key + "': not present");
                    }
                    writer.putBytes(value);
                }
                case KV_DELETE -> state.kvDelete(readNameBody("key"));
                case LIST_NODES -> listNodes(reader.readLong("from node id"));
                case CREATE_PG, PREPARE_PG, COMMIT_PG, ABORT_PG, REMOVE_PG, GET_PG, GET_PG_BY_NAME, LIST_PGS ->
                    applyGroupCommand(type);
                case REGISTER_JOB, GET_JOB, LIST_JOBS -> applyJobCommand(type, timestampMs);
                default -> throw new ControlRejection(ControlStatus.UNKNOWN_COMMAND, "type: unknown command " + type);
            }
            return writer.length();
        } catch (final ControlRejection ex) {
            return error(type, correlationId, ex.status(), ex.getMessage());
        }
    }

    private void applyGroupCommand(final int type) {
        final PlacementGroupTable groups = state.placementGroups();
        switch (type) {
            case CREATE_PG -> {
                final long groupId = reader.readLong("group id");
                final String name = reader.readString("placement group name", ControlState.MAX_NAME_BYTES);
                final PlacementGroupTable.Strategy strategy = PlacementGroupTable.Strategy.fromCode(
                    reader.readByte("strategy"));
                final List<Map<String, Long>> bundles = new ArrayList<>();
                for (int i = 0, n = reader.readCount("bundles", PlacementGroupTable.MAX_BUNDLES, 4); i < n; i++) {
                    bundles.add(readAmounts("bundle " + i + " resources", PlacementGroupTable.MAX_RESOURCES_PER_BUNDLE));
                }
                endOfBody();
                groups.create(groupId, name, strategy, bundles);
            }
            case PREPARE_PG -> {
                final long groupId = reader.readLong("group id");
                final Map<Integer, Long> placements = new TreeMap<>();
                for (int i = 0, n = reader.readCount("placements", PlacementGroupTable.MAX_BUNDLES, 12); i < n; i++) {
                    final int index = reader.readInt("bundle index");
                    if (placements.put(index, reader.readLong("node id")) != null) {
                        throw new ControlRejection(ControlStatus.INVALID, "placements: bundle " + index + " twice");
                    }
                }
                endOfBody();
                groups.prepare(state, groupId, placements);
            }
            case COMMIT_PG -> groups.commit(readGroupIdBody());
            case ABORT_PG -> writer.putInt(groups.abort(readGroupIdBody()));
            case REMOVE_PG -> groups.remove(readGroupIdBody());
            case GET_PG -> {
                final long groupId = readGroupIdBody();
                writeGroup(groups.group(groupId), "placement group " + groupId);
            }
            case GET_PG_BY_NAME -> {
                final String name = readNameBody("placement group name");
                writeGroup(groups.byName(name), "placement group name '" + name + "'");
            }
            default -> {
                final long fromGroupId = reader.readLong("from group id");
                endOfBody();
                writePage(groups.groupsFrom(fromGroupId), PlacementGroupTable.Group::groupId,
                    g -> PlacementGroupTable.writeGroup(writer, g));
            }
        }
    }

    private void applyJobCommand(final int type, final long timestampMs) {
        final JobTable jobs = state.jobs();
        switch (type) {
            case REGISTER_JOB -> {
                final long jobId = reader.readLong("job id");
                final String entrypoint = reader.readString("entrypoint", ControlState.MAX_NAME_BYTES);
                endOfBody();
                jobs.register(state, jobId, entrypoint, timestampMs);
            }
            case GET_JOB -> {
                final long jobId = reader.readLong("job id");
                endOfBody();
                final JobTable.Job job = jobs.job(jobId);
                if (job == null) {
                    throw new ControlRejection(ControlStatus.NOT_FOUND, "job " + jobId + ": not found (never "
                        + "registered, or dropped as one of the oldest finished)");
                }
                JobTable.writeJob(writer, job);
            }
            default -> {
                final long from = reader.readLong("from job id");
                final int max = reader.readInt("most jobs");
                endOfBody();
                JobTable.writePage(writer, jobs.page(from, max));
            }
        }
    }

    private void writeGroup(final PlacementGroupTable.Group group, final String what) {
        if (group == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, what + ": not found");
        }
        PlacementGroupTable.writeGroup(writer, group);
    }

    private long readGroupIdBody() {
        final long groupId = reader.readLong("group id");
        endOfBody();
        return groupId;
    }

    private Map<String, Long> readAmounts(final String field, final int max) {
        final Map<String, Long> amounts = new LinkedHashMap<>();
        for (int i = 0, n = reader.readCount(field, max, 12); i < n; i++) {
            final String name = reader.readString(field + " name", ControlState.MAX_NAME_BYTES);
            if (amounts.put(name, reader.readLong(field + " amount")) != null) {
                throw new ControlRejection(ControlStatus.INVALID, field + ": duplicate name '" + name + "'");
            }
        }
        return amounts;
    }

    private String readNameBody(final String field) {
        final String name = reader.readString(field, ControlState.MAX_NAME_BYTES);
        endOfBody();
        return name;
    }

    private void endOfBody() {
        if (reader.remaining() != 0) {
            throw new ControlRejection(ControlStatus.MALFORMED, "body: " + reader.remaining() + " trailing bytes");
        }
    }

    private void writeNode(final long nodeId) {
        final ControlState.Node node = state.node(nodeId);
        if (node == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "node " + nodeId + ": not registered");
        }
        writeNodeBody(node);
    }

    /** One page of the node table: the nodes from fromNodeId on, after the membership version. */
    private void listNodes(final long fromNodeId) {
        endOfBody();
        writer.putLong(state.membershipVersion());
        writePage(state.nodesFrom(fromNodeId), ControlState.Node::nodeId, node -> {
            writer.putLong(node.nodeId()).putString(node.name()).putString(node.endpoint());
            writeNodeBody(node);
        });
    }

    /**
     * Writes a listing's page: count (int), the records until they take {@link ControlCodec#LISTING_PAGE_BYTES} (at least
     * one), more (byte), the next page's first id (long).
     */
    private <T> void writePage(final Iterable<T> records, final java.util.function.ToLongFunction<T> id,
                               final java.util.function.Consumer<T> write) {
        final int countAt = writer.length();
        writer.putInt(0);
        int count = 0;
        for (final T record : records) {
            if (count > 0 && writer.length() - countAt >= LISTING_PAGE_BYTES) {
                reply.putInt(countAt, count, ORDER);
                writer.putByte((byte) 1).putLong(id.applyAsLong(record));
                return;
            }
            write.accept(record);
            count++;
        }
        reply.putInt(countAt, count, ORDER);
        writer.putByte((byte) 0).putLong(0);
    }

    private void writeNodeBody(final ControlState.Node node) {
        writer.putByte((byte)(node.alive() ? 1 : 0)).putLong(node.lastHeartbeatMs())
            .putInt(node.totalResources().size());
        node.totalResources().forEach((name, total) ->
            writer.putString(name).putLong(total).putLong(node.availableResources().get(name)));
        writer.putInt(node.labels().size());
        node.labels().forEach((k, v) -> writer.putString(k).putString(v));
    }

    private int error(final int type, final long correlationId, final ControlStatus status, final String message) {
        return writer.wrap(reply, 0).putInt(type).putLong(correlationId).putInt(status.code())
            .putString(message).length();
    }
}
