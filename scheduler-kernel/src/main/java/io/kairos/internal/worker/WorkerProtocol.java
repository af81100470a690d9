package io.kairos.internal.worker;

import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.store.ObjectId;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The messages between the kernel and a worker process, over the process's stdin (to it) and stdout (from it). The
 * process first writes {@link #MAGIC} and its pid; then every message both ways is a frame: channel (long), length
 * (int), payload. Each request opens a channel of its own (the kernel numbers them from 1), so several requests run
 * at once in one process (the actors it hosts); everything about that request, the gets it makes included, goes on
 * its channel. Channel 0 carries the kernel's notices, which have no answer.
 *
 * <pre>
 * request: op (int), task id (long), actor id (long), attempt (int), name (UTF), node id (UTF),
 *          resources: count (int), (name UTF, amount double)*, GPUs: count (int), (instance int, share double)*,
 *          function: length (int), Java-serialized bytes, arity (int), values
 * reply:   OK (byte 0), value | THREW (byte 1), length (int), the Java-serialized Throwable
 * value:   NULL (byte 0) | INLINE (byte 1), length (int), {@link ValueCodec} bytes
 *          | STORED (byte 2), object id (long hi, long lo), length (int): an object in the shared store
 * get:     GET (byte 2), object id (long), timeout ms (long, -1: none), probe (boolean): sent by the process on a
 *          request's channel, any number of times before its reply, for an ObjectRef that came inside a value
 *          ({@link ObjectExports}); answered on that channel with OK (byte 0) and the value (probe: a boolean, whether
 *          it is done), or THREW as a reply
 * notices (channel 0): DROP_ACTOR (int 4), actor id (long), 0 (long): the actor is gone, forget its instance;
 *          RELEASE_RESULT (int 5), object id (long hi, long lo): the kernel holds the STORED result now, drop the pin
 * </pre>
 */
public final class WorkerProtocol {
    public static final int MAGIC = 0x4B414952;

    public static final int TASK = 1;
    public static final int CREATE_ACTOR = 2;
    public static final int ACTOR_CALL = 3;
    /** Notice: forget an actor's instance. */
    public static final int DROP_ACTOR = 4;
    /** Notice: the kernel holds a stored result; the process may drop its pin. */
    public static final int RELEASE_RESULT = 5;

    public static final byte OK = 0;
    public static final byte THREW = 1;
    /** From the process while a request runs: it asks for an object by id. */
    public static final byte GET = 2;

    public static final byte NULL = 0;
    public static final byte INLINE = 1;
    public static final byte STORED = 2;

    private WorkerProtocol() {
    }

    public static void writeBytes(final DataOutputStream out, final byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static byte[] readBytes(final DataInputStream in) throws IOException {
        final int length = in.readInt();
        if (length < 0) {
            throw new IOException("negative length " + length);
        }
        final byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    public static void writeStored(final DataOutputStream out, final ObjectId id, final int length) throws IOException {
        out.writeByte(STORED);
        out.writeLong(id.hi());
        out.writeLong(id.lo());
        out.writeInt(length);
    }

    /** A throwable as bytes: itself if it serializes, else a RuntimeException with its description and stack. */
    public static byte[] throwableBytes(final Throwable t) {
        try {
            return JavaSerialization.toBytes(t);
        } catch (final RuntimeException e) {
            final RuntimeException stand = new RuntimeException(String.valueOf(t));
            stand.setStackTrace(t.getStackTrace());
            return JavaSerialization.toBytes(stand);
        }
    }

}
