package io.kairos.internal.conductor;

import io.kairos.exception.TaskFailedException;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.worker.WorkerProtocol;
import io.kairos.spi.cluster.ClusterTransport;
import org.agrona.ExpandableArrayBuffer;

/**
 * Executor side: the RESULT of a task another member forwarded here goes back to its owner ({@link ClusterLink}
 * describes the message). A result of at least {@link HeldResults#HOLD_THRESHOLD_BYTES} stays here
 * ({@link HeldResults}) and the RESULT only says how long it is; a smaller one travels inline. Conductor thread only.
 */
final class ClusterResults {
    private final ClusterTransport transport;
    private final ClusterWire wire;
    private final ExpandableArrayBuffer out;
    private final ValueCodec codec;
    private final HeldResults held;

    ClusterResults(final ClusterTransport transport, final ClusterWire wire, final ValueCodec codec,
                   final HeldResults held) {
        this.transport = transport;
        this.wire = wire;
        this.out = wire.out;
        this.codec = codec;
        this.held = held;
    }

    /** A forwarded task is done here: its result, or where it is held, goes back to its owner. */
    void send(final TaskSpec task) {
        int length;
        try {
            length = encodeResult(task, task.result.status() == ObjectState.READY, null);
        } catch (final RuntimeException e) {
            length = encodeResult(task, false, new TaskFailedException(task.name(),
                "its result could not be sent back: " + e.getMessage(), e));
        }
        if (length > transport.maxMessageBytes()) {
            length = encodeResult(task, false, new TaskFailedException(task.name(), "its result takes " + length
                + " bytes, more than the cluster's message limit of " + transport.maxMessageBytes() + " bytes", null));
        }
        transport.send(task.origin.node(), out.byteArray(), 0, length);  // false: the owner left, no one waits
        final Stored stored = task.result.storedValue();
        if (stored != null && !held.holds(task.origin.node(), task.origin.taskId())) {
            stored.freeIfUnread();  // sent inline: nothing here reads this copy again (not left for a collection)
        }
    }

    /** A forwarded task that cannot even be built here (its class is missing) fails at its owner. */
    void refuse(final String owner, final long taskId, final int attempt, final RuntimeException error) {
        transport.send(owner, out.byteArray(), 0, putError(putResultHeader(taskId, attempt), error));
    }

    private int putResultHeader(final long taskId, final int attempt) {
        out.putInt(0, ClusterLink.RESULT);
        out.putLong(4, taskId);
        out.putInt(12, attempt);
        return 16;
    }

    private int encodeResult(final TaskSpec task, final boolean ok, final RuntimeException override) {
        int at = putResultHeader(task.origin.taskId(), task.origin.attempt());
        if (!ok || override != null) {
            return putError(at, override != null ? override : task.result.error());
        }
        final boolean holdable = task.kind == TaskSpec.Kind.TASK;  // an actor call's result travels inline
        final Stored stored = task.result.storedValue();
        if (holdable && stored != null && stored.length >= HeldResults.HOLD_THRESHOLD_BYTES) {
            return putHeld(at, held.hold(task.origin.node(), task.origin.taskId(), task.result, stored));
        }
        final Object value = task.result.value();
        if (value == null) {
            out.putByte(at++, ClusterLink.RESULT_VALUE);
            return wire.putValue(at, null, "result");
        }
        final byte[] bytes = codec.encode(value, "result");
        if (holdable && bytes.length >= HeldResults.HOLD_THRESHOLD_BYTES) {
            return putHeld(at, held.hold(task.origin.node(), task.origin.taskId(), bytes));
        }
        out.putByte(at++, ClusterLink.RESULT_VALUE);
        return wire.putEncoded(at, bytes);
    }

    private int putHeld(final int start, final long length) {
        out.putByte(start, ClusterLink.RESULT_HELD);
        out.putLong(start + 1, length);
        return start + 9;
    }

    private int putError(final int start, final RuntimeException error) {
        int at = start;
        out.putByte(at++, ClusterLink.RESULT_ERROR);
        final byte[] bytes = WorkerProtocol.throwableBytes(error);
        out.putInt(at, bytes.length);
        out.putBytes(at + 4, bytes);
        return at + 4 + bytes.length;
    }
}
