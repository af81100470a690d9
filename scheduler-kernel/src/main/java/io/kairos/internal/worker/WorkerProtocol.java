package io.kairos.internal.worker;

import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.object.JavaSerialization;
import io.kairos.store.ObjectId;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The messages between the kernel and a worker process, over the process's stdin (requests) and stdout (replies),
 * one request at a time. The process first writes {@link #MAGIC} and its pid.
 *
 * <pre>
 * request: op (int), task id (long), actor id (long), attempt (int), name (UTF), node id (UTF),
 *          resources: count (int), (name UTF, amount double)*, GPUs: count (int), (instance int, share double)*,
 *          function: length (int), Java-serialized bytes, arity (int), values
 * reply:   OK (byte 0), value | THREW (byte 1), length (int), the Java-serialized Throwable
 * value:   NULL (byte 0) | INLINE (byte 1), length (int), {@link ValueCodec} bytes
 *          | STORED (byte 2), object id (long hi, long lo), length (int): an object in the shared store
 * get:     GET (byte 2), object id (long), timeout ms (long, -1: none), probe (boolean): sent by the process, any
 *          number of times while a request runs and before its reply, for an ObjectRef that came inside a value
 *          ({@link ObjectExports}); answered with OK (byte 0) and the value (probe: a boolean, whether it is done),
 *          or THREW as a reply
 * </pre>
 */
public final class WorkerProtocol {
    public static final int MAGIC = 0x4B414952;

    public static final int TASK = 1;
    public static final int CREATE_ACTOR = 2;
    public static final int ACTOR_CALL = 3;

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
