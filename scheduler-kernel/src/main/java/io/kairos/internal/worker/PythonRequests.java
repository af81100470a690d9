package io.kairos.internal.worker;

import io.kairos.exception.PythonException;
import io.kairos.internal.object.CrossLanguage;
import io.kairos.internal.object.ValueCodec;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The requests to a Python worker ({@code python -m kairos.worker}, {@code python/README.md}): the frames and
 * notices of {@link WorkerProtocol}, with what Python reads in them. Ints are big-endian; values are in the
 * cross-language format ({@link CrossLanguage}).
 *
 * <pre>
 * request: op (int: TASK, CREATE_ACTOR, ACTOR_CALL), task id (long), actor id (long), attempt (int),
 *          name (int length, UTF-8), function ("module:qualname", or the method's name for a call: int length, UTF-8),
 *          GPUs: count (int), instances (int)*, arguments: length (int), one value (a LIST of them; an argument in the
 *          shared store goes as a REF to it, which Python reads in place)
 * reply:   OK (byte 0), [not for CREATE_ACTOR] NULL (byte 0) | INLINE (byte 1), length (int), a value (type id 2, or
 *          3: a pickle) | STORED (byte 2), object id (16 bytes), length (int): pinned there until RELEASE_RESULT
 *          | THREW (byte 1), length (int), a value: MAP {"type", "message", "traceback"}
 * </pre>
 */
public final class PythonRequests {
    private PythonRequests() {
    }

    /** Writes a request; args are Java values ({@link CrossLanguage#writable}) and {@link CrossLanguage.StoreRef}s. */
    public static void write(final DataOutputStream out, final int op, final long taskId, final long actorId,
                             final int attempt, final String name, final PythonFunction function, final int[] gpus,
                             final List<Object> args) throws IOException {
        out.writeInt(op);
        out.writeLong(taskId);
        out.writeLong(actorId);
        out.writeInt(attempt);
        writeString(out, name);
        writeString(out, function.name());
        out.writeInt(gpus.length);
        for (final int gpu : gpus) {
            out.writeInt(gpu);
        }
        final long length = CrossLanguage.end(args, ValueCodec.HEADER);
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the arguments are " + length + " bytes inline, more than a message"
                + " holds: put large values in the store first (kernel.put) and pass their refs");
        }
        final ByteBuffer value = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        value.putInt(CrossLanguage.TYPE_ID).putInt(0);
        CrossLanguage.write(args, value, ValueCodec.HEADER);
        out.writeInt(value.capacity());
        out.write(value.array());
    }

    private static void writeString(final DataOutputStream out, final String s) throws IOException {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** The Python exception a THREW reply carries (its value's bytes). */
    public static PythonException thrown(final byte[] value) {
        final ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        final Object decoded;
        try {
            if (in.getInt(0) != CrossLanguage.TYPE_ID) {
                throw new IllegalStateException("type id " + in.getInt(0) + ", not " + CrossLanguage.TYPE_ID);
            }
            decoded = CrossLanguage.read(in.position(ValueCodec.HEADER), ValueCodec.HEADER);
        } catch (final RuntimeException e) {
            return new PythonException("kairos.ProtocolError", "the Python worker's error report is unreadable: " + e,
                "");
        }
        final Map<?, ?> map = decoded instanceof Map ? (Map<?, ?>) decoded : Map.of();
        return new PythonException(String.valueOf(map.get("type")), String.valueOf(map.get("message")),
            map.get("traceback") == null ? "" : String.valueOf(map.get("traceback")));
    }
}
