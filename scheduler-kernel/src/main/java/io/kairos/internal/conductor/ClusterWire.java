package io.kairos.internal.conductor;

import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.worker.WorkerProtocol;
import io.kairos.spi.scheduling.FixedPoint;
import org.agrona.ExpandableArrayBuffer;

/**
 * The buffer the conductor writes its messages to other cluster members in, and how demands, calls and values go
 * into it ({@link ClusterLink} lists the messages). Conductor thread only.
 */
final class ClusterWire {
    final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final ResourceRegistry registry;
    private final ValueCodec codec;
    private Object lastFunction;
    private byte[] lastFunctionBytes;

    ClusterWire(final ResourceRegistry registry, final ValueCodec codec) {
        this.registry = registry;
        this.codec = codec;
    }

    /** The demand's positive amounts by name: count (int), (name string, units double)*. */
    int putDemand(final int start, final long[] demand) {
        int at = start;
        final int countAt = at;
        at += 4;
        int count = 0;
        for (int r = 0; r < demand.length; r++) {
            if (demand[r] > 0) {
                at += out.putStringUtf8(at, registry.name(r));
                out.putDouble(at, FixedPoint.toUnits(demand[r]));
                at += 8;
                count++;
            }
        }
        out.putInt(countAt, count);
        return at;
    }

    /** A value sent by reference: REF (byte 3), export id (long), length (long) ({@link ArgExports}). */
    static final byte REF = 3;
    /**
     * An object the receiving member holds for the sender ({@link HeldResults}): HELD (byte 4), the sender's object id
     * (long). The task was sent where its argument is, which reads it in place.
     */
    static final byte HELD = 4;

    /** Where this kernel's objects are held elsewhere (owner side); null for a wire that only answers. */
    ObjectPulls pulls;

    /** The function, then the arity and the argument values (all inline). */
    int putCall(final int start, final TaskSpec task) {
        return putCall(start, task, null, null);
    }

    /**
     * The function, then the arity and the argument values; with exports, a large stored argument goes by reference
     * to that member.
     */
    int putCall(final int start, final TaskSpec task, final ArgExports exports, final String member) {
        int at = start;
        final byte[] function = functionBytes(task.function);
        out.putInt(at, function.length);
        at += 4;
        out.putBytes(at, function);
        at += function.length;
        out.putInt(at, task.arity);
        at += 4;
        for (int i = 0; i < task.arity; i++) {
            final Object arg = task.args[i];
            if (task.heldArgs && arg instanceof ObjectState && member != null && pulls != null
                && member.equals(pulls.holder((ObjectState) arg))) {
                out.putByte(at, HELD);
                out.putLong(at + 1, ((ObjectState) arg).id);
                at += 9;
                continue;
            }
            final long exportId = exports != null && arg instanceof ObjectState
                ? exports.export(task.taskId(), member, (ObjectState) arg) : 0;
            if (exportId != 0) {
                out.putByte(at, REF);
                out.putLong(at + 1, exportId);
                out.putLong(at + 9, ((ObjectState) arg).storedValue().length);
                at += 17;
                continue;
            }
            at = putValue(at, arg instanceof ObjectState ? ((ObjectState) arg).value() : arg, "argument " + i);
        }
        return at;
    }

    private byte[] functionBytes(final Object function) {
        if (function != lastFunction) {  // a method reference or lambda without captures is one object: one copy
            lastFunctionBytes = JavaSerialization.toBytes(function);
            lastFunction = function;
        }
        return lastFunctionBytes;
    }

    /** NULL (byte 0) | INLINE (byte 1), length (int), the {@link ValueCodec} bytes. */
    int putValue(final int at, final Object value, final String what) {
        if (value == null) {
            out.putByte(at, WorkerProtocol.NULL);
            return at + 1;
        }
        return putEncoded(at, codec.encode(value, what));
    }

    /** An encoded value: INLINE (byte 1), length (int), the bytes. */
    int putEncoded(final int at, final byte[] bytes) {
        out.putByte(at, WorkerProtocol.INLINE);
        out.putInt(at + 1, bytes.length);
        out.putBytes(at + 5, bytes);
        return at + 5 + bytes.length;
    }
}
