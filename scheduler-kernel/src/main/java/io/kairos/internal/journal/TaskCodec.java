package io.kairos.internal.journal;

import io.kairos.internal.object.JavaSerialization;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Encodes submitted tasks into journal records and decodes them on recovery. One instance per journal agent (its
 * thread only); decoding is static.
 *
 * <p>A task function is written once per class as a FUNCTION record (the fields of its
 * {@link SerializedLambda}: a method reference or lambda of a named class) and then referred to by id; a lambda's
 * captured values and the task's arguments are written by value: null, boxed primitives, strings and byte arrays
 * directly, an {@code ObjectRef} as its object id, anything else {@link Serializable} with Java serialization. A
 * function that is not a serializable lambda is written whole with Java serialization. A task whose function or an
 * argument cannot be written is journaled as UNREPLAYABLE, with the reason; so is a lambda that captures an object
 * reference (only arguments are resolved again on recovery).
 *
 * <p>SUBMITTED body: flags (int: 1 = isolated, 2 = in a named placement group), name (string), function id (int, -1: serialized function follows as a value),
 * captured count (int) and values, arity (int) and values, max retries (int), retry exceptions (byte), resource count
 * (int, -1: the default demand) and (name string, fixed-point amount long) pairs, then with flag 2 the placement
 * group's name (string) and the bundle index (int).
 */
public final class TaskCodec {
    static final byte NULL = 0;
    static final byte INT = 1;
    static final byte LONG = 2;
    static final byte DOUBLE = 3;
    static final byte BOOLEAN = 4;
    static final byte STRING = 5;
    static final byte BYTES = 6;
    static final byte REF = 7;
    static final byte SERIALIZED = 8;
    static final byte FLOAT = 9;
    static final byte SHORT = 10;
    static final byte BYTE = 11;
    static final byte CHAR = 12;

    /** SUBMITTED flags: runs in a worker process. */
    static final int FLAG_ISOLATED = 1;
    /** SUBMITTED flags: runs in a named placement group; its name (string) and bundle index (int) end the body. */
    static final int FLAG_GROUP = 2;

    /** Says whether an argument is a reference to an object of the kernel, and which. */
    public interface RefReader {
        /** The object id if the value is an object reference of the kernel, else -1. */
        long refId(Object value);
    }

    /** A task function class's id in the journal (-1: written whole per task) and its lambda fields. */
    private static final class FunctionInfo {
        final int id;
        final SerializedLambda lambda;

        FunctionInfo(final int id, final SerializedLambda lambda) {
            this.id = id;
            this.lambda = lambda;
        }
    }

    private final MutableDirectBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private final IdentityHashMap<Class<?>, FunctionInfo> functions = new IdentityHashMap<>();
    private final RefReader refs;
    private int nextFunctionId;
    private String failure;

