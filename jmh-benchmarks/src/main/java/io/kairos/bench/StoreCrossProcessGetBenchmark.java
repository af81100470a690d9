package io.kairos.bench;

import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Latency of a get + release of a {@value #SIZE}-byte object that another process put: the case the shared
 * segment exists for (no Ray counterpart; in Ray a worker's plasma get goes through the raylet's store socket).
 *
 * <p>{@link #crossProcessGet}: a child JVM ({@link StoreOwnerProcess}, started once per trial) creates the store
 * and puts {@value #OBJECTS} objects; this process attaches and gets them in turn. Peer, same run:
 * {@link #sameProcessGet}, the same gets from a store this process created and filled.
 *
 * <p>Both modes: AverageTime (the mean, ns/op) and SampleTime (percentiles; each sample also includes reading
 * the clock twice, and its resolution, so the low percentiles read high by some tens of ns).
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class StoreCrossProcessGetBenchmark {
    static final int OBJECTS = 1024;
    static final int SIZE = 64;

    /** A store owned by a child process, attached here. */
    @State(Scope.Benchmark)
    public static class OtherProcessStore {
        StoreOwnerProcess.Child owner;
        SharedObjectStore store;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            final String name = StoreNames.unique("xproc");
            owner = StoreOwnerProcess.start(name, OBJECTS, SIZE, Duration.ofSeconds(60));
            store = SharedObjectStore.attach(name);
            verify(store);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (store != null) {
                store.close();
            }
            if (owner != null) {
                owner.close();
            }
        }
    }

    /** The same objects, in a store this process owns. */
    @State(Scope.Benchmark)
    public static class ThisProcessStore {
        SharedObjectStore store;

        @Setup(Level.Trial)
        public void setUp() {
            store = SharedObjectStore.create(StoreNames.unique("sameproc"), 1L << 20, 2 * OBJECTS);
            final byte[] bytes = new byte[SIZE];
            for (int n = 0; n < OBJECTS; n++) {
                for (int i = 0; i < SIZE; i++) {
                    bytes[i] = StoreOwnerProcess.expectedByte(n, i);
                }
                store.put(StoreOwnerProcess.objectId(n), bytes);
            }
            verify(store);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    /** The ids in turn, and the buffer gets wrap: per thread, allocation-free. */
    @State(Scope.Thread)
    public static class Cursor {
        final ObjectId[] ids = new ObjectId[OBJECTS];
        final UnsafeBuffer object = new UnsafeBuffer(0, 0);
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int n = 0; n < OBJECTS; n++) {
                ids[n] = StoreOwnerProcess.objectId(n);
            }
        }

        ObjectId nextId() {
            final ObjectId id = ids[next];
            next = (next + 1) & (OBJECTS - 1);
            return id;
        }
    }

    @Benchmark
    public int crossProcessGet(final OtherProcessStore s, final Cursor c) {
        return getAndRelease(s.store, c);
    }

    /** Peer: the same get from a store owned by this process. */
    @Benchmark
    public int sameProcessGet(final ThisProcessStore s, final Cursor c) {
        return getAndRelease(s.store, c);
    }

    private static int getAndRelease(final SharedObjectStore store, final Cursor c) {
        final ObjectId id = c.nextId();
        store.get(id, 0, c.object);
        final int capacity = c.object.capacity();
        store.release(id);
        return capacity;
    }

    /** Every object is there with the owner's bytes: the two processes really share the memory. */
    static void verify(final SharedObjectStore store) {
        final UnsafeBuffer object = new UnsafeBuffer(0, 0);
        for (int n = 0; n < OBJECTS; n++) {
            final ObjectId id = StoreOwnerProcess.objectId(n);
            store.get(id, 0, object);
            try {
                if (object.capacity() != SIZE) {
                    throw new IllegalStateException("object " + id + " has " + object.capacity() + " bytes, not "
                        + SIZE);
                }
                for (int i = 0; i < SIZE; i++) {
                    if (object.getByte(i) != StoreOwnerProcess.expectedByte(n, i)) {
                        throw new IllegalStateException("object " + id + " byte " + i + " differs");
                    }
                }
            } finally {
                store.release(id);
            }
        }
    }
}
