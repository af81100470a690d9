package io.kairos.internal.object;

import io.kairos.exception.KernelClosedException;
import io.kairos.exception.ObjectLostException;
import com.sun.jna.Pointer;
import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StoreException;
import io.kairos.store.StoreStats;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The kernel's large objects: values whose serialized size reaches the inline threshold are written once into the
 * shared object store, through the first {@link Serializer} that supports them, and pinned by this kernel for as
 * long as their owner (the object's state: reachable from its ObjectRef or a pending task) is; a {@link Cleaner} then
 * releases and deletes them. So a live object is never evicted, and any attached process can read it.
 *
 * <p>Spilling: when this kernel's objects would take more than the spill threshold of the store, the least recently
 * used of them (CLOCK: a get marks an object used, a spill pass gives a used object a second chance) are written to
 * {@link SpillFiles} in one batch and their store memory freed; a get of a spilled object reads it from its file. If
 * spilling is off (no spill directory) or cannot free enough, a value that does not fit stays on the heap.
 *
 * <p>Layout of a stored object: {@link ValueCodec}'s.
 *
 * <p>Thread-safety: any thread. Storing and freeing a large object take the spill lock (not the inline hot path);
 * reading one takes none (a reader count per object keeps a spill from freeing memory being read).
 */
public final class StoredObjects implements AutoCloseable {
    private static final int HEADER = ValueCodec.HEADER;
    /** Spill at least this much at once, so that many small objects go in one file and one write. */
    private static final long MIN_SPILL_BATCH = 8L << 20;
    /** How long close waits for the gets decoding objects when it starts (they take microseconds). */
    private static final long READERS_AT_CLOSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    private final SharedObjectStore store;
    final ValueCodec codec;
    private final long inlineThreshold;
    private final SpillFiles spill;
    private final long spillLimit;
    private final ReentrantLock spillLock = new ReentrantLock();
    /** Objects in the store, oldest first (guarded by spillLock). */
    private final LinkedHashSet<Stored> resident = new LinkedHashSet<>();
    private long residentBytes;  // guarded by spillLock
    private final AtomicLong spilledObjects = new AtomicLong();
    private final AtomicLong spilledBytes = new AtomicLong();
    private final AtomicLong spillNanos = new AtomicLong();
    private final AtomicLong restoredObjects = new AtomicLong();
    private final AtomicLong restoredBytes = new AtomicLong();
    private final AtomicLong restoreNanos = new AtomicLong();
    private final AtomicLong failedSpills = new AtomicLong();
    private volatile String lastSpillFailure;
    /** Set by close before the store is unmapped: a reader checks it after its pin (see {@link #close}). */
    volatile boolean closed;
    /** Tensors read in place ({@link Stored#read}) not yet collected: the store stays mapped while any lives. */
    final java.util.concurrent.atomic.AtomicInteger liveViews = new java.util.concurrent.atomic.AtomicInteger();
    /** Set by close: the last view gone closes the store (see {@link #close}). */
    private volatile boolean storeClosing;
    private final java.util.concurrent.atomic.AtomicBoolean storeClosed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Threads writing a new object into the store's memory (see {@link #close}). */
    private final java.util.concurrent.atomic.AtomicInteger writers = new java.util.concurrent.atomic.AtomicInteger();
    /** One cleaner thread per process, shared by every kernel: closing a kernel leaves no thread behind. */
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        final Thread t = new Thread(r, "kairos-object-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** The process's cleaner thread, shared with device-resident objects. */
    public static Cleaner cleaner() {
        return CLEANER;
    }

    /**
     * @param spill          where spilled objects go, or null for no spilling
     * @param spillThreshold the share of the store this kernel's objects may take before some are spilled
     */
    public StoredObjects(final SharedObjectStore store, final ValueCodec codec, final long inlineThreshold,
                  final SpillFiles spill, final double spillThreshold) {
        this.store = store;
        this.codec = codec;
        this.inlineThreshold = inlineThreshold;
        this.spill = spill;
        this.spillLimit = (long) (store.capacity() * spillThreshold);
    }

    /**
     * Writes value into the store for the object objectId, if it is large enough (the caller then {@link #track}s its
     * owner); null keeps it inline (small, no serializer for it, or no room in the store).
     */
    public Stored store(final long objectId, final Object original) {
        if (original == null || !worthStoring(original)) {
            return null;
        }
        final ValueCodec.Prepared prepared = codec.prepare(original);
        if (prepared == null) {
            return null;
        }
        final long length = prepared.length();
        if (length < inlineThreshold || length > SharedObjectStore.MAX_OBJECT_SIZE) {
            return null;
        }
        writers.incrementAndGet();  // close waits for the writers in the store's memory before it unmaps it
        try {
            if (closed) {
                return null;  // a put racing close: its value stays on the heap
            }
            final ObjectId id = ObjectId.random();
            final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
            if (!createMakingRoom(id, length, buffer)) {
                return null;  // e.g. full of pinned objects and nothing to spill: the value stays on the heap
            }
            try {
                codec.write(prepared, new Pointer(buffer.addressOffset()).getByteBuffer(0, length));
                store.seal(id);
                store.get(id, 0, buffer);  // this kernel's pin: the object stays until the state is unreachable
            } catch (final RuntimeException e) {
                store.abort(id);
                throw e;
            }
            final Stored stored = new Stored(this, id, objectId, buffer.addressOffset(), buffer.capacity());
            spillLock.lock();
            try {
                resident.add(stored);
                residentBytes += stored.length;
            } finally {
                spillLock.unlock();
            }
            return stored;
        } finally {
            writers.decrementAndGet();
        }
    }

    /** Spills, if this kernel's objects plus one of this size would pass the spill threshold, down below it. */
    private void makeRoom(final long size) {
        final long over;
        spillLock.lock();
        try {
            over = residentBytes + size - spillLimit;
        } finally {
            spillLock.unlock();
        }
        if (over > 0) {
            spillAtLeast(over, true);
        }
    }

    /**
     * Spills least recently used objects until at least this many bytes are freed (or a batch of MIN_SPILL_BATCH).
     *
     * @param batch true to spill at least MIN_SPILL_BATCH (fusing small objects into one file)
     * @return the bytes freed
     */
    private long spillAtLeast(final long bytes, final boolean batch) {
        spillLock.lock();
        try {
            if (closed) {
                return 0;  // the store's memory is being unmapped
            }
            final long target = batch ? Math.max(bytes, Math.min(MIN_SPILL_BATCH, residentBytes)) : bytes;
            final List<Stored> victims = new ArrayList<>();
            long chosen = 0;
            final Iterator<Stored> clock = resident.iterator();
            final List<Stored> secondChance = new ArrayList<>();
            while (chosen < target && clock.hasNext()) {
                final Stored s = clock.next();
                if (s.referenced) {
                    s.referenced = false;
                    clock.remove();
                    secondChance.add(s);
                } else if (s.beginSpill()) {
                    clock.remove();
                    victims.add(s);
                    chosen += s.length;
                }
            }
            resident.addAll(secondChance);  // to the tail: used recently
            for (final Iterator<Stored> again = resident.iterator(); chosen < target && again.hasNext(); ) {
                final Stored s = again.next();  // every object was used recently: take them after all, oldest first
                if (s.beginSpill()) {
                    again.remove();
                    victims.add(s);
                    chosen += s.length;
                }
            }
            if (victims.isEmpty()) {
                return 0;
            }
            final long start = System.nanoTime();
            final ByteBuffer[] buffers = new ByteBuffer[victims.size()];
            final long[] objectIds = new long[victims.size()];
            for (int i = 0; i < buffers.length; i++) {
                final Stored s = victims.get(i);
                buffers[i] = new Pointer(s.address).getByteBuffer(0, s.length);
                objectIds[i] = s.objectId;
            }
            final SpillFiles.Location[] locations;
            try {
                locations = spill.write(buffers, objectIds, buffers.length);
            } catch (final IOException | RuntimeException e) {
                for (final Stored s : victims) {
                    s.endSpill(null);
                    resident.add(s);
                }
                lastSpillFailure = e.getMessage();
                failedSpills.incrementAndGet();
                return 0;  // the disk is full or gone: the objects stay in the store
            }
            for (int i = 0; i < locations.length; i++) {
                final Stored s = victims.get(i);
                s.endSpill(locations[i]);
                releaseQuietly(s.id);
                residentBytes -= s.length;
            }
            spillNanos.addAndGet(System.nanoTime() - start);
            spilledObjects.addAndGet(victims.size());
            spilledBytes.addAndGet(chosen);
            return chosen;
        } finally {
            spillLock.unlock();
        }
    }

    private void releaseQuietly(final ObjectId id) {
        try {
            store.release(id);
            store.delete(id);
        } catch (final StoreException e) {
            // the store is closed: the object went with it
        }
    }

    /** A stored object is unreachable (the Cleaner): frees its store memory or its place in a spill file. */
    void free(final Stored s, final SpillFiles.Location spilled) {
        if (spilled != null) {
            spill.free(spilled);
            return;
        }
        spillLock.lock();
        try {
            resident.remove(s);
            residentBytes -= s.length;
        } finally {
            spillLock.unlock();
        }
        releaseQuietly(s.id);
    }

    /**
     * Takes over an object a worker process put in the store (sealed, pinned by it until its next task): pins it for
     * this kernel, as {@link #store} does for its own.
     */
    public Stored adopt(final ObjectId id, final long objectId, final int length) {
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        store.get(id, 0, buffer);
        final Stored stored = new Stored(this, id, objectId, buffer.addressOffset(), length);
        spillLock.lock();
        try {
            resident.add(stored);
            residentBytes += length;
        } finally {
            spillLock.unlock();
        }
        return stored;
    }

    /**
     * Starts an object whose bytes (in {@link ValueCodec}'s layout) arrive from elsewhere, e.g. pulled from another
     * cluster member: room for length bytes, written by the caller at {@link Incoming#address}, then
     * {@link #seal(Incoming)} or {@link #abort(Incoming)}. Any thread.
     *
     * @return null if the store has no room (the caller keeps the bytes on the heap)
     */
    public Incoming incoming(final long length) {
        if (length <= 0 || length > SharedObjectStore.MAX_OBJECT_SIZE) {
            return null;
        }
        final ObjectId id = ObjectId.random();
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        return createMakingRoom(id, length, buffer) ? new Incoming(id, buffer.addressOffset(), (int) length) : null;
    }

    /**
     * Creates the object (unsealed, buffer wrapped over it), spilling first when the store is near its threshold and
     * once more if it is full; false if there is still no room.
     */
    private boolean createMakingRoom(final ObjectId id, final long length, final UnsafeBuffer buffer) {
        if (spill != null) {
            makeRoom(length);
        }
        try {
            store.create(id, length, buffer);
            return true;
        } catch (final StoreException e) {
            if (spill == null || spillAtLeast(length, false) == 0) {
                return false;
            }
            try {
                store.create(id, length, buffer);
                return true;
            } catch (final StoreException again) {
                return false;
            }
        }
    }

    /** The incoming object is whole: sealed and pinned for the kernel object objectId (whose state then tracks it). */
    public Stored seal(final Incoming incoming, final long objectId) {
        store.seal(incoming.id);
        return adopt(incoming.id, objectId, incoming.length);
    }

    /** The incoming object will not be completed: its room goes back to the store. */
    public void abort(final Incoming incoming) {
        try {
            store.abort(incoming.id);
        } catch (final StoreException e) {
            // the store is closed: the object went with it
        }
    }

    /** An object being written from elsewhere: its id, where its bytes go, and how many. */
    public record Incoming(ObjectId id, long address, int length) {
    }

    /**
     * Lends an incoming object's bytes to a writer that may outlive the kernel (a tensor filled in place): the store
     * stays mapped while the returned buffer (or any view of it) is reachable, as for a tensor read in place; if it
     * is collected before {@link Lent#finish} was claimed, the object is aborted.
     *
     * @throws KernelClosedException if the kernel is closed
     */
    public Lent lend(final Incoming incoming) {
        liveViews.incrementAndGet();  // before the check: close, which sets closed first, then sees this lender
        if (closed) {
            abort(incoming);
            viewGone();
            throw new KernelClosedException("the kernel is closed: its object store takes no new object");
        }
        final ByteBuffer bytes = new Pointer(incoming.address()).getByteBuffer(0, incoming.length());
        final Lent lent = new Lent(incoming, bytes);
        CLEANER.register(bytes, new LentRelease(this, incoming, lent.open));
        return lent;
    }

    /** A lent object's Cleaner action: refers to neither its buffer nor its Lent, which it outlives. */
    private record LentRelease(StoredObjects objects, Incoming incoming, java.util.concurrent.atomic.AtomicBoolean open)
        implements Runnable {
        @Override
        public void run() {
            if (open.compareAndSet(true, false)) {
                objects.abort(incoming);  // collected before it was sealed or aborted
            }
            objects.viewGone();
        }
    }

    /** An incoming object lent to a writer: its bytes, and the one claim that ends it (a seal or an abort). */
    public static final class Lent {
        public final Incoming incoming;
        /** The object's bytes, from its first (the codec's header); writable. */
        public final ByteBuffer bytes;
        final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

        Lent(final Incoming incoming, final ByteBuffer bytes) {
            this.incoming = incoming;
            this.bytes = bytes;
        }

        /** Claims the end of the writing (to seal or abort it); false if it was claimed already. */
        public boolean finish() {
            return open.compareAndSet(true, false);
        }
    }

    /** A result a previous kernel spilled and this one kept (see {@link SpillFiles}): readable from its file. */
    public Stored spilled(final SpillFiles.Location location) {
        final Stored stored = new Stored(this, null, location.objectId(), 0, location.length());
        stored.endSpill(location);
        return stored;
    }

    /** The results a previous kernel spilled that this one kept, by object id. */
    public java.util.Map<Long, SpillFiles.Location> retained() {
        return spill == null ? java.util.Map.of() : spill.retained();
    }

    /**
     * Registers the owner's hold on the stored object: when the owner is unreachable, or when the returned cleanable is
     * cleaned (whichever comes first, once), the hold goes, and the object with its last hold.
     */
    public Cleaner.Cleanable track(final Object owner, final Stored stored) {
        return CLEANER.register(owner, stored);
    }

    Object restore(final SpillFiles.Location location) {
        final long start = System.nanoTime();
        final ByteBuffer bytes;
        try {
            if (closed) {
                throw closedError(location.objectId());
            }
            bytes = spill.read(location);
        } catch (final java.io.UncheckedIOException e) {
            if (closed) {
                throw closedError(location.objectId());  // not lost: gone with the kernel, nothing to make again
            }
            throw new ObjectLostException(e.getMessage(), e);
        }
        restoreNanos.addAndGet(System.nanoTime() - start);
        restoredObjects.incrementAndGet();
        restoredBytes.addAndGet(location.length());
        return codec.decode(bytes);
    }

    /** How values are laid out in the store. */
    public ValueCodec codec() {
        return codec;
    }

    public StoreStats stats() {
        return store.stats();
    }

    /**
     * What spilling did so far: spilled objects, spilled bytes, spill nanos, restored objects, restored bytes,
     * restore nanos, spill files, spill disk bytes, failed spills (the order of the public SpillStats).
     */
    public long[] spillCounters() {
        return new long[] {spilledObjects.get(), spilledBytes.get(), spillNanos.get(), restoredObjects.get(),
            restoredBytes.get(), restoreNanos.get(), spill == null ? 0 : spill.files(),
            spill == null ? 0 : spill.diskBytes(), failedSpills.get()};
    }

    /** Why the last failed spill failed, or null. */
    public String lastSpillFailure() {
        return lastSpillFailure;
    }

    public String storeName() {
        return store.name();
    }

    static KernelClosedException closedError(final long objectId) {
        return new KernelClosedException("the kernel is closed: object " + objectId + " lived in its shared store or "
            + "a spill file, which closed with it");
    }

    /**
     * Closes the store (its memory is unmapped) and the spill files. A reader pins an object and then checks
     * {@link #closed}, a writer counts itself in {@link #writers} and then checks it; this sets it and then waits for
     * the writers and readers already in (at most READERS_AT_CLOSE_NANOS in all), so no put or get touches unmapped
     * memory: a get after close throws {@link KernelClosedException}, a put racing close keeps its value on the heap.
     * Before, a get of a stored result after close read the unmapped segment and the JVM died of SIGSEGV.
     */
    @Override
    public void close() {
        closed = true;
        final long deadline = System.nanoTime() + READERS_AT_CLOSE_NANOS;
        while (writers.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.yield();  // a put that started before close: it finishes its copy
        }
        spillLock.lock();  // no spill runs from here
        try {
            for (final Stored s : resident) {
                while (s.transientReaders() > 0 && System.nanoTime() - deadline < 0) {
                    Thread.yield();  // a get decoding it, or a worker process's call that ends with its process
                }
            }
        } finally {
            spillLock.unlock();
        }
        storeClosing = true;
        if (liveViews.get() == 0) {
            closeStore();
        } else {
            store.unlinkName();  // no one attaches from now on; the mapping stays for the tensors read in place
        }
        if (spill != null) {
            spill.close();
        }
    }

    /** A tensor read in place was collected; the last one after close closes the store (its mapping goes). */
    void viewGone() {
        if (liveViews.decrementAndGet() == 0 && storeClosing) {
            closeStore();  // close and this each write their side before reading the other's: one of them sees both
        }
    }

    private void closeStore() {
        if (storeClosed.compareAndSet(false, true)) {
            store.close();
        }
    }

    /** Tensors read in place from the store that are still reachable (each keeps its object pinned). */
    public int liveViews() {
        return liveViews.get();
    }

    private boolean worthStoring(final Object value) {
        // Cheap pre-checks so that small values never pay for a serializer lookup.
        if (value instanceof byte[]) {
            return ((byte[]) value).length + 1L + HEADER >= inlineThreshold;
        }
        if (value instanceof ByteBuffer) {
            return ((ByteBuffer) value).remaining() + 1L + HEADER >= inlineThreshold;
        }
        if (value instanceof String) {
            return ((String) value).length() * 3L + 1 + HEADER >= inlineThreshold;
        }
        return !(value instanceof Number || value instanceof Boolean || value instanceof Character);
    }
}
