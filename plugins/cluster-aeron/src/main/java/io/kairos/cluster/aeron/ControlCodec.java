package io.kairos.cluster.aeron;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Wire layout of the control store's commands and replies. All integers are little-endian.
 *
 * <pre>
 * Command (client to cluster):
 *   0               4                               12
 *   +---------------+-------------------------------+------------------
 *   | type (int)    | correlation id (long)         | body ...
 *   +---------------+-------------------------------+------------------
 *
 * Reply (cluster to client): the command's type and correlation id, then a status.
 *   0               4                               12              16
 *   +---------------+-------------------------------+---------------+----------
 *   | type (int)    | correlation id (long)         | status (int)  | body ...
 *   +---------------+-------------------------------+---------------+----------
 *
 * string = length (int) + that many bytes of UTF-8;  bytes = length (int) + bytes;  map = count (int) + entries.
 *
 * Bodies:
 *   REGISTER_NODE   node id (long), name (string), endpoint (string), resources map (string -> long total),
 *                   labels map (string -> string)
 *   HEARTBEAT       node id (long), available map (string -> long)
 *   DEREGISTER_NODE node id (long)             GET_NODE      node id (long)
 *   REGISTER_ACTOR  name (string), owner node id (long), actor id (long)
 *   LOOKUP_ACTOR    name (string)              REMOVE_ACTOR  name (string)
 *   KV_PUT          key (string), value (bytes)
 *   KV_GET          key (string)               KV_DELETE     key (string)
 *   LIST_NODES      from node id (long): a page of the nodes from that id on ({@link NodeListing})
 *   CREATE_PG       group id (long), name (string, empty for none), strategy (byte), bundle count (int),
 *                   per bundle a resources map (string -> long amount)
 *   PREPARE_PG      group id (long), count (int), per placement bundle index (int), node id (long)
 *   COMMIT_PG, ABORT_PG, REMOVE_PG, GET_PG    group id (long)
 *   GET_PG_BY_NAME  name (string)              LIST_PGS      from group id (long)
 *   BATCH           count (int), per command its length (int) and the command, header included
 *   REGISTER_JOB    job id (long: the driver's node id), entrypoint (string)         GET_JOB  job id (long)
 *   LIST_JOBS       from job id (long), most jobs (int) ({@link JobClient} encodes the three)
 *
 * Reply bodies when OK: HEARTBEAT: membership version (long); LIST_NODES: membership version (long), count (int),
 * per node id (long), name (string), endpoint (string), alive (byte), last heartbeat ms (long), resources as in
 * GET_NODE, labels map, then more (byte) and the next page's first node id (long); GET_NODE: alive (byte), last heartbeat ms (long), resources count (int) and per resource
 * name (string), total (long), available (long), then labels map; LOOKUP_ACTOR: owner node id (long), actor id
 * (long); KV_GET: value (bytes); ABORT_PG: bundles released (int); GET_PG, GET_PG_BY_NAME: a group; LIST_PGS:
 * count (int) and the groups (a page, as LIST_NODES: then more (byte), next group id (long)), where a group is group id (long), name (string), strategy (byte), state (byte), bundle
 * count (int), per bundle reservation (byte), node id (long), resources map; BATCH: count (int), per command its
 * reply's length (int) and the reply, header included (a batch's own status is OK unless the batch itself is
 * malformed); GET_JOB: a job, that is job id (long), driver (string), entrypoint (string), status (byte), start ms
 * (long), end ms (long); LIST_JOBS: count (int), the jobs, more (byte), next job id (long); others: empty. When not
 * OK: a message (string).
 * </pre>
 *
 * Every length read is checked against the buffer and the field's limit; a bad one raises a
 * {@link ControlRejection} with {@link ControlStatus#MALFORMED} or {@link ControlStatus#INVALID}, never an index
 * error. Resource amounts are fixed point (units of 1/10000, as Ray does), never doubles.
 */
public final class ControlCodec {
    /** Offset of the command type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the correlation id, chosen by the client and echoed in the reply. */
    public static final int CORRELATION_ID_OFFSET = 4;
    /** Length of a command header; the body starts here. */
    public static final int COMMAND_HEADER_LENGTH = 12;
    /** Offset of the status in a reply. */
    public static final int STATUS_OFFSET = 12;
    /** Length of a reply header; the body starts here. */
    public static final int REPLY_HEADER_LENGTH = 16;

    /** Register a node with its total resources and labels. */
    public static final int REGISTER_NODE = 1;
    /** A node's heartbeat with its available resources. */
    public static final int HEARTBEAT = 2;
    /** Remove a node from the table. */
    public static final int DEREGISTER_NODE = 3;
    /** Read one node's record. */
    public static final int GET_NODE = 4;
    /** Register a named actor. */
    public static final int REGISTER_ACTOR = 5;
    /** Look a named actor up. */
    public static final int LOOKUP_ACTOR = 6;
    /** Remove a named actor. */
    public static final int REMOVE_ACTOR = 7;
    /** Put a value under a key. */
    public static final int KV_PUT = 8;
    /** Get the value under a key. */
    public static final int KV_GET = 9;
    /** Delete a key. */
    public static final int KV_DELETE = 10;
    /** Reads every node with the membership version. */
    public static final int LIST_NODES = 11;
    /** Create a placement group (bundles unreserved). */
    public static final int CREATE_PG = 12;
    /** First phase: reserve bundles of a group on nodes, all or none. */
    public static final int PREPARE_PG = 13;
    /** Second phase: commit every prepared bundle of a group. */
    public static final int COMMIT_PG = 14;
    /** Release every prepared (not committed) bundle of a group. */
    public static final int ABORT_PG = 15;
    /** Remove a placement group, releasing its bundles. */
    public static final int REMOVE_PG = 16;
    /** Read one placement group by id. */
    public static final int GET_PG = 17;
    /** Read one placement group by name. */
    public static final int GET_PG_BY_NAME = 18;
    /** Read every placement group. */
    public static final int LIST_PGS = 19;
    /** Several commands in one message, applied in order, each answered in the one reply. */
    public static final int BATCH = 20;
    /** Record a driver's job, RUNNING, under its node id. */
    public static final int REGISTER_JOB = 21;
    /** Read one job by id. */
    public static final int GET_JOB = 22;
    /** Read a page of jobs by id. */
    public static final int LIST_JOBS = 23;
    /** Most commands in one {@link #BATCH}. */
    /**
     * A listing's page (jobs, nodes, placement groups) stops growing once its records take this many bytes, so that a
     * reply stays far below an Aeron message's limit even when {@link #MAX_BATCH}-bounded batches of pipelined pages
     * are answered in one message.
     */
    static final int LISTING_PAGE_BYTES = 16 * 1024;
    public static final int MAX_BATCH = 1_024;

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private ControlCodec() {
    }

    /**
     * Reads fields from a buffer, checking every length against what is left and against the field's limit.
     */
    public static final class Reader {
        private DirectBuffer buffer;
        private int position;
        private int limit;

        /**
         * Points the reader at {@code length} bytes of {@code buffer} from {@code offset}.
         *
         * @param buffer to read.
         * @param offset of the first byte to read.
         * @param length of the readable region.
         * @return this reader.
         */
        public Reader wrap(final DirectBuffer buffer, final int offset, final int length) {
            this.buffer = buffer;
            this.position = offset;
            this.limit = offset + length;
            return this;
        }

        /**
         * @return bytes left to read.
         */
        public int remaining() {
            return limit - position;
        }

        private void need(final int bytes, final String field) {
            if (bytes > remaining()) {
                throw new ControlRejection(ControlStatus.MALFORMED,
                    field + ": needs " + bytes + " bytes, " + remaining() + " left");
            }
        }

        /**
         * @param field named in the error if the buffer is too short.
         * @return the next byte.
         */
        public byte readByte(final String field) {
            need(1, field);
            return buffer.getByte(position++);
        }

        /**
         * @param field named in the error if the buffer is too short.
         * @return the next int.
         */
        public int readInt(final String field) {
            need(4, field);
            final int value = buffer.getInt(position, ORDER);
            position += 4;
            return value;
        }

        /**
         * @param field named in the error if the buffer is too short.
         * @return the next long.
         */
        public long readLong(final String field) {
            need(8, field);
            final long value = buffer.getLong(position, ORDER);
            position += 8;
            return value;
        }

        /**
         * Reads a count of entries, each at least {@code minEntryBytes} long.
         *
         * @param field         named in the error.
         * @param max           largest count allowed.
         * @param minEntryBytes smallest encoding of one entry, to bound the count by the bytes left.
         * @return the count.
         */
        public int readCount(final String field, final int max, final int minEntryBytes) {
            final int count = readInt(field);
            if (count < 0) {
                throw new ControlRejection(ControlStatus.MALFORMED, field + ": negative count " + count);
            }
            if (count > max) {
                throw new ControlRejection(ControlStatus.INVALID, field + ": " + count + " entries, limit " + max);
            }
            if ((long)count * minEntryBytes > remaining()) {
                throw new ControlRejection(ControlStatus.MALFORMED,
                    field + ": " + count + " entries cannot fit in " + remaining() + " bytes");
            }
            return count;
        }

        /**
         * @param field    named in the error.
         * @param maxBytes largest UTF-8 length allowed.
         * @return the next string.
         */
        public String readString(final String field, final int maxBytes) {
            final int length = readLength(field, maxBytes);
            final String value = buffer.getStringWithoutLengthUtf8(position, length);
            position += length;
            return value;
        }

        /**
         * @param field    named in the error.
         * @param maxBytes largest length allowed.
         * @return a copy of the next byte field.
         */
        public byte[] readBytes(final String field, final int maxBytes) {
            final int length = readLength(field, maxBytes);
            final byte[] value = new byte[length];
            buffer.getBytes(position, value);
            position += length;
            return value;
        }

        private int readLength(final String field, final int maxBytes) {
            final int length = readInt(field + " length");
            if (length < 0) {
                throw new ControlRejection(ControlStatus.MALFORMED, field + ": negative length " + length);
            }
            if (length > maxBytes) {
                throw new ControlRejection(ControlStatus.INVALID,
                    field + ": " + length + " bytes, limit " + maxBytes);
            }
            need(length, field);
            return length;
        }
    }

    /**
     * Writes fields into a buffer from a position; use an expandable buffer when the size is not known.
     */
    public static final class Writer {
        private MutableDirectBuffer buffer;
        private int start;
        private int position;

        /**
         * @param buffer to write.
         * @param offset of the first byte to write.
         * @return this writer.
         */
        public Writer wrap(final MutableDirectBuffer buffer, final int offset) {
            this.buffer = buffer;
            this.start = offset;
            this.position = offset;
            return this;
        }

        /**
         * @return bytes written since {@link #wrap}.
         */
        public int length() {
            return position - start;
        }

        /**
         * @param value to write.
         * @return this writer.
         */
        public Writer putByte(final byte value) {
            buffer.putByte(position++, value);
            return this;
        }

        /**
         * @param value to write.
         * @return this writer.
         */
        public Writer putInt(final int value) {
            buffer.putInt(position, value, ORDER);
            position += 4;
            return this;
        }

        /**
         * @param value to write.
         * @return this writer.
         */
        public Writer putLong(final long value) {
            buffer.putLong(position, value, ORDER);
            position += 8;
            return this;
        }

        /**
         * @param value to write as length-prefixed UTF-8.
         * @return this writer.
         */
        public Writer putString(final String value) {
            return putBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @param value to write, length-prefixed.
         * @return this writer.
         */
        public Writer putBytes(final byte[] value) {
            putInt(value.length);
            buffer.putBytes(position, value);
            position += value.length;
            return this;
        }
    }

    private static Writer header(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId) {
        return new Writer().wrap(buffer, offset).putInt(type).putLong(correlationId);
    }

    /**
     * Encodes {@link #REGISTER_NODE}.
     *
     * @param buffer        to write; must be large enough (an expandable buffer is simplest).
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param nodeId        of the node.
     * @param name          the node's name, unique among the live nodes.
     * @param endpoint      where other members reach it (host:port), or empty.
     * @param resources     total resources, fixed point.
     * @param labels        the node's labels.
     * @return the command's length.
     */
    public static int encodeRegisterNode(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final long nodeId,
        final String name,
        final String endpoint,
        final Map<String, Long> resources,
        final Map<String, String> labels) {
        final Writer writer = header(buffer, offset, REGISTER_NODE, correlationId).putLong(nodeId).putString(name)
            .putString(endpoint);
        writer.putInt(resources.size());
        resources.forEach((resource, amount) -> writer.putString(resource).putLong(amount));
        writer.putInt(labels.size());
        labels.forEach((key, value) -> writer.putString(key).putString(value));
        return writer.length();
    }

    /**
     * Reads a node's record, as {@code GET_NODE} and {@code LIST_NODES} replies carry it.
     *
     * @param reader on the record.
     * @param nodeId of the node.
     * @return the record.
     * @throws ControlRejection if the record is malformed.
     */
    static ControlClient.NodeStatus readNodeStatus(final Reader reader, final long nodeId) {
        final boolean alive = reader.readByte("alive") != 0;
        final long lastHeartbeatMs = reader.readLong("last heartbeat");
        final Map<String, Long> total = new java.util.LinkedHashMap<>();
        final Map<String, Long> available = new java.util.LinkedHashMap<>();
        for (int i = 0, n = reader.readCount("resources", ControlState.MAX_RESOURCES_PER_NODE, 20); i < n; i++) {
            final String name = reader.readString("resource name", ControlState.MAX_NAME_BYTES);
            total.put(name, reader.readLong("resource total"));
            available.put(name, reader.readLong("resource available"));
        }
        final Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (int i = 0, n = reader.readCount("labels", ControlState.MAX_LABELS_PER_NODE, 8); i < n; i++) {
            final String key = reader.readString("label key", ControlState.MAX_NAME_BYTES);
            labels.put(key, reader.readString("label value", ControlState.MAX_NAME_BYTES));
        }
        return new ControlClient.NodeStatus(nodeId, alive, lastHeartbeatMs, java.util.Collections.unmodifiableMap(total),
            java.util.Collections.unmodifiableMap(available), java.util.Collections.unmodifiableMap(labels));
    }

    /**
     * Encodes {@link #HEARTBEAT}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param nodeId        of the node.
     * @param available     available resources, fixed point.
     * @return the command's length.
     */
    public static int encodeHeartbeat(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final long nodeId,
        final Map<String, Long> available) {
        final Writer writer = header(buffer, offset, HEARTBEAT, correlationId).putLong(nodeId);
        writer.putInt(available.size());
        available.forEach((name, amount) -> writer.putString(name).putLong(amount));
        return writer.length();
    }

    /**
     * Encodes a command whose body is one node id: {@link #DEREGISTER_NODE} or {@link #GET_NODE}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param type          of the command.
     * @param correlationId echoed in the reply.
     * @param nodeId        of the node.
     * @return the command's length.
     */
    public static int encodeNodeCommand(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId, final long nodeId) {
        return header(buffer, offset, type, correlationId).putLong(nodeId).length();
    }

    /**
     * Encodes {@link #REGISTER_ACTOR}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param name          of the actor.
     * @param ownerNodeId   node that hosts it.
     * @param actorId       its id on that node.
     * @return the command's length.
     */
    public static int encodeRegisterActor(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final String name,
        final long ownerNodeId,
        final long actorId) {
        return header(buffer, offset, REGISTER_ACTOR, correlationId)
            .putString(name).putLong(ownerNodeId).putLong(actorId).length();
    }

    /**
     * Encodes a command whose body is one string: {@link #LOOKUP_ACTOR}, {@link #REMOVE_ACTOR}, {@link #KV_GET},
     * {@link #KV_DELETE}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param type          of the command.
     * @param correlationId echoed in the reply.
     * @param nameOrKey     the actor name or key.
     * @return the command's length.
     */
    public static int encodeNameCommand(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId,
        final String nameOrKey) {
        return header(buffer, offset, type, correlationId).putString(nameOrKey).length();
    }

    /**
     * Encodes a command with no body.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param type          of the command.
     * @param correlationId echoed in the reply.
     * @return the command's length.
     */
    public static int encodeEmptyCommand(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId) {
        return header(buffer, offset, type, correlationId).length();
    }

    /**
     * Encodes {@link #KV_PUT}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param key           of the entry.
     * @param value         of the entry.
     * @return the command's length.
     */
    public static int encodeKvPut(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final String key,
        final byte[] value) {
        return header(buffer, offset, KV_PUT, correlationId).putString(key).putBytes(value).length();
    }

    /**
     * Encodes {@link #CREATE_PG}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param groupId       of the group, unique.
     * @param name          unique among named groups, or empty.
     * @param strategy      how the bundles are placed.
     * @param bundles       each bundle's resources, fixed point.
     * @return the command's length.
     */
    public static int encodeCreateGroup(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final long groupId,
        final String name, final PlacementGroupTable.Strategy strategy, final List<Map<String, Long>> bundles) {
        final Writer writer = header(buffer, offset, CREATE_PG, correlationId).putLong(groupId).putString(name)
            .putByte((byte)strategy.ordinal()).putInt(bundles.size());
        for (final Map<String, Long> bundle : bundles) {
            writer.putInt(bundle.size());
            bundle.forEach((resource, amount) -> writer.putString(resource).putLong(amount));
        }
        return writer.length();
    }

    /**
     * Encodes {@link #PREPARE_PG}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param groupId       of the group.
     * @param placements    bundle index to the node chosen for it.
     * @return the command's length.
     */
    public static int encodePrepareGroup(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final long groupId,
        final Map<Integer, Long> placements) {
        final Writer writer = header(buffer, offset, PREPARE_PG, correlationId).putLong(groupId)
            .putInt(placements.size());
        placements.forEach((index, node) -> writer.putInt(index).putLong(node));
        return writer.length();
    }

    /**
     * Encodes a command whose body is one group id: {@link #COMMIT_PG}, {@link #ABORT_PG}, {@link #REMOVE_PG},
     * {@link #GET_PG}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param type          of the command.
     * @param correlationId echoed in the reply.
     * @param groupId       of the group.
     * @return the command's length.
     */
    public static int encodeGroupCommand(
        final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId,
        final long groupId) {
        return header(buffer, offset, type, correlationId).putLong(groupId).length();
    }

    /**
     * @param buffer holding a reply.
     * @param offset where the reply starts.
     * @return the reply's command type.
     */
    public static int replyType(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a reply.
     * @param offset where the reply starts.
     * @return the reply's correlation id.
     */
    public static long replyCorrelationId(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
    }

    /**
     * @param buffer holding a reply.
     * @param offset where the reply starts.
     * @return the reply's status, or {@code null} for an unknown code.
     */
    public static ControlStatus replyStatus(final DirectBuffer buffer, final int offset) {
        return ControlStatus.fromCode(buffer.getInt(offset + STATUS_OFFSET, ORDER));
    }
}
