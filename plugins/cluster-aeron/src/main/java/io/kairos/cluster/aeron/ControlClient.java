package io.kairos.cluster.aeron;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.logbuffer.Header;
import io.aeron.security.AuthenticationException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import static io.kairos.cluster.aeron.ControlCodec.*;

/**
 * Typed client of the control store over one {@link AeronCluster} session. Each call encodes one command with
 * {@link ControlCodec}, offers it (retrying while back-pressured), polls egress until the reply with its correlation
 * id arrives, and decodes it: a result, or a {@link ControlRejection} carrying the reply's status and message. A call
 * that sees no reply within the timeout throws {@link ControlTimeoutException}; it never sleeps, it idles with an
 * {@link IdleStrategy} against a deadline.
 * <p>
 * The synchronous calls have one command in flight at a time; a late reply to an earlier, timed-out call is recognised
 * by its correlation id and dropped. The asynchronous ones ({@link #registerActorAsync}, {@link #lookupActorAsync},
 * {@link #placementGroups()}) pipeline: many commands in flight, up to {@code maxInFlight}
 * (a call with the window full polls until a reply makes room: back pressure), gathered into one message of up to
 * {@code maxBatch} commands, each with its own deadline; their futures complete inside {@link #poll()} (or
 * {@link #await}), on the calling thread, in reply order.
 * <p>
 * Not thread-safe: use one client from one thread, as {@link AeronCluster} itself requires.
 */
public final class ControlClient implements AutoCloseable {
    /** Default limit on offers of one command while the cluster is back-pressured. */
    public static final int DEFAULT_MAX_OFFER_ATTEMPTS = 100_000;
    /** Default limit on asynchronous requests in flight. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1_024;
    /** Default limit on commands gathered into one message. */
    public static final int DEFAULT_MAX_BATCH = 64;

    private static final int MAX_MESSAGE_BYTES = 1 << 16;
    private static final long NO_REPLY = -1;

    private final AeronCluster cluster;
    private final long timeoutNs;
    private final int maxOfferAttempts;
    private final IdleStrategy idleStrategy;
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(256);
    private final ControlCodec.Reader reader = new ControlCodec.Reader();
    private long nextCorrelationId;
    private long awaitedCorrelationId = NO_REPLY;
    private int replyLength = -1;
    private final ControlPipeline pipeline;
    private final ControlPipeline.Offer offer = this::offerPipelined;
    private final PlacementGroupClient placementGroups = new PlacementGroupClient(this);

    private ControlClient(
        final AeronCluster.Context context, final long timeoutNs, final int maxOfferAttempts,
        final IdleStrategy idleStrategy, final int maxInFlight, final int maxBatch) {
        if (timeoutNs <= 0 || maxOfferAttempts <= 0) {
            throw new IllegalArgumentException("timeoutNs and maxOfferAttempts must be > 0, were " + timeoutNs +
                " and " + maxOfferAttempts);
        }
        this.timeoutNs = timeoutNs;
        this.maxOfferAttempts = maxOfferAttempts;
        this.idleStrategy = idleStrategy;
        try {
            this.cluster = AeronCluster.connect(context.egressListener(this::onEgress));
        } catch (final AuthenticationException ex) {
            throw new AuthenticationException("control store at " + context.ingressEndpoints() + " refused this " +
                "client: wrong cluster secret or no credentials (" + ex.getMessage() + ")", ex);
        }
        this.pipeline = new ControlPipeline(maxInFlight, maxBatch,
            Math.min(MAX_MESSAGE_BYTES, cluster.ingressPublication().maxMessageLength()), timeoutNs);
    }

    /**
     * Connects with {@link #DEFAULT_MAX_OFFER_ATTEMPTS} and a {@link BackoffIdleStrategy}.
     *
     * @param context   of the cluster session; its egress listener is replaced by this client's.
     * @param timeoutNs limit on each call, offer and reply together.
     * @return a connected client that owns the session.
     * @throws AuthenticationException naming the endpoints if the control store refused the session's credentials.
     */
    public static ControlClient connect(final AeronCluster.Context context, final long timeoutNs) {
        return connect(context, timeoutNs, DEFAULT_MAX_OFFER_ATTEMPTS, new BackoffIdleStrategy());
    }

    /**
     * @param context          of the cluster session; its egress listener is replaced by this client's.
     * @param timeoutNs        limit on each call, offer and reply together.
     * @param maxOfferAttempts limit on offers of one command while back-pressured.
     * @param idleStrategy     used between offers and between egress polls.
     * @return a connected client that owns the session.
     */
    public static ControlClient connect(
        final AeronCluster.Context context, final long timeoutNs, final int maxOfferAttempts,
        final IdleStrategy idleStrategy) {
        return connect(context, timeoutNs, maxOfferAttempts, idleStrategy, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_BATCH);
    }

