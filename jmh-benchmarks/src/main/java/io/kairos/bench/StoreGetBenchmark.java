package io.kairos.bench;

import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.internal.JniStore;
import io.kairos.store.internal.KairosNative;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ray's "single client get calls (Plasma Store)": one thread gets and releases an existing sealed object (one of
 * {@value #OBJECTS} in the store), three ways, so the cost of each binding shows side by side:
 * <ul>
 *   <li>{@link #kairosGet}: the public API, {@code get(id, 0, into)} + {@code release(id)} (JNI underneath);</li>
 *   <li>{@link #jniGet}: {@link JniStore#get} / {@link JniStore#release} called directly;</li>
 *   <li>{@link #jnaGet}: the same C functions through JNA direct mapping ({@link KairosNative}), with the id bytes
 *       and the out arrays preallocated.</li>
 * </ul>
 * Peer: {@link #concurrentHashMapGet}, a get from an on-heap map of the same objects (no pin, nothing to release).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@State(Scope.Thread)
public class StoreGetBenchmark {
    static final int OBJECTS = 1024;

    @Param({"64", "1024"})
    int size;

    private SharedObjectStore store;
    private long handle;
    private ObjectId id;
    private long idHi;
    private long idLo;
    private byte[] idBytes;
    private final long[] dataOut = new long[1];
    private final long[] sizeOut = new long[1];
    private final UnsafeBuffer object = new UnsafeBuffer(0, 0);
    private ConcurrentHashMap<ObjectId, byte[]> map;

    @Setup(Level.Trial)
    public void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("get"), 16L << 20);
        map = new ConcurrentHashMap<>(2 * OBJECTS);
        final ObjectIdRing ids = new ObjectIdRing(OBJECTS);
        final byte[] bytes = new byte[size];
        for (int i = 0; i < OBJECTS; i++) {
            bytes[0] = (byte) i;
            store.put(ids.get(i), bytes);
            map.put(ids.get(i), bytes.clone());
        }
        id = ids.get(OBJECTS / 2);
        idHi = id.hi();
        idLo = id.lo();
        idBytes = id.toBytes();
        handle = store.nativeHandle();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** The public API: get into a reused buffer, release. */
    @Benchmark
    public int kairosGet() {
        store.get(id, 0, object);
        final int capacity = object.capacity();
        store.release(id);
        return capacity;
    }

    /** JNI entry points, called directly. */
    @Benchmark
    public long jniGet() {
        final long address = JniStore.get(handle, idHi, idLo, 0);
        if (address < 0) {
            throw new IllegalStateException("get failed: " + address);
        }
        final int rc = JniStore.release(handle, idHi, idLo);
        if (rc != 0) {
            throw new IllegalStateException("release failed: " + rc);
        }
        return address;
    }

    /** JNA direct mapping of the same C functions. */
    @Benchmark
    public long jnaGet() {
        int rc = KairosNative.kairos_store_get(handle, idBytes, 0, dataOut, sizeOut);
        if (rc != 0) {
            throw new IllegalStateException("get failed: " + rc);
        }
        rc = KairosNative.kairos_store_release(handle, idBytes);
        if (rc != 0) {
            throw new IllegalStateException("release failed: " + rc);
        }
        return dataOut[0];
    }

    /** Peer: an on-heap map get. */
    @Benchmark
    public byte[] concurrentHashMapGet() {
        return map.get(id);
    }
}
