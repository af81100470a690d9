package io.kairos.cluster.aeron;

import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Runs {@link ControlState} as an Aeron Cluster {@link ClusteredService}: each session message is one command,
 * applied with the log's timestamp and answered on the session; a cluster timer declares silent nodes dead.
 * Deterministic: it reads no wall clock and draws no random number, so replaying the log rebuilds the same state.
 * <p>
 * Snapshot stream layout (after the container's own records), in fragments of at most the publication's max payload:
 * <pre>
 *   0                4                8
 *   +----------------+----------------+---------------------------
 *   | length (int)   | timer (int)    | {@link ControlState#writeSnapshot} bytes ...
 *   +----------------+----------------+---------------------------
 * </pre>
 * where length counts the whole record, header included, and timer is 1 once the expiry timer is scheduled.
 */
public final class ControlService implements ClusteredService {
    /** Correlation id of the node-expiry timer. */
    public static final long EXPIRY_TIMER_ID = 1;
    /** Default period of the node-expiry timer. */
    public static final long DEFAULT_EXPIRY_INTERVAL_MS = 1_000;

    static final int SNAPSHOT_LENGTH_OFFSET = 0;
    static final int SNAPSHOT_TIMER_OFFSET = 4;
    static final int SNAPSHOT_HEADER_LENGTH = 8;
    private static final int REPLY_OFFER_ATTEMPTS = 10_000;

    private final ControlState state = new ControlState();
    private final ControlCommandHandler handler = new ControlCommandHandler(state);
    private final long nodeTimeoutMs;
    private final long expiryIntervalMs;
    private Cluster cluster;
    private IdleStrategy idleStrategy;
    private boolean expiryTimerScheduled;

    /**
     * A service with {@link ControlState#DEFAULT_NODE_TIMEOUT_MS} and {@link #DEFAULT_EXPIRY_INTERVAL_MS}.
     */
    public ControlService() {
        this(ControlState.DEFAULT_NODE_TIMEOUT_MS, DEFAULT_EXPIRY_INTERVAL_MS);
    }

    /**
     * @param nodeTimeoutMs    silence after which a node is declared dead.
     * @param expiryIntervalMs period of the check; every member must use the same values.
     */
    public ControlService(final long nodeTimeoutMs, final long expiryIntervalMs) {
        if (nodeTimeoutMs <= 0 || expiryIntervalMs <= 0) {
            throw new IllegalArgumentException("nodeTimeoutMs and expiryIntervalMs must be > 0, were " +
                nodeTimeoutMs + " and " + expiryIntervalMs);
        }
        this.nodeTimeoutMs = nodeTimeoutMs;
        this.expiryIntervalMs = expiryIntervalMs;
    }

    /**
     * @return the state; read it only from the service thread, or after the service has stopped.
     */
    public ControlState state() {
        return state;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage) {
        this.cluster = cluster;
        this.idleStrategy = cluster.idleStrategy();
        if (snapshotImage != null) {
            loadSnapshot(snapshotImage);
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp) {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason) {
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header) {
        if (!expiryTimerScheduled) {
            scheduleExpiry(timestamp);
            expiryTimerScheduled = true;
        }
        final int replyLength = handler.onCommand(buffer, offset, length, toMillis(timestamp));
        reply(session, handler.replyBuffer(), replyLength);
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp) {
        if (correlationId == EXPIRY_TIMER_ID) {
            state.expire(toMillis(timestamp), nodeTimeoutMs);
            scheduleExpiry(timestamp);
        }
    }

    /**
     * A new leader: every live node gets a full timeout from now and another for the election itself (its session
     * must hear of the new leader; a heartbeat sent to the old one is lost), so that nodes whose heartbeats were lost
     * to the election are not declared dead for it. A log event: every member does the same.
     */
    @Override
    public void onNewLeadershipTermEvent(
        final long leadershipTermId, final long logPosition, final long timestamp, final long termBaseLogPosition,
        final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit, final int appVersion) {
        state.touchAlive(timeUnit.toMillis(timestamp) + nodeTimeoutMs);
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        final int length = SNAPSHOT_HEADER_LENGTH + state.writeSnapshot(buffer, SNAPSHOT_HEADER_LENGTH);
        buffer.putInt(SNAPSHOT_LENGTH_OFFSET, length, ControlCodec.ORDER);
        buffer.putInt(SNAPSHOT_TIMER_OFFSET, expiryTimerScheduled ? 1 : 0, ControlCodec.ORDER);
        final int chunk = snapshotPublication.maxPayloadLength();
        for (int offset = 0; offset < length; offset += chunk) {
            final int chunkLength = Math.min(chunk, length - offset);
            idleStrategy.reset();
            long result;
            while ((result = snapshotPublication.offer(buffer, offset, chunkLength)) < 0) {
                if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED ||
                    result == Publication.MAX_POSITION_EXCEEDED) {
                    throw new IllegalStateException("snapshot publication failed: " + Publication.errorString(result));
                }
                idleStrategy.idle();
            }
        }
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole) {
    }

    @Override
    public void onTerminate(final Cluster cluster) {
    }

    private void loadSnapshot(final Image image) {
        final ExpandableArrayBuffer assembled = new ExpandableArrayBuffer(4096);
        final int[] received = {0};
        final ControlledFragmentHandler appender = (buffer, offset, length, header) -> {
            if (received[0] >= SNAPSHOT_HEADER_LENGTH &&
                received[0] >= assembled.getInt(SNAPSHOT_LENGTH_OFFSET, ControlCodec.ORDER)) {
                return ControlledFragmentHandler.Action.ABORT; // ours is complete: leave the rest to the container
            }
            assembled.putBytes(received[0], buffer, offset, length);
            received[0] += length;
            return ControlledFragmentHandler.Action.CONTINUE;
        };
        idleStrategy.reset();
        while (received[0] < SNAPSHOT_HEADER_LENGTH ||
            received[0] < assembled.getInt(SNAPSHOT_LENGTH_OFFSET, ControlCodec.ORDER)) {
            final int fragments = image.controlledPoll(appender, 16);
            if (fragments == 0 && (image.isClosed() || image.isEndOfStream())) {
                throw new IllegalStateException("snapshot ended after " + received[0] + " bytes of control state");
            }
            idleStrategy.idle(fragments);
        }
        final int length = assembled.getInt(SNAPSHOT_LENGTH_OFFSET, ControlCodec.ORDER);
        if (received[0] != length) {
            throw new IllegalStateException("snapshot record is " + received[0] + " bytes, header says " + length);
        }
        expiryTimerScheduled = assembled.getInt(SNAPSHOT_TIMER_OFFSET, ControlCodec.ORDER) != 0;
        state.loadSnapshot(assembled, SNAPSHOT_HEADER_LENGTH, length - SNAPSHOT_HEADER_LENGTH);
    }

    private void scheduleExpiry(final long timestamp) {
        final long deadline = timestamp + cluster.timeUnit().convert(expiryIntervalMs, TimeUnit.MILLISECONDS);
        idleStrategy.reset();
        while (!cluster.scheduleTimer(EXPIRY_TIMER_ID, deadline)) {
            idleStrategy.idle();
        }
    }

    private long toMillis(final long timestamp) {
        return cluster.timeUnit().toMillis(timestamp);
    }

    private void reply(final ClientSession session, final DirectBuffer buffer, final int length) {
        idleStrategy.reset();
        for (int attempt = 0; attempt < REPLY_OFFER_ATTEMPTS; attempt++) {
            final long result;
            try {
                result = session.offer(buffer, 0, length);
            } catch (final IllegalArgumentException tooLong) {  // longer than the session's largest message
                System.err.println("kairos control store: a reply of " + length + " bytes is longer than a client "
                    + "session takes; not sent (" + tooLong.getMessage() + ")");
                return;  // the service lives on; the client's request times out
            }
            if (result > 0 || result == ClientSession.MOCKED_OFFER) {
                return;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION) {
                return; // the client is gone; it will ask again on a new session
            }
            idleStrategy.idle();
        }
    }
}
