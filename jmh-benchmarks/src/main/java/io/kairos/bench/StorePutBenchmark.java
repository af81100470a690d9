package io.kairos.bench;

import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
import org.agrona.BufferUtil;
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
 * Ray's "single client put calls (Plasma Store)": one thread puts small objects, create + write + seal.
 *
 * <p><b>Steady state by eviction.</b> The store holds at most {@value #MAX_OBJECTS} objects (its object table), and
 * the ids come from a ring of {@value #ID_RING} ids, so once the table is full every create first evicts the least
 * recently used object, as a long-running store does; an id comes round again only long after its object was
 * evicted. Nothing is deleted by the benchmark.
 *
 * <p>No garbage on the store path: the ids are pre-generated, the bytes are copied from a prepared direct buffer
 * with {@code putBytes}, and {@link SharedObjectStore#create(ObjectId, long, UnsafeBuffer)} wraps a reused buffer.
 *
 * <p>Peers, measured in the same run: {@link #memoryCopy} copies the same bytes into a preallocated direct buffer
 * (the copy a put cannot avoid), and {@link #concurrentHashMapPut} is an on-heap store: it copies the caller's bytes
 * into a new array (a store must not keep the caller's mutable array) and maps the id to it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@State(Scope.Thread)
public class StorePutBenchmark {
    static final int MAX_OBJECTS = 16_384;
    static final int ID_RING = 65_536;
    static final long CAPACITY = 64L << 20;

    @Param({"64", "1024"})
    int size;

    private SharedObjectStore store;
    private ObjectIdRing ids;
    private UnsafeBuffer source;
    private byte[] sourceBytes;
    private final UnsafeBuffer object = new UnsafeBuffer(0, 0);
    private UnsafeBuffer slot;
    private ConcurrentHashMap<ObjectId, byte[]> map;

    @Setup(Level.Trial)
    public void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("put"), CAPACITY, MAX_OBJECTS);
        store.prefault(0, store.capacity());  // every page resident: no first-touch page fault is measured
        ids = new ObjectIdRing(ID_RING);
        source = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
        sourceBytes = new byte[size];
        for (int i = 0; i < size; i++) {
            sourceBytes[i] = (byte) i;
        }
        source.putBytes(0, sourceBytes);
        slot = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
        map = new ConcurrentHashMap<>(2 * ID_RING);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** create (evicting the oldest object once full) + putBytes + seal. */
    @Benchmark
    public void kairosPut() {
        final ObjectId id = ids.next();
        store.create(id, size, object);
        object.putBytes(0, source, 0, size);
        store.seal(id);
    }

    /** Peer: the same bytes copied into a preallocated direct buffer. */
    @Benchmark
    public void memoryCopy() {
        slot.putBytes(0, source, 0, size);
    }

    /** Peer, for context: an on-heap store (copy of the bytes + map put). */
    @Benchmark
    public byte[] concurrentHashMapPut() {
        final byte[] copy = new byte[size];
        System.arraycopy(sourceBytes, 0, copy, 0, size);
        return map.put(ids.next(), copy);
    }
}
