package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The cluster's control store as a deterministic state machine: a node table, a named-actor directory, a small
 * KV store, a {@link PlacementGroupTable placement-group table} and a {@link JobTable job table}. No I/O and no clock of its own: every time comes in as an argument (Aeron Cluster's log timestamp, in
 * milliseconds), and all maps are sorted so iteration, snapshots and {@link #equals} are deterministic.
 * Every command validates fully before it changes anything, and a refusal is a {@link ControlRejection}.
 * <p>
 * Not thread-safe: one thread (the clustered service's) owns it.
 */
public final class ControlState {
    /** Default time after the last heartbeat at which {@link #expire} declares a node dead. */
    public static final long DEFAULT_NODE_TIMEOUT_MS = 5_000;
    /** Longest name, key, resource name or label, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;
    /** Most resources one node may declare. */
    public static final int MAX_RESOURCES_PER_NODE = 64;
    /** Most labels one node may carry. */
    public static final int MAX_LABELS_PER_NODE = 64;
    /** Most nodes in the table. */
    public static final int MAX_NODES = 10_000;
    /** Most named actors. */
    public static final int MAX_ACTORS = 1_000_000;
    /** Largest KV value, in bytes. */
    public static final int MAX_VALUE_BYTES = 4_096;
    /** Most KV entries. */
    public static final int MAX_KV_ENTRIES = 100_000;
    /** Most bytes of keys and values in the KV store together. */
    public static final long MAX_KV_TOTAL_BYTES = 64L * 1024 * 1024;

    /** Where a named actor lives is kept in the KV under this prefix and its name (by the member that owns it). */
    public static final String ACTOR_LOCATION_PREFIX = "actor/";

    private static final int SNAPSHOT_MAGIC = 0x3153434B; // "KCS1" little-endian
    private static final int SNAPSHOT_VERSION = 4;
    /** Snapshots of version 2 (before placement groups) and 3 (before jobs) still load, without what they lack. */
    private static final int SNAPSHOT_VERSION_WITHOUT_GROUPS = 2;
    private static final int SNAPSHOT_VERSION_WITHOUT_JOBS = 3;

    private final TreeMap<Long, Node> nodes = new TreeMap<>();
    private final TreeMap<String, Actor> actors = new TreeMap<>();
    private final KvStore kv = new KvStore();
    private final PlacementGroupTable placementGroups = new PlacementGroupTable();
    private final JobTable jobs = new JobTable();
    /** Goes up by one whenever a node joins, leaves or is declared dead: members poll it with their heartbeats. */
    private long membershipVersion;

    /**
     * One node's record. Resources are fixed point (1/10000 of a unit).
     */
    public static final class Node {
        private final long nodeId;
        private final String name;
        private final String endpoint;
        private final TreeMap<String, Long> total;
        private final TreeMap<String, Long> available;
        private final TreeMap<String, String> labels;
        private long lastHeartbeatMs;
        private boolean alive;

        Node(final long nodeId, final String name, final String endpoint, final Map<String, Long> total,
             final Map<String, String> labels, final long nowMs) {
            this.nodeId = nodeId;
            this.name = name;
            this.endpoint = endpoint;
            this.total = new TreeMap<>(total);
            this.available = new TreeMap<>(total);
            this.labels = new TreeMap<>(labels);
            this.lastHeartbeatMs = nowMs;
            this.alive = true;
        }

        /** @return the node's id. */
        public long nodeId() {
            return nodeId;
        }

        /** @return the node's name, unique among the live nodes (the kernel's node id, e.g. "gpu-box-1"). */
        public String name() {
            return name;
        }

        /** @return where the node takes messages from other members, e.g. "10.0.0.5:40123"; empty if none. */
        public String endpoint() {
            return endpoint;
        }

        /** @return total resources by name, read-only. */
        public Map<String, Long> totalResources() {
            return Collections.unmodifiableMap(total);
        }

        /** @return resources available at the last heartbeat, read-only. */
        public Map<String, Long> availableResources() {
            return Collections.unmodifiableMap(available);
        }

        /** @return labels, read-only. */
        public Map<String, String> labels() {
            return Collections.unmodifiableMap(labels);
        }

        /** @return cluster time of the last registration or heartbeat, in ms. */
        public long lastHeartbeatMs() {
            return lastHeartbeatMs;
        }

        /** @return false once {@link ControlState#expire} has declared the node dead. */
        public boolean alive() {
            return alive;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Node n && nodeId == n.nodeId && name.equals(n.name) && endpoint.equals(n.endpoint) &&
                lastHeartbeatMs == n.lastHeartbeatMs &&
                alive == n.alive && total.equals(n.total) && available.equals(n.available) && labels.equals(n.labels);
        }

        @Override
        public int hashCode() {
            return Objects.hash(nodeId, name, endpoint, lastHeartbeatMs, alive, total, available, labels);
        }

        @Override
        public String toString() {
            return "Node{" + nodeId + " '" + name + "' at " + endpoint + ", alive=" + alive + ", lastHeartbeatMs=" + lastHeartbeatMs + ", total=" + total +
                ", available=" + available + ", labels=" + labels + '}';
        }
    }

    /**
     * A named actor's directory entry.
     *
     * @param name        the actor's name, unique in the cluster.
     * @param ownerNodeId the node that hosts it.
     * @param actorId     its id on that node.
     */
    public record Actor(String name, long ownerNodeId, long actorId) {
    }

    /**
     * Registers a node, or re-registers one that was declared dead.
     *
     * @param nodeId    of the node.
     * @param resources total resources, fixed point, each at least 0.
     * @param labels    the node's labels.
     * @param nowMs     cluster time.
     * @throws ControlRejection if a field is out of its limits or the node is registered and alive.
     */
    public void registerNode(
        final long nodeId, final Map<String, Long> resources, final Map<String, String> labels, final long nowMs) {
        registerNode(nodeId, "node-" + nodeId, "", resources, labels, nowMs);
    }

    /**
     * Registers a node under a name and the endpoint where other members reach it, or re-registers one that was
     * declared dead. A dead node of the same name is replaced (a restarted member registers under a new id).
     *
     * @param nodeId    of this incarnation of the node.
     * @param name      unique among the live nodes, 1 to {@link #MAX_NAME_BYTES} UTF-8 bytes.
     * @param endpoint  host:port of its messages, or empty; at most {@link #MAX_NAME_BYTES} bytes.
     * @param resources total resources, fixed point, each at least 0.
     * @param labels    the node's labels.
     * @param nowMs     cluster time.
     * @throws ControlRejection if a field is out of its limits, the node is registered and alive, or a live node has
     *                          the name.
     */
    public void registerNode(
        final long nodeId, final String name, final String endpoint, final Map<String, Long> resources,
        final Map<String, String> labels, final long nowMs) {
        checkName("node name", name);
        checkLength("endpoint", endpoint, MAX_NAME_BYTES);
        checkCount("resources", resources.size(), MAX_RESOURCES_PER_NODE);
        checkCount("labels", labels.size(), MAX_LABELS_PER_NODE);
        for (final Map.Entry<String, Long> e : resources.entrySet()) {
            checkName("resource name", e.getKey());
            checkAmount(e.getKey(), e.getValue());
        }
        for (final Map.Entry<String, String> e : labels.entrySet()) {
            checkName("label key", e.getKey());
            checkLength("label value", e.getValue(), MAX_NAME_BYTES);
        }
        final Node existing = nodes.get(nodeId);
        if (existing != null && existing.alive) {
            throw new ControlRejection(ControlStatus.CONFLICT, "node " + nodeId + " is already registered and alive");
        }
        Long replaced = null;
        for (final Node other : nodes.values()) {
            if (other.name.equals(name) && other.nodeId != nodeId) {
                if (other.alive) {
                    throw new ControlRejection(ControlStatus.CONFLICT, "node name '" + name + "' is taken by live node "
                        + other.nodeId + " at " + other.endpoint + "; give each node its own id");
                }
                replaced = other.nodeId;
            }
        }
        if (existing == null && replaced == null && nodes.size() >= MAX_NODES) {
            throw new ControlRejection(ControlStatus.INVALID, "nodes: table full, limit " + MAX_NODES);
        }
        if (replaced != null) {
            nodes.remove(replaced);
        }
        nodes.put(nodeId, new Node(nodeId, name, endpoint, resources, labels, nowMs));
        membershipVersion++;
    }

    /** @return the membership version: it changes whenever a node joins, leaves or is declared dead. */
    public long membershipVersion() {
        return membershipVersion;
    }

    /** @return every node, by id, read-only. */
    public java.util.Collection<Node> nodes() {
        return Collections.unmodifiableCollection(nodes.values());
    }

    /**
     * @param fromNodeId the lowest node id wanted.
     * @return the nodes from that id on, by id (a view).
     */
    java.util.Collection<Node> nodesFrom(final long fromNodeId) {
        return Collections.unmodifiableCollection(nodes.tailMap(fromNodeId, true).values());
    }

    /**
     * Records a heartbeat and the resources available on the node.
     *
     * @param nodeId    of the node.
     * @param available available amounts; each name must be one of the node's resources, 0 to its total.
     * @param nowMs     cluster time.
     * @throws ControlRejection if the node is unknown or dead, or an amount is out of range.
     */
    public void heartbeat(final long nodeId, final Map<String, Long> available, final long nowMs) {
        final Node node = requireNode(nodeId);
        if (!node.alive) {
            throw new ControlRejection(ControlStatus.CONFLICT,
                "node " + nodeId + " was declared dead; it must register again");
        }
        for (final Map.Entry<String, Long> e : available.entrySet()) {
            final Long total = node.total.get(e.getKey());
            if (total == null) {
                throw new ControlRejection(ControlStatus.INVALID,
                    "available resource '" + e.getKey() + "': not declared by node " + nodeId);
            }
            final long amount = e.getValue();
            if (amount < 0 || amount > total) {
                throw new ControlRejection(ControlStatus.INVALID,
                    "available resource '" + e.getKey() + "': " + amount + " outside 0.." + total);
            }
        }
        node.available.putAll(available);
        node.lastHeartbeatMs = Math.max(node.lastHeartbeatMs, nowMs);
    }

    /**
     * Removes a node from the table (its goodbye). The named actors it registered go with it
     * ({@link #forgetActorsOf}); its placement-group bundles are released ({@link PlacementGroupTable#releaseNode}),
     * as they are when it is declared dead; its job, if it is a driver with one running, is SUCCEEDED.
     *
     * @param nodeId of the node.
     * @param nowMs  cluster time: the end of its job.
     * @throws ControlRejection if the node is unknown.
     */
    public void deregisterNode(final long nodeId, final long nowMs) {
        requireNode(nodeId);
        nodes.remove(nodeId);
        placementGroups.releaseNode(nodeId);
        forgetActorsOf(nodeId);
        jobs.finish(nodeId, JobTable.Status.SUCCEEDED, nowMs);
        membershipVersion++;
    }

    /**
     * A node is gone: the names of the actors it registered are free again, and their published locations (the KV
     * entries under {@link #ACTOR_LOCATION_PREFIX} + name) are removed with them.
     */
    private void forgetActorsOf(final long nodeId) {
        final java.util.Iterator<Actor> it = actors.values().iterator();
        while (it.hasNext()) {
            final Actor actor = it.next();
            if (actor.ownerNodeId() == nodeId) {
                it.remove();
                kv.remove(ACTOR_LOCATION_PREFIX + actor.name());
            }
        }
    }

    /**
     * Counts every live node as heard from at nowMs (a new leader gives nodes a full timeout to reach it).
     *
     * @param nowMs cluster time.
     */
    public void touchAlive(final long nowMs) {
        for (final Node node : nodes.values()) {
            if (node.alive) {
                node.lastHeartbeatMs = Math.max(node.lastHeartbeatMs, nowMs);
            }
        }
    }

    /**
     * Declares dead every live node whose last heartbeat is more than {@code timeoutMs} before {@code nowMs}; the job
     * of a driver declared dead is FAILED.
     *
     * @param nowMs     cluster time.
     * @param timeoutMs heartbeat timeout, e.g. {@link #DEFAULT_NODE_TIMEOUT_MS}.
     * @return how many nodes were declared dead by this call.
     */
    public int expire(final long nowMs, final long timeoutMs) {
        int expired = 0;
        for (final Node node : nodes.values()) {
            if (node.alive && nowMs - node.lastHeartbeatMs > timeoutMs) {
                node.alive = false;
                placementGroups.releaseNode(node.nodeId);
                forgetActorsOf(node.nodeId);
                jobs.finish(node.nodeId, JobTable.Status.FAILED, nowMs);
                expired++;
            }
        }
        if (expired > 0) {
            membershipVersion++;
        }
        return expired;
    }

    /**
     * @param nodeId of the node.
     * @return its record, or {@code null} if unknown.
     */
    public Node node(final long nodeId) {
        return nodes.get(nodeId);
    }

    /** @return how many nodes the table holds, alive or dead. */
    public int nodeCount() {
        return nodes.size();
    }

    /**
     * Registers a named actor.
     *
     * @param name        unique name, 1 to {@link #MAX_NAME_BYTES} UTF-8 bytes.
     * @param ownerNodeId a registered, live node.
     * @param actorId     the actor's id on that node.
     * @throws ControlRejection if the name is taken or invalid, or the owner is unknown or dead.
     */
    public void registerActor(final String name, final long ownerNodeId, final long actorId) {
        checkName("actor name", name);
        final Actor taken = actors.get(name);
        if (taken != null) {
            throw new ControlRejection(ControlStatus.CONFLICT, "actor name '" + name + "' is taken by actor " +
                taken.actorId + " on node " + taken.ownerNodeId);
        }
        final Node owner = requireNode(ownerNodeId);
        if (!owner.alive) {
            throw new ControlRejection(ControlStatus.CONFLICT, "owner node " + ownerNodeId + " is dead");
        }
        if (actors.size() >= MAX_ACTORS) {
            throw new ControlRejection(ControlStatus.INVALID, "actors: directory full, limit " + MAX_ACTORS);
        }
        actors.put(name, new Actor(name, ownerNodeId, actorId));
    }

    /**
     * @param name of the actor.
     * @return its entry, or {@code null} if no actor has that name.
     */
    public Actor lookupActor(final String name) {
        return actors.get(name);
    }

    /**
     * @param name of the actor.
     * @throws ControlRejection if no actor has that name.
     */
    public void removeActor(final String name) {
        if (actors.remove(name) == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "actor name '" + name + "': not registered");
        }
    }

    /**
     * Puts a copy of {@code value} under {@code key}, replacing any value there.
     *
     * @param key   1 to {@link #MAX_NAME_BYTES} UTF-8 bytes.
     * @param value at most {@link #MAX_VALUE_BYTES} bytes.
     * @throws ControlRejection if a size limit would be passed.
     */
    public void kvPut(final String key, final byte[] value) {
        kv.put(key, value);
    }

    /**
     * @param key of the entry.
     * @return a copy of its value, or {@code null} if absent.
     */
    public byte[] kvGet(final String key) {
        return kv.get(key);
    }

    /**
     * @param key of the entry.
     * @throws ControlRejection if absent.
     */
    public void kvDelete(final String key) {
        if (!kv.remove(key)) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "key '" + key + "': not present");
        }
    }

    /** @return the placement-group table; its commands check nodes against this state's node table. */
    public PlacementGroupTable placementGroups() {
        return placementGroups;
    }

    /** @return the job table; a job's id is its driver's node id, looked up in this state's node table. */
    public JobTable jobs() {
        return jobs;
    }

    /** @return bytes of keys and values held by the KV store. */
    public long kvBytes() {
        return kv.bytes();
    }

    /**
     * Writes the whole state; {@link #loadSnapshot} of the bytes gives an equal state.
     *
     * @param buffer to write, usually an {@link org.agrona.ExpandableArrayBuffer}.
     * @param offset where to start.
     * @return bytes written.
     */
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset) {
        final ControlCodec.Writer w = new ControlCodec.Writer().wrap(buffer, offset);
        w.putInt(SNAPSHOT_MAGIC).putInt(SNAPSHOT_VERSION).putLong(membershipVersion).putInt(nodes.size());
        for (final Node n : nodes.values()) {
            w.putLong(n.nodeId).putString(n.name).putString(n.endpoint).putLong(n.lastHeartbeatMs).putByte((byte)(n.alive ? 1 : 0)).putInt(n.total.size());
            n.total.forEach((name, total) -> w.putString(name).putLong(total).putLong(n.available.get(name)));
            w.putInt(n.labels.size());
            n.labels.forEach((k, v) -> w.putString(k).putString(v));
        }
        w.putInt(actors.size());
        actors.values().forEach(a -> w.putString(a.name).putLong(a.ownerNodeId).putLong(a.actorId));
        w.putInt(kv.entries().size());
        kv.entries().forEach((k, v) -> w.putString(k).putBytes(v));
        placementGroups.writeSnapshot(w);
        jobs.writeSnapshot(w);
        return w.length();
    }

    /**
     * Replaces this state with one read from a snapshot written by {@link #writeSnapshot}.
     *
     * @param buffer holding the snapshot.
     * @param offset where it starts.
     * @param length its length.
     * @throws IllegalStateException if the snapshot is not a valid one; the state is then unchanged.
     */
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length) {
        final ControlState loaded = new ControlState();
        try {
            final ControlCodec.Reader r = new ControlCodec.Reader().wrap(buffer, offset, length);
            final int magic = r.readInt("magic");
            final int version = r.readInt("version");
            if (magic != SNAPSHOT_MAGIC || version < SNAPSHOT_VERSION_WITHOUT_GROUPS || version > SNAPSHOT_VERSION) {
                throw new IllegalStateException("not a control-state snapshot of version " +
                    SNAPSHOT_VERSION_WITHOUT_GROUPS + " to " + SNAPSHOT_VERSION);
            }
            loaded.membershipVersion = r.readLong("membership version");
            for (int i = 0, count = r.readCount("nodes", MAX_NODES, 33); i < count; i++) {
                final long nodeId = r.readLong("node id");
                final String name = r.readString("node name", MAX_NAME_BYTES);
                final String endpoint = r.readString("endpoint", MAX_NAME_BYTES);
                final long lastHeartbeatMs = r.readLong("last heartbeat");
                final boolean alive = r.readByte("alive") != 0;
                final TreeMap<String, Long> total = new TreeMap<>();
                final TreeMap<String, Long> available = new TreeMap<>();
                for (int j = 0, rc = r.readCount("resources", MAX_RESOURCES_PER_NODE, 20); j < rc; j++) {
                    final String resource = r.readString("resource name", MAX_NAME_BYTES);
                    total.put(resource, r.readLong("total"));
                    available.put(resource, r.readLong("available"));
                }
                final TreeMap<String, String> labels = new TreeMap<>();
                for (int j = 0, lc = r.readCount("labels", MAX_LABELS_PER_NODE, 8); j < lc; j++) {
                    labels.put(r.readString("label key", MAX_NAME_BYTES), r.readString("label value", MAX_NAME_BYTES));
                }
                final Node node = new Node(nodeId, name, endpoint, total, labels, lastHeartbeatMs);
                node.available.putAll(available);
                node.alive = alive;
                loaded.nodes.put(nodeId, node);
            }
            for (int i = 0, count = r.readCount("actors", MAX_ACTORS, 20); i < count; i++) {
                final String name = r.readString("actor name", MAX_NAME_BYTES);
                loaded.actors.put(name, new Actor(name, r.readLong("owner"), r.readLong("actor id")));
            }
            for (int i = 0, count = r.readCount("kv", MAX_KV_ENTRIES, 8); i < count; i++) {
                final String key = r.readString("key", MAX_NAME_BYTES);
                final byte[] value = r.readBytes("value", MAX_VALUE_BYTES);
                loaded.kv.load(key, value);
            }
            if (version > SNAPSHOT_VERSION_WITHOUT_GROUPS) {
                loaded.placementGroups.readSnapshot(r);
            }
            if (version > SNAPSHOT_VERSION_WITHOUT_JOBS) {
                loaded.jobs.readSnapshot(r);
            }
        } catch (final ControlRejection ex) {
            throw new IllegalStateException("corrupt control-state snapshot: " + ex.getMessage(), ex);
        }
        nodes.clear();
        nodes.putAll(loaded.nodes);
        actors.clear();
        actors.putAll(loaded.actors);
        kv.replaceWith(loaded.kv);
        membershipVersion = loaded.membershipVersion;
        placementGroups.replaceWith(loaded.placementGroups);
        jobs.replaceWith(loaded.jobs);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof ControlState other && nodes.equals(other.nodes)
            && membershipVersion == other.membershipVersion && actors.equals(other.actors) && kv.equals(other.kv)
            && placementGroups.equals(other.placementGroups) && jobs.equals(other.jobs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes, actors, kv, placementGroups, jobs);
    }

    @Override
    public String toString() {
        return "ControlState{nodes=" + nodes.values() + ", actors=" + actors.values() + ", kvKeys=" + kv.entries().keySet() +
            ", placementGroups=" + placementGroups.groups() + ", jobs=" + jobs.jobs() + '}';
    }

    private Node requireNode(final long nodeId) {
        final Node node = nodes.get(nodeId);
        if (node == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "node " + nodeId + ": not registered");
        }
        return node;
    }

    private static void checkCount(final String field, final int count, final int max) {
        if (count > max) {
            throw new ControlRejection(ControlStatus.INVALID, field + ": " + count + " entries, limit " + max);
        }
    }

    private static void checkAmount(final String name, final Long amount) {
        if (amount == null || amount < 0) {
            throw new ControlRejection(ControlStatus.INVALID, "resource '" + name + "': amount must be >= 0");
        }
    }

    static int checkName(final String field, final String value) {
        final int length = checkLength(field, value, MAX_NAME_BYTES);
        if (length == 0) {
            throw new ControlRejection(ControlStatus.INVALID, field + ": empty");
        }
        return length;
    }

    static int checkLength(final String field, final String value, final int max) {
        final int length = utf8Length(value);
        if (length > max) {
            throw new ControlRejection(ControlStatus.INVALID, field + ": " + length + " bytes, limit " + max);
        }
        return length;
    }

    static int utf8Length(final String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