    public TaskCodec(final RefReader refs, final int firstFunctionId) {
        this.refs = refs;
        this.nextFunctionId = firstFunctionId;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Writes a record header at 0 of the buffer. */
    private void header(final int type, final long id, final long timeNs) {
        buffer.putInt(JournalRecords.TYPE_OFFSET, type, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(JournalRecords.ID_OFFSET, id, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(JournalRecords.TIME_OFFSET, timeNs, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * If the function's class is new, encodes its FUNCTION record into the buffer and returns its length; else 0 (or
     * 0 too when the function cannot be described, which {@link #encodeSubmitted} then reports).
     */
    public int encodeFunctionIfNew(final Object function, final long timeNs) {
        if (functions.containsKey(function.getClass())) {
            return 0;
        }
        final SerializedLambda lambda = lambdaOf(function);
        if (lambda == null) {
            functions.put(function.getClass(), new FunctionInfo(-1, null));
            return 0;
        }
        final int id = nextFunctionId++;
        functions.put(function.getClass(), new FunctionInfo(id, lambda));
        header(JournalRecords.FUNCTION, id, timeNs);
        int p = JournalRecords.HEADER_LENGTH;
        p = putString(p, lambda.getCapturingClass());
        p = putString(p, lambda.getFunctionalInterfaceClass());
        p = putString(p, lambda.getFunctionalInterfaceMethodName());
        p = putString(p, lambda.getFunctionalInterfaceMethodSignature());
        buffer.putInt(p, lambda.getImplMethodKind(), ByteOrder.LITTLE_ENDIAN);
        p += 4;
        p = putString(p, lambda.getImplClass());
        p = putString(p, lambda.getImplMethodName());
        p = putString(p, lambda.getImplMethodSignature());
        p = putString(p, lambda.getInstantiatedMethodType());
        return p;
    }

    /**
     * Encodes a SUBMITTED record into the buffer.
     *
     * @param demand        fixed-point demand by resource index, or null for the default demand
     * @param resourceNames the name of each resource index
     * @param notRecoverable why the task cannot be run again after a restart (e.g. a placement group), or null
     * @return the record's length; if something cannot be written, an UNREPLAYABLE record's length instead
     */
    public int encodeSubmitted(final long taskId, final long timeNs, final String name, final Object function,
                               final int arity, final Object[] args, final long[] demand,
                               final IntFunction<String> resourceNames, final int maxRetries,
                               final boolean retryExceptions, final boolean isolated, final String group,
                               final int bundleIndex, final String notRecoverable) {
        if (notRecoverable != null) {
            return encodeWithString(JournalRecords.UNREPLAYABLE, taskId, timeNs, notRecoverable);
        }
        failure = null;
        header(JournalRecords.SUBMITTED, taskId, timeNs);
        int p = JournalRecords.HEADER_LENGTH;
        buffer.putInt(p, (isolated ? FLAG_ISOLATED : 0) | (group != null ? FLAG_GROUP : 0), ByteOrder.LITTLE_ENDIAN);
        p += 4;
        p = putString(p, name);
        final FunctionInfo info = functions.get(function.getClass());
        if (info == null || info.id < 0) {
            buffer.putInt(p, -1, ByteOrder.LITTLE_ENDIAN);
            p = putValue(p + 4, function, "the function");
            buffer.putInt(p, 0, ByteOrder.LITTLE_ENDIAN);
            p += 4;
        } else {
            buffer.putInt(p, info.id, ByteOrder.LITTLE_ENDIAN);
            p += 4;
            final int captured = info.lambda.getCapturedArgCount();
            if (captured == 0) {
                buffer.putInt(p, 0, ByteOrder.LITTLE_ENDIAN);
                p += 4;
            } else {
                final SerializedLambda own = lambdaOf(function);  // this instance's captured values
                buffer.putInt(p, captured, ByteOrder.LITTLE_ENDIAN);
                p += 4;
                for (int i = 0; i < captured && failure == null; i++) {
                    final Object value = own.getCapturedArg(i);
                    final long ref = refs.refId(value);
                    if (ref >= 0) {
                        // Read back it would be a Ref, which the lambda cannot be made with: say so now.
                        failure = "captured value " + i + " is an object reference (object " + ref + "), which a "
                            + "restarted kernel cannot give back to the function; pass it as an argument instead";
                    } else {
                        p = putValue(p, value, "captured value " + i);
                    }
                }
            }
        }
        buffer.putInt(p, arity, ByteOrder.LITTLE_ENDIAN);
        p += 4;
        for (int i = 0; i < arity && failure == null; i++) {
            p = putValue(p, args[i], "argument " + i);
        }
        buffer.putInt(p, maxRetries, ByteOrder.LITTLE_ENDIAN);
        buffer.putByte(p + 4, (byte) (retryExceptions ? 1 : 0));
        p += 5;
        if (demand == null) {
            buffer.putInt(p, -1, ByteOrder.LITTLE_ENDIAN);
            p += 4;
        } else {
            int count = 0;
            for (final long amount : demand) {
                count += amount > 0 ? 1 : 0;
            }
            buffer.putInt(p, count, ByteOrder.LITTLE_ENDIAN);
            p += 4;
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] > 0) {
                    p = putString(p, resourceNames.apply(r));
                    buffer.putLong(p, demand[r], ByteOrder.LITTLE_ENDIAN);
                    p += 8;
                }
            }
        }
        if (group != null) {
            p = putString(p, group);
            buffer.putInt(p, bundleIndex, ByteOrder.LITTLE_ENDIAN);
            p += 4;
        }
        return failure == null ? p : encodeWithString(JournalRecords.UNREPLAYABLE, taskId, timeNs, failure);
    }

    /** Encodes an UNRECOVERABLE record with the reason. */
    public int encodeUnrecoverable(final long taskId, final long timeNs, final String reason) {
        header(JournalRecords.UNRECOVERABLE, taskId, timeNs);
        return putString(JournalRecords.HEADER_LENGTH, reason);
    }

    /** Encodes a record whose body is one string (ACTOR, GROUP states). */
    public int encodeWithString(final int type, final long id, final long timeNs, final String value) {
        header(type, id, timeNs);
        return putString(JournalRecords.HEADER_LENGTH, value);
    }

    private int putString(final int at, final String value) {
        if (value == null) {
            buffer.putInt(at, -1, ByteOrder.LITTLE_ENDIAN);
            return at + 4;
        }
        final int length = value.length();
        buffer.putInt(at, length, ByteOrder.LITTLE_ENDIAN);
        int p = at + 4;
        for (int i = 0; i < length; i++) {
            buffer.putChar(p, value.charAt(i), ByteOrder.LITTLE_ENDIAN);
            p += 2;
        }
        return p;
    }

    private int putValue(final int at, final Object value, final String what) {
        int p = at;
        if (value == null) {
            buffer.putByte(p, NULL);
            return p + 1;
        }
        final long ref = refs.refId(value);
        if (ref >= 0) {
            buffer.putByte(p, REF);
            buffer.putLong(p + 1, ref, ByteOrder.LITTLE_ENDIAN);
            return p + 9;
        }
        final Class<?> type = value.getClass();
        if (type == Integer.class) {
            buffer.putByte(p, INT);
            buffer.putInt(p + 1, (Integer) value, ByteOrder.LITTLE_ENDIAN);
            return p + 5;
        }
        if (type == Long.class) {
            buffer.putByte(p, LONG);
            buffer.putLong(p + 1, (Long) value, ByteOrder.LITTLE_ENDIAN);
            return p + 9;
        }
        if (type == Double.class) {
            buffer.putByte(p, DOUBLE);
            buffer.putDouble(p + 1, (Double) value, ByteOrder.LITTLE_ENDIAN);
            return p + 9;
        }
        if (type == Boolean.class) {
            buffer.putByte(p, BOOLEAN);
            buffer.putByte(p + 1, (byte) ((Boolean) value ? 1 : 0));
            return p + 2;
        }
        if (type == String.class) {
            buffer.putByte(p, STRING);
            return putString(p + 1, (String) value);
        }
        if (type == byte[].class) {
            final byte[] bytes = (byte[]) value;
            buffer.putByte(p, BYTES);
            buffer.putInt(p + 1, bytes.length, ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(p + 5, bytes);
            return p + 5 + bytes.length;
        }
        if (type == Float.class) {
            buffer.putByte(p, FLOAT);
            buffer.putFloat(p + 1, (Float) value, ByteOrder.LITTLE_ENDIAN);
            return p + 5;
        }
        if (type == Short.class) {
            buffer.putByte(p, SHORT);
            buffer.putShort(p + 1, (Short) value, ByteOrder.LITTLE_ENDIAN);
            return p + 3;
        }
        if (type == Byte.class) {
            buffer.putByte(p, BYTE);
            buffer.putByte(p + 1, (Byte) value);
            return p + 2;
        }
        if (type == Character.class) {
            buffer.putByte(p, CHAR);
            buffer.putChar(p + 1, (Character) value, ByteOrder.LITTLE_ENDIAN);
            return p + 3;
        }
        if (!(value instanceof Serializable)) {
            failure = what + " (" + type.getName() + ") is not Serializable";
            return p;
        }
        final byte[] bytes;
        try {
            bytes = JavaSerialization.toBytes(value);
        } catch (final RuntimeException e) {
            failure = what + " (" + type.getName() + ") could not be serialized: "
                + (e.getCause() != null ? e.getCause() : e);
            return p;
        }
        buffer.putByte(p, SERIALIZED);
        buffer.putInt(p + 1, bytes.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(p + 5, bytes);
        return p + 5 + bytes.length;
    }

    /** The function's SerializedLambda, or null if it is not a serializable lambda or method reference. */
    static SerializedLambda lambdaOf(final Object function) {
        try {
            final Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            final Object replaced = writeReplace.invoke(function);
            return replaced instanceof SerializedLambda ? (SerializedLambda) replaced : null;
        } catch (final ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    // ---- decoding (recovery) ----

    /** A reference argument read back: the id of the object it named. */
    public record Ref(long objectId) {
    }

    /** A SUBMITTED record read back. */
    public record Submitted(long taskId, String name, Object function, Object[] args,
                            Map<String, Double> resources, int maxRetries, boolean retryExceptions, boolean isolated,
                            String group, int bundleIndex) {
    }

    /** A FUNCTION record read back: the lambda's fields, captured values to be added per task. */
    public static final class FunctionRecord {
        private final String capturingClass;
        private final String functionalInterfaceClass;
        private final String methodName;
        private final String methodSignature;
        private final int implMethodKind;
        private final String implClass;
        private final String implMethodName;
        private final String implMethodSignature;
        private final String instantiatedMethodType;
        /** The function made once: a lambda that captures nothing can serve every task that names it. */
        private Object made;

        FunctionRecord(final String capturingClass, final String functionalInterfaceClass, final String methodName,
                       final String methodSignature, final int implMethodKind, final String implClass,
                       final String implMethodName, final String implMethodSignature,
                       final String instantiatedMethodType) {
            this.capturingClass = capturingClass;
            this.functionalInterfaceClass = functionalInterfaceClass;
            this.methodName = methodName;
            this.methodSignature = methodSignature;
            this.implMethodKind = implMethodKind;
            this.implClass = implClass;
            this.implMethodName = implMethodName;
            this.implMethodSignature = implMethodSignature;
            this.instantiatedMethodType = instantiatedMethodType;
        }

        public String implClass() {
            return implClass;
        }

        public String implMethodName() {
            return implMethodName;
        }

        Object made(final ClassLoader loader) {
            if (made == null) {
                made = makeFunction(this, new Object[0], loader);
            }
            return made;
        }
    }

    /** Reads a FUNCTION record's body. */
    public static FunctionRecord readFunction(final DirectBuffer record) {
        final int[] p = {JournalRecords.HEADER_LENGTH};
        final String capturing = getString(record, p);
        final String fi = getString(record, p);
        final String method = getString(record, p);
        final String signature = getString(record, p);
        final int kind = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        p[0] += 4;
        return new FunctionRecord(capturing, fi, method, signature, kind, getString(record, p), getString(record, p),
            getString(record, p), getString(record, p));
    }

    /**
     * Reads a SUBMITTED record's body, making its function again (a lambda of the class that captured it, so that
     * class must be on the class path).
     *
     * @throws IllegalStateException naming what cannot be read or made
     */
    public static Submitted readSubmitted(final DirectBuffer record, final Map<Integer, FunctionRecord> functions,
                                          final ClassLoader loader) {
        final long taskId = record.getLong(JournalRecords.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int flags = record.getInt(JournalRecords.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        final int[] p = {JournalRecords.HEADER_LENGTH + 4};
        final String name = getString(record, p);
        final int functionId = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        p[0] += 4;
        final Object function;
        if (functionId < 0) {
            function = getValue(record, p, loader);
            p[0] += 4;
        } else {
            final FunctionRecord f = functions.get(functionId);
            if (f == null) {
                throw new IllegalStateException("its function (#" + functionId + ") is not in the journal");
            }
            final int captured = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
            p[0] += 4;
            final Object[] values = new Object[captured];
            for (int i = 0; i < captured; i++) {
                values[i] = getValue(record, p, loader);
            }
            function = captured == 0 ? f.made(loader) : makeFunction(f, values, loader);
        }
        final int arity = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        p[0] += 4;
        final Object[] args = new Object[arity];
        for (int i = 0; i < arity; i++) {
            args[i] = getValue(record, p, loader);
        }
        final int maxRetries = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        final boolean retryExceptions = record.getByte(p[0] + 4) != 0;
        p[0] += 5;
        final int count = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        p[0] += 4;
        Map<String, Double> resources = null;
        if (count >= 0) {
            resources = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                final String resource = getString(record, p);
                final long amount = record.getLong(p[0], ByteOrder.LITTLE_ENDIAN);
                p[0] += 8;
                resources.put(resource, io.kairos.spi.scheduling.FixedPoint.toUnits(amount));
            }
        }
        String group = null;
        int bundleIndex = -1;
        if ((flags & FLAG_GROUP) != 0) {
            group = getString(record, p);
            bundleIndex = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        }
        return new Submitted(taskId, name, function, args, resources, maxRetries, retryExceptions,
            (flags & FLAG_ISOLATED) != 0, group, bundleIndex);
    }

    /** A SUBMITTED record's explicit name, or null. */
    public static String readName(final DirectBuffer record) {
        return getString(record, new int[] {JournalRecords.HEADER_LENGTH + 4});
    }

    /** A SUBMITTED record's function id (-1: the function is written whole). */
    public static int readFunctionId(final DirectBuffer record) {
        final int[] p = {JournalRecords.HEADER_LENGTH + 4};
        getString(record, p);
        return record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads the string body of an UNRECOVERABLE, ACTOR or GROUP record. */
    public static String readStringBody(final DirectBuffer record) {
        return getString(record, new int[] {JournalRecords.HEADER_LENGTH});
    }

    private static Object makeFunction(final FunctionRecord f, final Object[] captured, final ClassLoader loader) {
        try {
            final Class<?> capturing = Class.forName(f.capturingClass.replace('/', '.'), false, loader);
            final SerializedLambda lambda = new SerializedLambda(capturing, f.functionalInterfaceClass,
                f.methodName, f.methodSignature, f.implMethodKind, f.implClass, f.implMethodName,
                f.implMethodSignature, f.instantiatedMethodType, captured);
            // A serialization round trip: the JDK resolves the lambda through its capturing class, no opens needed.
            return JavaSerialization.fromBytes(JavaSerialization.toBytes(lambda), loader);
        } catch (final ClassNotFoundException | RuntimeException e) {
            throw new IllegalStateException("its function " + f.implClass().replace('/', '.') + "::"
                + f.implMethodName() + " cannot be made again: " + e, e);
        }
    }

    private static String getString(final DirectBuffer record, final int[] p) {
        final int length = record.getInt(p[0], ByteOrder.LITTLE_ENDIAN);
        p[0] += 4;
        if (length < 0) {
            return null;
        }
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = record.getChar(p[0], ByteOrder.LITTLE_ENDIAN);
            p[0] += 2;
        }
        return new String(chars);
    }

    private static Object getValue(final DirectBuffer record, final int[] p, final ClassLoader loader) {
        final byte tag = record.getByte(p[0]);
        final int at = p[0] + 1;
        switch (tag) {
            case NULL:
                p[0] = at;
                return null;
            case INT:
                p[0] = at + 4;
                return record.getInt(at, ByteOrder.LITTLE_ENDIAN);
            case LONG:
                p[0] = at + 8;
                return record.getLong(at, ByteOrder.LITTLE_ENDIAN);
            case DOUBLE:
                p[0] = at + 8;
                return record.getDouble(at, ByteOrder.LITTLE_ENDIAN);
            case BOOLEAN:
                p[0] = at + 1;
                return record.getByte(at) != 0;
            case STRING:
                p[0] = at;
                return getString(record, p);
            case BYTES: {
                final int length = record.getInt(at, ByteOrder.LITTLE_ENDIAN);
                final byte[] bytes = new byte[length];
                record.getBytes(at + 4, bytes);
                p[0] = at + 4 + length;
                return bytes;
            }
            case REF:
                p[0] = at + 8;
                return new Ref(record.getLong(at, ByteOrder.LITTLE_ENDIAN));
            case SERIALIZED: {
                final int length = record.getInt(at, ByteOrder.LITTLE_ENDIAN);
                final byte[] bytes = new byte[length];
                record.getBytes(at + 4, bytes);
                p[0] = at + 4 + length;
                return JavaSerialization.fromBytes(bytes, loader);
            }
            case FLOAT:
                p[0] = at + 4;
                return record.getFloat(at, ByteOrder.LITTLE_ENDIAN);
            case SHORT:
                p[0] = at + 2;
                return record.getShort(at, ByteOrder.LITTLE_ENDIAN);
            case BYTE:
                p[0] = at + 1;
                return record.getByte(at);
            case CHAR:
                p[0] = at + 2;
                return record.getChar(at, ByteOrder.LITTLE_ENDIAN);
            default:
                throw new IllegalStateException("unknown value tag " + tag + " at offset " + p[0]);
        }
    }
}
