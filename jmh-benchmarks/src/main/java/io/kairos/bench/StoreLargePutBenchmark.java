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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Ray's "single client put gigabytes": one thread puts {@value #OBJECT_SIZE}-byte objects (create + putBytes from
 * a direct source buffer + seal). Score in ops/s; bytes/s = score x {@value #OBJECT_SIZE}.
 *
 * <p><b>Steady state by eviction</b>, as in {@link StorePutBenchmark}: the {@value #CAPACITY}-byte arena holds
 * about 30 objects, the ids come from a ring of {@value #ID_RING}, and once the arena is full every create evicts
 * the least recently used object. Every page of the arena is made resident in the set-up
 * ({@link SharedObjectStore#prefault}), and the warm-up fills it several times, so page faults are not part of the
 * figure.
 *
 * <p>{@link #kairosPutReusedBlock} deletes each object after its put, so the store hands the same block back every
 * time: its destination stays in cache, as the one-buffer peer's does.
 *
 * <p>Peers, same run, both the same putBytes from the same source:
 * <ul>
 *   <li>{@link #memoryCopy}: into one preallocated {@value #OBJECT_SIZE}-byte direct buffer. Source and destination
 *       (16 MiB) fit a 32 MiB L3 cache, so this is a cache-to-cache copy: an upper bound no store reaches.</li>
 *   <li>{@link #memoryCopyStoreFootprint}: into a {@value #CAPACITY}-byte direct region, {@value #OBJECT_SIZE} bytes
 *       at a time in turn, so the destination is as large as the store's arena and as cold: the copy a put
 *       cannot avoid, and the fair ceiling of a put.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@State(Scope.Thread)
public class StoreLargePutBenchmark {
    /** 8 MiB. */
    public static final int OBJECT_SIZE = 8 << 20;
    static final long CAPACITY = 256L << 20;
    static final int ID_RING = 64;

    private SharedObjectStore store;
    private ObjectIdRing ids;
    private UnsafeBuffer source;
    private UnsafeBuffer destination;
    private final UnsafeBuffer object = new UnsafeBuffer(0, 0);

    @Setup(Level.Trial)
    public void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("large-put"), CAPACITY);
        store.prefault(0, store.capacity());  // every page resident before the first warm-up put
        ids = new ObjectIdRing(ID_RING);
        source = new UnsafeBuffer(BufferUtil.allocateDirectAligned(OBJECT_SIZE, 64));
        for (int i = 0; i < OBJECT_SIZE; i += 8) {
            source.putLong(i, i * 0x9E3779B97F4A7C15L);
        }
        destination = new UnsafeBuffer(BufferUtil.allocateDirectAligned(OBJECT_SIZE, 64));
        destination.setMemory(0, OBJECT_SIZE, (byte) 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** create (evicting once full) + putBytes of 8 MiB + seal. */
    @Benchmark
    public void kairosPut() {
        final ObjectId id = ids.next();
        store.create(id, OBJECT_SIZE, object);
        object.putBytes(0, source, 0, OBJECT_SIZE);
        store.seal(id);
    }

    /**
     * create + putBytes of 8 MiB + seal + delete: the freed block coalesces back and the next create gets the same
     * memory, so this put writes a cache-resident destination, like {@link #memoryCopy}: the like-for-like pair
     * that shows what the store itself adds to a copy.
     */
    @Benchmark
    public void kairosPutReusedBlock() {
        final ObjectId id = ids.next();
        store.create(id, OBJECT_SIZE, object);
        object.putBytes(0, source, 0, OBJECT_SIZE);
        store.seal(id);
        store.delete(id);
    }

    /** Peer: the same 8 MiB copied into one preallocated 8 MiB direct buffer (cache-resident). */
    @Benchmark
    public void memoryCopy() {
        destination.putBytes(0, source, 0, OBJECT_SIZE);
    }

    /** Peer: the same 8 MiB copied into the next 8 MiB slot of a region the size of the store's arena. */
    @Benchmark
    public void memoryCopyStoreFootprint(final StoreSizedRegion region) {
        region.memory.putBytes(region.nextOffset(), source, 0, OBJECT_SIZE);
    }

    /** A direct region of the store's capacity, written once before use; only the footprint peer sets it up. */
    @State(Scope.Thread)
    public static class StoreSizedRegion {
        UnsafeBuffer memory;
        private int slot;

        @Setup(Level.Trial)
        public void setUp() {
            memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int) CAPACITY, 64));
            memory.setMemory(0, (int) CAPACITY, (byte) 0);
        }

        int nextOffset() {
            final int offset = slot * OBJECT_SIZE;
            slot = (slot + 1) % (int) (CAPACITY / OBJECT_SIZE);
            return offset;
        }
    }
}