    /**
     * @param context          of the cluster session; its egress listener is replaced by this client's.
     * @param timeoutNs        limit on each call, offer and reply together; each asynchronous request's deadline.
     * @param maxOfferAttempts limit on offers of one message while back-pressured.
     * @param idleStrategy     used between offers and between egress polls.
     * @param maxInFlight      most asynchronous requests awaiting replies.
     * @param maxBatch         most asynchronous commands in one message, 1 to {@link ControlCodec#MAX_BATCH}
     *                         (1: each its own message).
     * @return a connected client that owns the session.
     */
    public static ControlClient connect(
        final AeronCluster.Context context, final long timeoutNs, final int maxOfferAttempts,
        final IdleStrategy idleStrategy, final int maxInFlight, final int maxBatch) {
        return new ControlClient(context, timeoutNs, maxOfferAttempts, idleStrategy, maxInFlight, maxBatch);
    }

    /** @return the placement-group commands, synchronous and asynchronous, on this client's session. */
    public PlacementGroupClient placementGroups() {
        return placementGroups;
    }

    /**
     * Registers a named actor without waiting ({@link #registerActor} is the synchronous form).
     *
     * @param name        of the actor.
     * @param ownerNodeId node that hosts it; must be registered and alive.
     * @param actorId     its id on that node.
     * @return completes when the cluster applied it, or with the {@link ControlRejection} it gave.
     */
    public CompletableFuture<Void> registerActorAsync(final String name, final long ownerNodeId, final long actorId) {
        return sendAsync(REGISTER_ACTOR, "registerActor", name,
            (b, o, id) -> encodeRegisterActor(b, o, id, name, ownerNodeId, actorId), body -> null);
    }

    /**
     * Looks a named actor up without waiting ({@link #lookupActor} is the synchronous form).
     *
     * @param name of the actor.
     * @return where it lives, or a {@link ControlRejection} NOT_FOUND.
     */
    public CompletableFuture<ControlState.Actor> lookupActorAsync(final String name) {
        return sendAsync(LOOKUP_ACTOR, "lookupActor", name, (b, o, id) -> encodeNameCommand(b, o, LOOKUP_ACTOR, id, name),
            body -> new ControlState.Actor(name, body.readLong("owner node id"), body.readLong("actor id")));
    }

    /**
     * Removes a named actor without waiting ({@link #removeActor} is the synchronous form).
     *
     * @param name of the actor.
     * @return completes when removed, or with a {@link ControlRejection} NOT_FOUND.
     */
    public CompletableFuture<Void> removeActorAsync(final String name) {
        return sendAsync(REMOVE_ACTOR, "removeActor", name, (b, o, id) -> encodeNameCommand(b, o, REMOVE_ACTOR, id, name),
            body -> null);
    }

