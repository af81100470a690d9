package io.kairos.internal.journal;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.spi.scheduling.FixedPoint;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property (issue 16, item 5): any task spec survives the journal's SUBMITTED encode/decode ({@link TaskCodec}), field
 * by field: name, function (method reference, capturing lambda, or a function written whole), every argument type
 * the codec writes (null, the boxed primitives, strings with any UTF-16 content, byte arrays, object refs, anything
 * Serializable), the resource demand, retries, isolation and the placement group.
 *
 * <p>Plain JUnit over seeded {@link SplittableRandom} generators: case i uses seed {@code BASE_SEED + i}; a failure
 * names its seed, and {@link #replay(long)} runs one seed again.
 */
@Timeout(30)
class TaskCodecPropertyTest {
    static final long BASE_SEED = 0x16_05_01L;
    static final int CASES = 300;

    /** Stands for an ObjectRef of the kernel: the codec's RefReader answers its id. */
    record FakeRef(long id) {
    }

    /** A Serializable value that is not one of the codec's direct types. */
    record Point(int x, String label, double[] weights) implements Serializable {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Point p && p.x == x && java.util.Objects.equals(p.label, label)
                && Arrays.equals(p.weights, weights);
        }

        @Override
        public int hashCode() {
            return x;
        }
    }

    /** A task function that is not a lambda: the codec writes it whole with Java serialization. */
    record WholeFunction(String tag) implements KFunc1<Object, Object> {
        @Override
        public Object apply(final Object a) {
            return tag + a;
        }
    }

    static Object identity(final Object a) {
        return a;
    }

    static Object pair(final Object a, final Object b) {
        return List.of(a, b);
    }

    static Object constant() {
        return 42;
    }

    @Test
    void anyTaskSpecSurvivesEncodeDecode() {
        io.kairos.property.SeededCases.run("TaskCodec round trip", TaskCodecPropertyTest.class, BASE_SEED, CASES,
            TaskCodecPropertyTest::replay);
    }

    /** One codec (one journal) over many submissions: function ids are shared by class across them. */
    @Test
    void manySubmissionsThroughOneCodec() {
        final SplittableRandom random = new SplittableRandom(BASE_SEED ^ 0x5EEDL);
        final TaskCodec codec = new TaskCodec(v -> v instanceof FakeRef r ? r.id() : -1, 1);
        final Map<Integer, TaskCodec.FunctionRecord> functions = new HashMap<>();
        for (int i = 0; i < CASES; i++) {
            roundTrip(codec, functions, random, "shared codec, submission " + i + " of base seed " + BASE_SEED);
        }
    }

    static void replay(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final TaskCodec codec = new TaskCodec(v -> v instanceof FakeRef r ? r.id() : -1, random.nextInt(1, 1000));
        roundTrip(codec, new HashMap<>(), random, "seed " + seed);
    }

    private static void roundTrip(final TaskCodec codec, final Map<Integer, TaskCodec.FunctionRecord> functions,
                                  final SplittableRandom random, final String what) {
        final long taskId = random.nextLong();
        final long timeNs = random.nextLong();
        final String name = random.nextInt(4) == 0 ? null : string(random);
        final Object function = function(random);
        final int arity = random.nextInt(0, 7);
        final Object[] args = new Object[arity];
        for (int a = 0; a < arity; a++) {
            args[a] = value(random);
        }
        final long[] demand = random.nextInt(4) == 0 ? null : demand(random);
        final int maxRetries = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(-1, 5);
        final boolean retryExceptions = random.nextBoolean();
        final boolean isolated = random.nextBoolean();
        final String group = random.nextInt(3) == 0 ? string(random) : null;
        final int bundleIndex = group == null ? -1 : random.nextInt(-1, 100);

        final int functionLength = codec.encodeFunctionIfNew(function, timeNs);
        if (functionLength > 0) {
            final UnsafeBuffer record = copy(codec, functionLength);
            assertEquals(JournalRecords.FUNCTION, record.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN));
            final int id = (int) record.getLong(JournalRecords.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            functions.put(id, TaskCodec.readFunction(record));
        }
        final int length = codec.encodeSubmitted(taskId, timeNs, name, function, arity, args, demand,
            r -> "R" + r + (r % 3 == 0 ? "_ü" : ""), maxRetries, retryExceptions, isolated, group, bundleIndex, null);
        final UnsafeBuffer record = copy(codec, length);
        final int capturedRef = capturedRef(function);
        if (capturedRef >= 0) {
            // A lambda that captures an object reference cannot be made again from a Ref: UNREPLAYABLE, saying why.
            assertEquals(JournalRecords.UNREPLAYABLE, record.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN),
                what + ": a captured reference");
            assertEquals(taskId, record.getLong(JournalRecords.ID_OFFSET, ByteOrder.LITTLE_ENDIAN), what + ": id");
            final String reason = TaskCodec.readStringBody(record);
            assertTrue(reason.startsWith("captured value " + capturedRef + " is an object reference"),
                what + ": reason " + reason);
            return;
        }
        assertEquals(JournalRecords.SUBMITTED, record.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN),
            () -> what + ": not SUBMITTED but " + TaskCodec.readStringBody(record));
        assertEquals(timeNs, record.getLong(JournalRecords.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN), what + ": time");
        assertEquals(name, TaskCodec.readName(record), what + ": readName");

        final TaskCodec.Submitted s = TaskCodec.readSubmitted(record, functions,
            TaskCodecPropertyTest.class.getClassLoader());
        assertEquals(taskId, s.taskId(), what + ": task id");
        assertEquals(name, s.name(), what + ": name");
        assertFunction(function, s.function(), what);
        assertEquals(arity, s.args().length, what + ": arity");
        for (int a = 0; a < arity; a++) {
            assertValue(args[a], s.args()[a], what + ": argument " + a);
        }
        if (demand == null) {
            assertEquals(null, s.resources(), what + ": default demand");
        } else {
            final Map<String, Double> expected = new LinkedHashMap<>();
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] > 0) {
                    expected.put("R" + r + (r % 3 == 0 ? "_ü" : ""), FixedPoint.toUnits(demand[r]));
                }
            }
            assertEquals(expected, s.resources(), what + ": resources");
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] > 0) {
                    final double units = s.resources().get("R" + r + (r % 3 == 0 ? "_ü" : ""));
                    assertEquals(demand[r], FixedPoint.fromUnits(units, "R" + r),
                        what + ": resource " + r + " back in fixed point");
                }
            }
        }
        assertEquals(maxRetries, s.maxRetries(), what + ": max retries");
        assertEquals(retryExceptions, s.retryExceptions(), what + ": retry exceptions");
        assertEquals(isolated, s.isolated(), what + ": isolated");
        assertEquals(group, s.group(), what + ": group");
        assertEquals(group == null ? -1 : bundleIndex, s.bundleIndex(), what + ": bundle index");
    }

    /** The first captured value of the function that is an object reference, else -1. */
    private static int capturedRef(final Object function) {
        final SerializedLambda lambda = TaskCodec.lambdaOf(function);
        for (int i = 0; lambda != null && i < lambda.getCapturedArgCount(); i++) {
            if (lambda.getCapturedArg(i) instanceof FakeRef) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Regression (seed 1443110, case 37): a lambda capturing an ObjectRef was journaled as SUBMITTED with the reference
     * as a REF value; read back, the lambda could not be made with a {@code TaskCodec.Ref} ("NotSerializableException:
     * TaskCodec$Ref"), so recovery failed the task with that message. It is now UNREPLAYABLE at once, with the reason.
     */
    @Test
    void regressionSeed1443110LambdaCapturingAReference() {
        replay(1443110L);
        final TaskCodec codec = new TaskCodec(v -> v instanceof FakeRef r ? r.id() : -1, 1);
        final Object ref = new FakeRef(7);
        final KFunc1<Object, Object> f = a -> List.of(ref, a);
        codec.encodeFunctionIfNew(f, 0);
        final int length = codec.encodeSubmitted(3, 0, null, f, 1, new Object[] {1}, null, r -> "R", 0, false,
            false, null, -1, null);
        final UnsafeBuffer record = copy(codec, length);
        assertEquals(JournalRecords.UNREPLAYABLE, record.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN));
        assertEquals("captured value 0 is an object reference (object 7), which a restarted kernel cannot give back "
            + "to the function; pass it as an argument instead", TaskCodec.readStringBody(record));
    }

    private static UnsafeBuffer copy(final TaskCodec codec, final int length) {
        final byte[] bytes = new byte[length];
        codec.buffer().getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private static void assertFunction(final Object expected, final Object actual, final String what) {
        assertNotNull(actual, what + ": function");
        final SerializedLambda e = TaskCodec.lambdaOf(expected);
        if (e == null) {
            assertEquals(expected, actual, what + ": function written whole");
            return;
        }
        final SerializedLambda a = TaskCodec.lambdaOf(actual);
        assertNotNull(a, what + ": decoded function is not a lambda: " + actual);
        assertEquals(e.getImplClass(), a.getImplClass(), what + ": impl class");
        assertEquals(e.getImplMethodName(), a.getImplMethodName(), what + ": impl method");
        assertEquals(e.getImplMethodSignature(), a.getImplMethodSignature(), what + ": impl signature");
        assertEquals(e.getFunctionalInterfaceClass(), a.getFunctionalInterfaceClass(), what + ": interface");
        assertEquals(e.getCapturedArgCount(), a.getCapturedArgCount(), what + ": captured count");
        for (int i = 0; i < e.getCapturedArgCount(); i++) {
            assertValue(e.getCapturedArg(i), a.getCapturedArg(i), what + ": captured value " + i);
        }
    }

    private static void assertValue(final Object expected, final Object actual, final String what) {
        if (expected instanceof FakeRef ref) {
            assertEquals(new TaskCodec.Ref(ref.id()), actual, what);
        } else if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual, what);
        } else if (expected instanceof int[] ints) {
            assertArrayEquals(ints, (int[]) actual, what);
        } else if (expected instanceof Double d) {
            // raw bits, so -0.0 and NaN payloads are kept too
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), what);
        } else if (expected instanceof Float f) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), what);
        } else {
            if (expected != null && actual != null) {
                assertEquals(expected.getClass(), actual.getClass(), what + ": type");
            }
            assertEquals(expected, actual, what);
        }
    }

    // ---- generators ----

    private static Object function(final SplittableRandom random) {
        switch (random.nextInt(7)) {
            case 0:
                return (KFunc1<Object, Object>) TaskCodecPropertyTest::identity;
            case 1:
                return (KFunc2<Object, Object, Object>) TaskCodecPropertyTest::pair;
            case 2:
                return (KFunc0<Object>) TaskCodecPropertyTest::constant;
            case 3: {
                final Object c0 = value(random);
                return (KFunc1<Object, Object>) a -> Arrays.asList(c0, a);
            }
            case 4: {
                final Object c0 = value(random);
                final Object c1 = value(random);
                final Object c2 = value(random);
                return (KFunc2<Object, Object, Object>) (a, b) -> Arrays.asList(c0, c1, c2, a, b);
            }
            case 5: {
                final int c0 = random.nextInt();
                final String c1 = string(random);
                return (KFunc0<Object>) () -> c1 + c0;
            }
            default:
                return new WholeFunction(string(random));
        }
    }

    static Object value(final SplittableRandom random) {
        switch (random.nextInt(17)) {
            case 0: return null;
            case 1: return random.nextInt();
            case 2: return random.nextLong();
            case 3: return specialDouble(random);
            case 4: return (float) specialDouble(random);
            case 5: return random.nextBoolean();
            case 6: return string(random);
            case 7: {
                final byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(0, 300)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 8: return new FakeRef(random.nextInt(3) == 0 ? 0 : random.nextLong(0, Long.MAX_VALUE));
            case 9: return (short) random.nextInt();
            case 10: return (byte) random.nextInt();
            case 11: return (char) random.nextInt(0, 0x10000);
            case 12: {
                final List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(0, 5); i > 0; i--) {
                    list.add(random.nextBoolean() ? random.nextInt() : string(random));
                }
                return list;
            }
            case 13: {
                final TreeMap<String, Long> map = new TreeMap<>();
                for (int i = random.nextInt(0, 5); i > 0; i--) {
                    map.put(string(random), random.nextLong());
                }
                return map;
            }
            case 14: return new BigInteger(random.nextInt(1, 200), new java.util.Random(random.nextLong()));
            case 15: {
                final double[] weights = new double[random.nextInt(0, 4)];
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = specialDouble(random);
                }
                return new Point(random.nextInt(), random.nextBoolean() ? null : string(random), weights);
            }
            default: {
                final int[] ints = new int[random.nextInt(0, 20)];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = random.nextInt();
                }
                return ints;
            }
        }
    }

    private static double specialDouble(final SplittableRandom random) {
        switch (random.nextInt(8)) {
            case 0: return Double.NaN;
            case 1: return -0.0;
            case 2: return random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 3: return random.nextBoolean() ? Double.MIN_VALUE : Double.MAX_VALUE;
            case 4: return Double.longBitsToDouble(random.nextLong());
            default: return (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-10, 12));
        }
    }

    /** Strings: empty, ASCII, Latin-1, CJK, emoji (surrogate pairs), lone surrogates, NUL, long. */
    static String string(final SplittableRandom random) {
        final int length;
        switch (random.nextInt(6)) {
            case 0: length = 0; break;
            case 1: length = random.nextInt(200, 3000); break;
            default: length = random.nextInt(1, 20);
        }
        final StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            switch (random.nextInt(6)) {
                case 0: b.append((char) random.nextInt(0x20, 0x7F)); break;
                case 1: b.append((char) random.nextInt(0xA0, 0x250)); break;
                case 2: b.append((char) random.nextInt(0x4E00, 0x9FFF)); break;
                case 3: b.appendCodePoint(random.nextInt(0x1F300, 0x1FAFF)); break;
                case 4: b.append((char) random.nextInt(0xD800, 0xE000)); break;  // lone surrogate
                default: b.append((char) random.nextInt(0, 0x10000));
            }
        }
        return b.toString();
    }

    /** Fixed-point demands as a resource map would give them: units in [0, MAX_UNITS], fractions included. */
    private static long[] demand(final SplittableRandom random) {
        final long[] demand = new long[random.nextInt(0, 12)];
        for (int r = 0; r < demand.length; r++) {
            final double units;
            switch (random.nextInt(5)) {
                case 0: units = 0; break;
                case 1: units = random.nextInt(1, 10_000) / 10_000.0; break;
                case 2: units = random.nextInt(1, 64); break;
                case 3: units = random.nextDouble() * FixedPoint.MAX_UNITS; break;
                default: units = random.nextDouble() * 1000;
            }
            demand[r] = FixedPoint.fromUnits(units, "R" + r);
        }
        return demand;
    }
}
