package io.kairos.internal.conductor;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named actor as the metadata store keeps it for a restart (little-endian): its limits, its {@link ActorOptions}
 * and its constructor as a journal SUBMITTED record ({@link KernelRestart}).
 *
 * <pre>
 *   layout 2 (written now):
 *   0            8         16               20            24                28               32      36
 *   +------------+---------+----------------+-------------+-----------------+----------------+-------+-------------
 *   | LAYOUT_2   | id      | maxConcurrency | maxRestarts | maxPendingCalls | maxTaskRetries | flags | group count
 *   | (long)     | (long)  | (int)          | (int)       | (int)           | (int)          | (int) | (int)
 *   +------------+---------+----------------+-------------+-----------------+----------------+-------+-------------
 *   then per group, in declaration order: name (int length, UTF-8 bytes), limit (int); then the constructor record.
 *   flags: 1 = detached.
 *
 *   layout 1 (read only; written before maxTaskRetries and groups were kept):
 *   0: id (long), 8: maxConcurrency, 12: maxRestarts, 16: maxPendingCalls (ints), 20: the constructor record.
 * </pre>
 *
 * A layout 1 value starts with the actor's id, which is positive; {@link #LAYOUT_2} is negative, so the first long
 * tells the layouts apart.
 */
final class KeptActor {
    static final long LAYOUT_2 = 0x8000_0000_4B41_0002L;
    private static final int LAYOUT_1_LENGTH = 20;
    private static final int FIXED_LENGTH = 40;
    private static final int DETACHED = 1;

    final long id;
    final int maxConcurrency;
    final int maxRestarts;
    final int maxPendingCalls;
    /** The actor's options, or null for none (the defaults). */
    final ActorOptions options;
    /** Where the constructor's SUBMITTED record starts. */
    final int constructorOffset;

    private KeptActor(final long id, final int maxConcurrency, final int maxRestarts, final int maxPendingCalls,
                      final ActorOptions options, final int constructorOffset) {
        this.id = id;
        this.maxConcurrency = maxConcurrency;
        this.maxRestarts = maxRestarts;
        this.maxPendingCalls = maxPendingCalls;
        this.options = options;
        this.constructorOffset = constructorOffset;
    }

    /** The value to keep for this actor: its options and the constructor record's first length bytes. */
    static byte[] write(final ActorState actor, final DirectBuffer constructor, final int length) {
        final ActorOptions options = actor.options;
        final byte[][] names = new byte[options.groupNames.length][];
        int size = FIXED_LENGTH;
        for (int i = 0; i < names.length; i++) {
            names[i] = options.groupNames[i].getBytes(StandardCharsets.UTF_8);
            size += 8 + names[i].length;
        }
        final byte[] value = new byte[size + length];
        final UnsafeBuffer out = new UnsafeBuffer(value);
        out.putLong(0, LAYOUT_2, ByteOrder.LITTLE_ENDIAN);
        out.putLong(8, actor.id, ByteOrder.LITTLE_ENDIAN);
        out.putInt(16, actor.maxConcurrency, ByteOrder.LITTLE_ENDIAN);
        out.putInt(20, actor.maxRestarts, ByteOrder.LITTLE_ENDIAN);
        out.putInt(24, actor.maxPendingCalls, ByteOrder.LITTLE_ENDIAN);
        out.putInt(28, options.maxTaskRetries, ByteOrder.LITTLE_ENDIAN);
        out.putInt(32, options.detached ? DETACHED : 0, ByteOrder.LITTLE_ENDIAN);
        out.putInt(36, names.length, ByteOrder.LITTLE_ENDIAN);
        int p = FIXED_LENGTH;
        for (int i = 0; i < names.length; i++) {
            out.putInt(p, names[i].length, ByteOrder.LITTLE_ENDIAN);
            out.putBytes(p + 4, names[i]);
            p += 4 + names[i].length;
            out.putInt(p, options.groupLimits[i], ByteOrder.LITTLE_ENDIAN);
            p += 4;
        }
        constructor.getBytes(0, value, p, length);
        return value;
    }

    /**
     * Reads a kept value of either layout.
     *
     * @throws IllegalStateException if the value is too short for its layout
     */
    static KeptActor read(final byte[] value) {
        final UnsafeBuffer in = new UnsafeBuffer(value);
        if (value.length < LAYOUT_1_LENGTH) {
            throw new IllegalStateException("its kept record is " + value.length + " bytes, too short");
        }
        if (in.getLong(0, ByteOrder.LITTLE_ENDIAN) != LAYOUT_2) {
            return new KeptActor(in.getLong(0, ByteOrder.LITTLE_ENDIAN), in.getInt(8, ByteOrder.LITTLE_ENDIAN),
                in.getInt(12, ByteOrder.LITTLE_ENDIAN), in.getInt(16, ByteOrder.LITTLE_ENDIAN), null, LAYOUT_1_LENGTH);
        }
        try {
            final int maxTaskRetries = in.getInt(28, ByteOrder.LITTLE_ENDIAN);
            final boolean detached = (in.getInt(32, ByteOrder.LITTLE_ENDIAN) & DETACHED) != 0;
            final Map<String, Integer> groups = new LinkedHashMap<>();
            int p = FIXED_LENGTH;
            for (int i = in.getInt(36, ByteOrder.LITTLE_ENDIAN); i > 0; i--) {
                final int nameLength = in.getInt(p, ByteOrder.LITTLE_ENDIAN);
                final byte[] name = new byte[nameLength];
                in.getBytes(p + 4, name);
                p += 4 + nameLength;
                groups.put(new String(name, StandardCharsets.UTF_8), in.getInt(p, ByteOrder.LITTLE_ENDIAN));
                p += 4;
            }
            final ActorOptions options = maxTaskRetries == 0 && groups.isEmpty() && !detached ? null
                : new ActorOptions(maxTaskRetries, groups, detached);
            return new KeptActor(in.getLong(8, ByteOrder.LITTLE_ENDIAN), in.getInt(16, ByteOrder.LITTLE_ENDIAN),
                in.getInt(20, ByteOrder.LITTLE_ENDIAN), in.getInt(24, ByteOrder.LITTLE_ENDIAN), options, p);
        } catch (final IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalStateException("its kept record (" + value.length + " bytes) is cut short: " + e, e);
        }
    }
}