    /**
     * Sends a command without waiting for its reply. With the window full it first polls until a reply makes room
     * (or throws {@link ControlTimeoutException} after the timeout). The command may wait in the current batch until
     * the batch is full or the next {@link #poll()}.
     *
     * @param type      the command's type, echoed in its reply.
     * @param operation named in errors, with the argument.
     * @param argument  named in errors.
     * @param encoder   writes the command with the correlation id it is given.
     * @param decoder   reads an OK reply's body whole.
     * @param <T>       the result.
     * @return completes inside {@link #poll()} with the result, a {@link ControlRejection}, a
     * {@link ControlTimeoutException} or an {@link IllegalStateException} (malformed reply, closed session).
     */
    <T> CompletableFuture<T> sendAsync(final int type, final String operation, final Object argument,
                                       final ControlPipeline.Encoder encoder, final ControlPipeline.Decoder<T> decoder) {
        if (!pipeline.hasRoom()) {
            final long deadlineNs = System.nanoTime() + timeoutNs;
            pipeline.flush(offer);
            idleStrategy.reset();
            while (!pipeline.hasRoom()) {
                final int work = poll();
                if (System.nanoTime() - deadlineNs > 0 && !pipeline.hasRoom()) {
                    throw new ControlTimeoutException(operation + "(" + argument + ")",
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs), "no room in the window of " + pipeline.inFlight());
                }
                idleStrategy.idle(work);
            }
        }
        return pipeline.add(++nextCorrelationId, type, operation, argument, encoder, decoder, offer);
    }

    /**
     * Sends what the current batch holds, takes the replies that have come and fails the requests past their
     * deadline; call it in a loop (a duty cycle) while asynchronous requests are in flight.
     *
     * @return work done (fragments read and requests expired), for an idle strategy.
     */
    public int poll() {
        pipeline.flush(offer);
        if (cluster.isClosed()) {
            pipeline.failAll(new IllegalStateException("cluster session is closed"));
            return 0;
        }
        return cluster.pollEgress() + pipeline.expire(System.nanoTime());
    }

    /**
     * Polls until the future is done, then gives its result.
     *
     * @param future of an asynchronous request of this client.
     * @param <T>    the result.
     * @return the result.
     * @throws ControlRejection, ControlTimeoutException or IllegalStateException as the request failed.
     */
    public <T> T await(final CompletableFuture<T> future) {
        idleStrategy.reset();
        while (!future.isDone()) {
            idleStrategy.idle(poll());
        }
        try {
            return future.join();
        } catch (final CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw ex;
        }
    }

    /** @return true once the cluster session is closed (the group gave up on it): connect a new client. */
    public boolean isClosed() {
        return cluster.isClosed();
    }

    /** @return asynchronous requests awaiting replies. */
    public int inFlight() {
        return pipeline.inFlight();
    }

    /**
     * A node's record as the cluster holds it.
     *
     * @param nodeId             of the node.
     * @param alive              false once the cluster has declared it dead for silence.
     * @param lastHeartbeatMs    cluster time of its last registration or heartbeat.
     * @param totalResources     resource totals, fixed point.
     * @param availableResources resources available at the last heartbeat, fixed point.
     * @param labels             its labels.
     */
    public record NodeStatus(
        long nodeId,
        boolean alive,
        long lastHeartbeatMs,
        Map<String, Long> totalResources,
        Map<String, Long> availableResources,
        Map<String, String> labels) {
    }

    /**
     * Registers a node, or brings a dead one back.
     *
     * @param nodeId    of the node.
     * @param resources total resources, fixed point.
     * @param labels    the node's labels.
     * @throws ControlRejection CONFLICT if it is registered and alive, INVALID if a field is out of its limits.
     */
    public void registerNode(final long nodeId, final Map<String, Long> resources, final Map<String, String> labels) {
        registerNode(nodeId, "node-" + nodeId, "", resources, labels);
    }

    /**
     * Registers a node under its name and the endpoint other members reach it at, or brings a dead one back.
     *
     * @param nodeId    of this incarnation of the node.
     * @param name      unique among the live nodes.
     * @param endpoint  host:port, or empty.
     * @param resources total resources, fixed point.
     * @param labels    the node's labels.
     * @throws ControlRejection CONFLICT if it is registered and alive or a live node has the name, INVALID if a
     *                          field is out of its limits.
     */
    public void registerNode(final long nodeId, final String name, final String endpoint,
                             final Map<String, Long> resources, final Map<String, String> labels) {
        final long id = ++nextCorrelationId;
        call("registerNode('" + name + "')", REGISTER_NODE, id,
            encodeRegisterNode(command, 0, id, nodeId, name, endpoint, resources, labels));
    }

    /**
     * One node of {@link #listNodes()}.
     *
     * @param nodeId   of this incarnation of the node.
     * @param name     its name.
     * @param endpoint where other members reach it, or empty.
     * @param status   its record.
     */
    public record Member(long nodeId, String name, String endpoint, NodeStatus status) {
    }

    /**
     * The node table at one membership version.
     *
     * @param version the membership version.
     * @param members every node, alive or dead.
     */
    public record Membership(long version, java.util.List<Member> members) {
    }

    /**
     * Reads every node ({@link ControlCodec#LIST_NODES}), page by page, as of one membership version.
     *
     * @return the table and its membership version.
     * @throws IllegalStateException if the membership changed while every one of several readings was under way.
     */
    public Membership listNodes() {
        return NodeListing.list(this);
    }

    /**
     * @param nodeId    of the node.
     * @param available available resources, fixed point.
     * @throws ControlRejection NOT_FOUND if not registered, CONFLICT if declared dead (register it again).
     */
    public long heartbeat(final long nodeId, final Map<String, Long> available) {
        return heartbeat(nodeId, available, timeoutNs);
    }

    /**
     * {@link #heartbeat(long, Map)} that waits at most replyTimeoutNs: a heartbeat lost to a leader that died must
     * not hold up the next one for the whole call timeout.
     *
     * @param nodeId         of the node.
     * @param available      available resources, fixed point.
     * @param replyTimeoutNs limit on the offer and the reply together.
     * @return the membership version.
     */
    public long heartbeat(final long nodeId, final Map<String, Long> available, final long replyTimeoutNs) {
        final long id = ++nextCorrelationId;
        final String operation = "heartbeat(" + nodeId + ")";
        call(operation, HEARTBEAT, id, encodeHeartbeat(command, 0, id, nodeId, available), replyTimeoutNs);
        try {
            final long version = reader.readLong("membership version");
            endOfReply(operation);
            return version;
        } catch (final ControlRejection ex) {
            throw malformedReply(operation, ex);
        }
    }

    /**
     * @param nodeId of the node to remove.
     * @throws ControlRejection NOT_FOUND if not registered.
     */
    public void deregisterNode(final long nodeId) {
        final long id = ++nextCorrelationId;
        call("deregisterNode(" + nodeId + ")", DEREGISTER_NODE, id,
            encodeNodeCommand(command, 0, DEREGISTER_NODE, id, nodeId));
    }

    /**
     * Reads a node's record ({@link ControlCodec#GET_NODE}).
     *
     * @param nodeId of the node.
     * @return its record, including whether it is alive.
     * @throws ControlRejection NOT_FOUND if not registered.
     */
    public NodeStatus nodeStatus(final long nodeId) {
        final long id = ++nextCorrelationId;
        final String operation = "nodeStatus(" + nodeId + ")";
        call(operation, GET_NODE, id, encodeNodeCommand(command, 0, GET_NODE, id, nodeId));
        try {
            final NodeStatus status = ControlCodec.readNodeStatus(reader, nodeId);
            endOfReply(operation);
            return status;
        } catch (final ControlRejection ex) {
            throw malformedReply(operation, ex);
        }
    }

    /**
     * @param name        of the actor.
     * @param ownerNodeId node that hosts it; must be registered and alive.
     * @param actorId     its id on that node.
     * @throws ControlRejection CONFLICT if the name is taken or the owner is dead, NOT_FOUND if the owner is unknown.
     */
    public void registerActor(final String name, final long ownerNodeId, final long actorId) {
        final long id = ++nextCorrelationId;
        call("registerActor('" + name + "')", REGISTER_ACTOR, id,
            encodeRegisterActor(command, 0, id, name, ownerNodeId, actorId));
    }

    /**
     * @param name of the actor.
     * @return where it lives.
     * @throws ControlRejection NOT_FOUND if no actor has that name.
     */
    public ControlState.Actor lookupActor(final String name) {
        final long id = ++nextCorrelationId;
        final String operation = "lookupActor('" + name + "')";
        call(operation, LOOKUP_ACTOR, id, encodeNameCommand(command, 0, LOOKUP_ACTOR, id, name));
        try {
            final long owner = reader.readLong("owner node id");
            final long actorId = reader.readLong("actor id");
            endOfReply(operation);
            return new ControlState.Actor(name, owner, actorId);
        } catch (final ControlRejection ex) {
            throw malformedReply(operation, ex);
        }
    }

    /**
     * @param name of the actor to remove.
     * @throws ControlRejection NOT_FOUND if no actor has that name.
     */
    public void removeActor(final String name) {
        final long id = ++nextCorrelationId;
        call("removeActor('" + name + "')", REMOVE_ACTOR, id, encodeNameCommand(command, 0, REMOVE_ACTOR, id, name));
    }

    /**
     * @param key   of the entry.
     * @param value of the entry.
     * @throws ControlRejection INVALID if the key, value or store limits are exceeded.
     */
    public void kvPut(final String key, final byte[] value) {
        final long id = ++nextCorrelationId;
        call("kvPut('" + key + "')", KV_PUT, id, encodeKvPut(command, 0, id, key, value));
    }

    /**
     * @param key of the entry.
     * @return a copy of its value.
     * @throws ControlRejection NOT_FOUND if the key is not present.
     */
    public byte[] kvGet(final String key) {
        final long id = ++nextCorrelationId;
        final String operation = "kvGet('" + key + "')";
        call(operation, KV_GET, id, encodeNameCommand(command, 0, KV_GET, id, key));
        try {
            final byte[] value = reader.readBytes("value", ControlState.MAX_VALUE_BYTES);
            endOfReply(operation);
            return value;
        } catch (final ControlRejection ex) {
            throw malformedReply(operation, ex);
        }
    }

    /**
     * @param key of the entry to delete.
     * @throws ControlRejection NOT_FOUND if the key is not present.
     */
    public void kvDelete(final String key) {
        final long id = ++nextCorrelationId;
        call("kvDelete('" + key + "')", KV_DELETE, id, encodeNameCommand(command, 0, KV_DELETE, id, key));
    }

    /**
     * Closes the cluster session.
     */
    @Override
    public void close() {
        CloseHelper.close(cluster);
    }

    /** @return the member id of the control store's leader as this client last heard it. */
    public int leaderMemberId() {
        return cluster.leaderMemberId();
    }

    /**
     * Offers the command in {@link #command}, awaits its reply and leaves {@link #reader} on the reply's body.
     */
    private void call(final String operation, final int type, final long correlationId, final int length) {
        call(operation, type, correlationId, length, timeoutNs);
    }

    private void call(final String operation, final int type, final long correlationId, final int length,
                      final long callTimeoutNs) {
        final long deadlineNs = System.nanoTime() + callTimeoutNs;
        pipeline.flush(offer); // commands sent before this one go first
        awaitedCorrelationId = correlationId;
        replyLength = -1;
        try {
            offer(operation, command, 0, length, deadlineNs, callTimeoutNs);
            idleStrategy.reset();
            while (replyLength < 0) {
                final int work = cluster.pollEgress();
                if (replyLength >= 0) {
                    break;
                }
                checkOpen(operation);
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new ControlTimeoutException(operation, TimeUnit.NANOSECONDS.toMillis(callTimeoutNs), "no reply");
                }
                idleStrategy.idle(work);
            }
        } finally {
            awaitedCorrelationId = NO_REPLY;
        }
        if (replyLength < REPLY_HEADER_LENGTH || replyType(reply, 0) != type) {
            throw new IllegalStateException(operation + ": malformed reply of " + replyLength + " bytes, type " +
                (replyLength >= 4 ? replyType(reply, 0) : -1) + ", expected " + type);
        }
        final ControlStatus status = replyStatus(reply, 0);
        reader.wrap(reply, REPLY_HEADER_LENGTH, replyLength - REPLY_HEADER_LENGTH);
        if (status == ControlStatus.OK) {
            return;
        }
        if (status == null) {
            throw new IllegalStateException(operation + ": unknown status code " +
                reply.getInt(STATUS_OFFSET, ORDER));
        }
        final String message;
        try {
            message = reader.readString("message", MAX_MESSAGE_BYTES);
        } catch (final ControlRejection ex) {
            throw malformedReply(operation, ex);
        }
        throw new ControlRejection(status, operation + ": " + message);
    }

    private void offerPipelined(final String operation, final DirectBuffer buffer, final int offset, final int length,
                                final long deadlineNs) {
        offer(operation, buffer, offset, length, deadlineNs, timeoutNs);
    }

    private void offer(final String operation, final DirectBuffer buffer, final int offset, final int length,
                       final long deadlineNs, final long callTimeoutNs) {
        idleStrategy.reset();
        for (int attempt = 1; ; attempt++) {
            final long result = cluster.offer(buffer, offset, length);
            if (result > 0) {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                throw new IllegalStateException(operation + ": offer failed: " + Publication.errorString(result));
            }
            checkOpen(operation);
            if (attempt >= maxOfferAttempts) {
                throw new IllegalStateException(operation + ": offer refused " + attempt + " times, last: " +
                    Publication.errorString(result));
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new ControlTimeoutException(operation, TimeUnit.NANOSECONDS.toMillis(callTimeoutNs),
                    "offer not accepted (" + Publication.errorString(result) + ")");
            }
            idleStrategy.idle(cluster.pollEgress()); // keeps the session serviced while back-pressured
        }
    }

    private void checkOpen(final String operation) {
        if (cluster.isClosed()) {
            throw new IllegalStateException(operation + ": cluster session is closed");
        }
    }

    private void endOfReply(final String operation) {
        if (reader.remaining() != 0) {
            throw new IllegalStateException(operation + ": reply has " + reader.remaining() + " trailing bytes");
        }
    }

    private static IllegalStateException malformedReply(final String operation, final ControlRejection cause) {
        return new IllegalStateException(operation + ": malformed reply: " + cause.getMessage(), cause);
    }

    private void onEgress(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header) {
        if (awaitedCorrelationId != NO_REPLY && replyLength < 0 && length >= REPLY_HEADER_LENGTH &&
            replyCorrelationId(buffer, offset) == awaitedCorrelationId) {
            reply.putBytes(0, buffer, offset, length);
            replyLength = length;
        } else {
            pipeline.onReply(buffer, offset, length);
        }
    }
}
