package io.kairos.store;

import com.sun.jna.Pointer;
import io.kairos.store.internal.JniStore;
import io.kairos.store.internal.KairosNative;
import io.kairos.store.internal.NativeLibraryLoader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;

/**
 * A shared-memory object store: one segment, {@code /dev/shm/kairos-<name>}, that every attached process maps.
 * The object table lives in the segment, so a process that attaches finds and reads objects with no round trip to
 * any other process.
 *
 * <p>Objects go through {@link #create} (a writable buffer over the mapped memory) → {@link #seal} (immutable,
 * visible) → {@link #get} (a read-only view, pinned) → {@link #release} → {@link #delete}. Buffers are Agrona buffers
 * over the mapped memory: nothing is copied on put or get. A buffer must not be used after its object is released
 * or deleted, nor after the store is closed.
 *
 * <p>When a create does not fit, sealed unpinned objects are evicted in least-recently-used order (see
 * {@link #onEviction}); pinned objects never are. Then {@link StoreFullException}.
 *
 * <p>Thread-safe. The per-object calls (create, seal, get, release) go through JNI; the rest through JNA.
 * Every failure is a {@link StoreException} subclass whose message names the field and the limit.
 */
public final class SharedObjectStore implements AutoCloseable {
    /** The largest object a Java buffer can span (Agrona buffers are int-indexed). */
    public static final long MAX_OBJECT_SIZE = Integer.MAX_VALUE;

    private static final int STATS_FIELDS = 12;

    static {
        final int version = JniStore.abiVersion();
        if (version != NativeLibraryLoader.EXPECTED_ABI_VERSION) {
            throw new UnsatisfiedLinkError("libkairos: " + NativeLibraryLoader.source() + " has store ABI version "
                + version + ", these bindings need " + NativeLibraryLoader.EXPECTED_ABI_VERSION
                + " (a library from another Kairos version: use the jar's, or set " + NativeLibraryLoader.LIBRARY_PATH_PROP
                + " to a matching build)");
        }
    }

    private final String name;
    private final long handle;
    private final boolean owner;
    private final long capacity;
    private volatile boolean closed;
    private volatile KairosNative.EvictionCallback evictionCallback;  // strongly held while registered
    private StorePrefault prefault;  // the latest background prefault, or null (guarded by this)

    private SharedObjectStore(final String name, final long handle, final boolean owner) {
        this.name = name;
        this.handle = handle;
        this.owner = owner;
        this.capacity = readStats(handle)[0];
    }

    /**
     * Creates a store, owned by this process, with a default object table (capacity / 4096 entries, at least 1024).
     *
     * @param name          1 to 200 characters of [A-Za-z0-9._-]
     * @param capacityBytes arena bytes, 64 KiB to 1 TiB
     */
    public static SharedObjectStore create(final String name, final long capacityBytes) {
        return create(name, capacityBytes, 0);
    }

    /**
     * Creates a store with an object table of maxObjects entries (0 for the default; else 64 to 16,777,216).
     * A leftover segment of that name whose owner process is gone is replaced.
     *
     * @throws ObjectExistsException if a store of that name exists and its owner is alive
     */
    public static SharedObjectStore create(final String name, final long capacityBytes, final int maxObjects) {
        requireName(name);
        if (maxObjects < 0) {
            throw new StoreInvalidArgumentException("maxObjects " + maxObjects + " is negative");
        }
        if (capacityBytes < 0) {
            throw new StoreInvalidArgumentException("capacityBytes " + capacityBytes + " is negative");
        }
        final long[] out = new long[1];
        final int rc = KairosNative.kairos_store_create(name, capacityBytes, maxObjects, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "create store", "'" + name + "'");
        }
        return new SharedObjectStore(name, out[0], true);
    }

    /**
     * Attaches to a store another process (or this one) created.
     *
     * @throws ObjectNotFoundException if there is no store of that name
     */
    public static SharedObjectStore attach(final String name) {
        requireName(name);
        final long[] out = new long[1];
        final int rc = KairosNative.kairos_store_attach(name, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "attach store", "'" + name + "'");
        }
        return new SharedObjectStore(name, out[0], false);
    }

    /** Where POSIX shared memory lives on Linux: a store named N is the file {@code kairos-N} here. */
    public static final java.nio.file.Path SHM_DIRECTORY = java.nio.file.Path.of("/dev/shm");

    /**
     * The native library on disk, for another process to load (a Python worker loads it through ctypes): the file
     * this JVM loaded, or a copy of the jar's, kept until this JVM exits.
     *
     * @return the path of libkairos.so
     */
    public static java.nio.file.Path libraryFile() {
        return io.kairos.store.internal.NativeLibraryLoader.libraryFile();
    }

    /**
     * Removes the segment of the store of that name if its owner process is gone (a crashed kernel's); never a
     * live owner's, another user's, or a file that is not a store's.
     *
     * @return true if it was removed; false if its owner lives, it is not this user's or not a store's, or it is gone
     * @throws StoreInvalidArgumentException for a malformed name
     */
    public static boolean removeStale(final String name) {
        requireName(name);
        final int rc = KairosNative.kairos_store_remove_stale(name);
        if (rc == Status.OK) {
            return true;
        }
        if (rc == Status.EXISTS || rc == Status.NOT_FOUND || rc == Status.WRONG_STATE) {
            return false;
        }
        throw Status.exception(rc, "remove stale store", "'" + name + "'");
    }

    /**
     * Removes every store segment ({@code /dev/shm/kairos-*}) of this user whose owner process is gone.
     *
     * @return the names of the stores removed
     */
    public static java.util.List<String> removeStaleSegments() {
        final java.util.List<String> removed = new java.util.ArrayList<>();
        final java.util.List<String> names = new java.util.ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(SHM_DIRECTORY)) {
            files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("kairos-") && f.length() > 7)
                .forEach(f -> names.add(f.substring(7)));
        } catch (final java.io.IOException | java.io.UncheckedIOException e) {
            return removed;  // no /dev/shm to look at: nothing of ours can be there
        }
        for (final String name : names) {
            try {
                if (removeStale(name)) {
                    removed.add(name);
                }
            } catch (final StoreException e) {
                // a name this ABI would not give (a file of another program): not ours to touch
            }
        }
        return removed;
    }

    /**
     * Creates an unsealed object and returns a writable buffer over its memory; write it, then {@link #seal}.
     *
     * @param size bytes, 0 to {@link #MAX_OBJECT_SIZE} and at most the store's capacity less 64
     */
    public MutableDirectBuffer create(final ObjectId id, final long size) {
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        create(id, size, buffer);
        return buffer;
    }

    /** As {@link #create(ObjectId, long)}, wrapping the caller's buffer instead of allocating one. */
    public void create(final ObjectId id, final long size, final UnsafeBuffer into) {
        requireId(id);
        if (size < 0 || size > MAX_OBJECT_SIZE) {
            throw new StoreInvalidArgumentException("size " + size + " is outside 0.." + MAX_OBJECT_SIZE + " bytes");
        }
        final long address = JniStore.createObject(handle, id.hi(), id.lo(), size);
        if (address < 0) {
            throw Status.exception((int) address, "create", id);
        }
        into.wrap(address, (int) size);
    }

    /** Seals an object this process created: it becomes immutable and visible to get, here and in every process. */
    public void seal(final ObjectId id) {
        requireId(id);
        final int rc = JniStore.seal(handle, id.hi(), id.lo());
        if (rc != Status.OK) {
            throw Status.exception(rc, "seal", id);
        }
    }

    /** Creates, copies length bytes from src and seals: a put. */
    public void put(final ObjectId id, final DirectBuffer src, final int offset, final int length) {
        if (src == null) {
            throw new StoreInvalidArgumentException("src is null");
        }
        if (offset < 0 || length < 0 || offset > src.capacity() - length) {
            throw new StoreInvalidArgumentException("offset " + offset + " and length " + length
                + " exceed src capacity " + src.capacity());
        }
        final MutableDirectBuffer dst = create(id, length);
        dst.putBytes(0, src, offset, length);
        seal(id);
    }

    /** Creates, copies the bytes and seals: a put. */
    public void put(final ObjectId id, final byte[] bytes) {
        if (bytes == null) {
            throw new StoreInvalidArgumentException("bytes is null");
        }
        final MutableDirectBuffer dst = create(id, bytes.length);
        dst.putBytes(0, bytes);
        seal(id);
    }

    /** Aborts an unsealed object this process created: its memory is freed and the id can be created again. */
    public void abort(final ObjectId id) {
        requireId(id);
        final int rc = KairosNative.kairos_store_abort(handle, id.toBytes());
        if (rc != Status.OK) {
            throw Status.exception(rc, "abort", id);
        }
    }

    /**
     * Gets a sealed object as a read-only view of the mapped memory, pinned (never evicted) until {@link #release}.
     * Waits up to timeout for an object that is absent or still being created.
     *
     * @throws StoreTimeoutException   if it is not sealed in time (or, with a zero timeout, exists but is unsealed)
     * @throws ObjectNotFoundException if it is absent and the timeout is zero
     */
    public DirectBuffer get(final ObjectId id, final Duration timeout) {
        final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        get(id, timeoutNanos(timeout), buffer);
        return buffer;
    }

    /**
     * As {@link #get(ObjectId, Duration)}, wrapping the caller's buffer instead of allocating: no garbage.
     *
     * @throws StoreInvalidArgumentException if the object is larger than {@link #MAX_OBJECT_SIZE} (a client of the C
     *                                       ABI can make one): no Java buffer spans it, so its pin is released
     *                                       again and the message names its size
     */
    public void get(final ObjectId id, final long timeoutNanos, final UnsafeBuffer into) {
        requireId(id);
        if (timeoutNanos < 0) {
            throw new StoreInvalidArgumentException("timeout " + timeoutNanos + " ns is negative");
        }
        final long address = JniStore.get(handle, id.hi(), id.lo(), timeoutNanos);
        if (address < 0) {
            throw Status.exception((int) address, "get", id);
        }
        final long size = UnsafeApi.getLong(address - 8);  // the native u64 size prefix
        if (size < 0 || size > MAX_OBJECT_SIZE) {  // negative: a u64 of 2^63 bytes or more
            final int rc = JniStore.release(handle, id.hi(), id.lo());
            throw new StoreInvalidArgumentException("object " + id + " is " + Long.toUnsignedString(size)
                + " bytes, more than a Java buffer spans (MAX_OBJECT_SIZE " + MAX_OBJECT_SIZE + " bytes)"
                + (rc == Status.OK ? "; its pin was released" : "; releasing its pin failed: " + rc));
        }
        into.wrap(address, (int) size);
    }

    /** Releases one pin this process holds on the object (taken by {@link #get}). */
    public void release(final ObjectId id) {
        requireId(id);
        final int rc = JniStore.release(handle, id.hi(), id.lo());
        if (rc != Status.OK) {
            throw Status.exception(rc, "release", id);
        }
    }

    /**
     * Deletes a sealed object. A pinned one is hidden at once and freed at its last release.
     *
     * @return false if there was no such object
     * @throws ObjectStateException if the object is not sealed yet (its creator aborts it instead)
     */
    public boolean delete(final ObjectId id) {
        requireId(id);
        final int rc = KairosNative.kairos_store_delete(handle, id.toBytes());
        if (rc == Status.NOT_FOUND) {
            return false;
        }
        if (rc != Status.OK) {
            throw Status.exception(rc, "delete", id);
        }
        return true;
    }

    /** Whether a sealed, undeleted object has this id. */
    public boolean contains(final ObjectId id) {
        requireId(id);
        final int[] out = new int[1];
        final int rc = KairosNative.kairos_store_contains(handle, id.toBytes(), out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "contains", id);
        }
        return out[0] != 0;
    }

    /** A consistent snapshot of the store's counters. */
    public StoreStats stats() {
        final long[] s = readStats(handle);
        return new StoreStats(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]);
    }

    /**
     * Registers (or, with null, clears) the listener told of each object this process evicts. An evicted object
     * larger than {@link #MAX_OBJECT_SIZE} (made by a client of the C ABI) cannot be wrapped in a buffer: the listener
     * is told through {@link EvictionListener#onEvictedTooLarge} instead, with its true size, never with a truncated
     * buffer. Synchronized, so that the native registration and the callback this object keeps alive always agree.
     */
    public synchronized void onEviction(final EvictionListener listener) {
        final KairosNative.EvictionCallback callback = listener == null ? null : (user, id, data, size) -> {
            final ObjectId objectId = ObjectId.fromBytes(id.getByteArray(0, ObjectId.SIZE), 0);
            if (size >= 0 && size <= MAX_OBJECT_SIZE) {
                listener.onEvicted(objectId, new UnsafeBuffer(Pointer.nativeValue(data), (int) size));
            } else {
                listener.onEvictedTooLarge(objectId, size);
            }
        };
        final int rc = KairosNative.kairos_store_set_eviction_callback(handle, callback, null);
        if (rc != Status.OK) {
            throw Status.exception(rc, "onEviction", "'" + name + "'");
        }
        evictionCallback = callback;
    }

    /** Releases the pins and unsealed objects of attached processes that are gone; returns how many were reaped. */
    public int reapDeadClients() {
        final int[] out = new int[1];
        final int rc = KairosNative.kairos_store_reap_dead_clients(handle, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "reapDeadClients", "'" + name + "'");
        }
        return out[0];
    }

    /**
     * Makes resident now the arena's pages that hold bytes [offset, offset + length), so that puts into them pay no
     * first-touch page fault (which here costs more than the copy). Changes no byte and takes no store lock: safe while
     * any thread or process puts, reads or deletes objects in the range, and never blocks them. The pages stay
     * committed: the range takes tmpfs memory from then on, objects in it or not. The range is reserved first
     * ({@link #reservePages}), then mapped into this process. See {@link #prefaultInBackground}.
     *
     * @param offset from the arena's start, 0 to {@link #capacity()}
     * @param length bytes, 0 to {@code capacity() - offset}
     * @return the bytes populated, in whole pages
     * @throws StoreInvalidArgumentException for a range outside the arena
     * @throws StoreClosedException          if the store is closed, or gets closed during the call (it then stops
     *                                       within 2 MiB)
     * @throws StoreException                when memory or /dev/shm space runs out (KAIROS_ERR_NO_MEMORY)
     */
    public long prefault(final long offset, final long length) {
        return prefault(offset, length, KairosNative.PREFAULT_RESERVE | KairosNative.PREFAULT_MAP, "prefault");
    }

    /**
     * Allocates in /dev/shm the arena's pages that hold bytes [offset, offset + length), without mapping them into
     * this process: about twice as fast as {@link #prefault}, and a put into a reserved page then pays about half a
     * first touch (the zeroing and the mapping). Pages are shared, so every attached process gains. Changes no byte,
     * takes no store lock; a full /dev/shm is an error here rather than a SIGBUS at a later put.
     *
     * @param offset from the arena's start, 0 to {@link #capacity()}
     * @param length bytes, 0 to {@code capacity() - offset}
     * @return the bytes reserved, in whole pages
     * @throws StoreException as {@link #prefault}; KAIROS_ERR_UNSUPPORTED where the file system cannot fallocate
     */
    public long reservePages(final long offset, final long length) {
        return prefault(offset, length, KairosNative.PREFAULT_RESERVE, "reservePages");
    }

    /** Maps the range's pages into this process (reserving any not reserved yet): the second pass of a prefault. */
    long mapPages(final long offset, final long length) {
        return prefault(offset, length, KairosNative.PREFAULT_MAP, "mapPages");
    }

    private long prefault(final long offset, final long length, final int flags, final String operation) {
        if (offset < 0 || length < 0) {
            throw new StoreInvalidArgumentException(operation + " '" + name + "': offset " + offset + " and length "
                + length + " must be >= 0 (the arena is " + capacity + " bytes)");
        }
        final long[] out = new long[1];
        final int rc = KairosNative.kairos_store_prefault(handle, offset, length, flags, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, operation, "'" + name + "'");
        }
        return out[0];
    }

    /**
     * Starts making the whole arena resident on a daemon thread ({@link StorePrefault#THREAD_NAME_PREFIX}NAME),
     * chunkBytes per native call, and returns at once; the thread ends by itself when done. It first reserves the
     * whole arena ({@link #reservePages}), which runs well ahead of any put, then maps it ({@link #prefault}), so a put
     * made meanwhile pays at most half a first touch, and none once the thread has passed its pages; it is never
     * blocked by it. {@link #close()} stops it and waits for it. If a background prefault is running already, returns
     * that one.
     *
     * @param chunkBytes bytes per call, rounded down to a multiple of 2 MiB (at least 2 MiB); e.g.
     *                   {@link StorePrefault#CHUNK_BYTES_DEFAULT}
     * @throws StoreClosedException if the store is closed
     */
    public synchronized StorePrefault prefaultInBackground(final long chunkBytes) {
        if (closed) {
            throw new StoreClosedException(Status.CLOSED, "prefaultInBackground '" + name + "': the store is closed");
        }
        if (prefault != null && !prefault.isDone()) {
            return prefault;
        }
        final StorePrefault started = new StorePrefault(this, chunkBytes);
        started.start();
        prefault = started;
        return started;
    }

    /** The latest background prefault ({@link #prefaultInBackground}), running or ended; null if none was started. */
    public synchronized StorePrefault backgroundPrefault() {
        return prefault;
    }

    /** This process's client index in the store (0 for the owner). */
    public int clientId() {
        final int[] out = new int[1];
        final int rc = KairosNative.kairos_store_client_id(handle, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "clientId", "'" + name + "'");
        }
        return out[0];
    }

    public String name() {
        return name;
    }

    /** Arena bytes. */
    public long capacity() {
        return capacity;
    }

    /** Whether this handle created the store (and removes its name on close). */
    public boolean isOwner() {
        return owner;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The native handle, for benchmarks that call the C ABI directly ({@code io.kairos.store.internal}); not an
     * API for applications.
     */
    public long nativeHandle() {
        return handle;
    }

    /**
     * The owner removes the store's name now, before {@link #close}: no process attaches from here on, and the
     * segment leaves {@code /dev/shm} even while this handle's mapping (and the mappings of processes attached
     * already) stays until they close. For an owner whose buffers must outlive its end. Idempotent; a handle that is
     * not the owner's does nothing.
     */
    public void unlinkName() {
        if (!owner) {
            return;
        }
        try {
            java.nio.file.Files.deleteIfExists(SHM_DIRECTORY.resolve("kairos-" + name));
        } catch (final java.io.IOException e) {
            // no /dev/shm (another system): close removes the name, as it always does
        }
    }

    /**
     * Detaches: this process's pins are released and its unsealed objects aborted; the owner also removes the name
     * (processes still attached keep their mapping). Idempotent. Later calls throw {@link StoreClosedException}.
     * Buffers obtained from this handle must not be touched afterwards.
     * A background prefault ({@link #prefaultInBackground}) is stopped and waited for: its thread never outlives the
     * store.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final StorePrefault running;
        synchronized (this) {  // as prefaultInBackground: it starts no thread once closed is set
            running = prefault;
        }
        if (running != null) {
            running.requestStop();
        }
        KairosNative.kairos_store_close(handle);  // stops a prefault call in flight within 2 MiB, and waits for it
        if (running != null) {
            running.awaitEnd();  // the thread never outlives the store
        }
        synchronized (this) {  // as onEviction: the callback is dropped only once the native side can no longer call it
            evictionCallback = null;
        }
    }

    @Override
    public String toString() {
        return "SharedObjectStore{name='" + name + "', owner=" + owner + ", capacity=" + capacity
            + (closed ? ", closed" : "") + '}';
    }

    private static long[] readStats(final long handle) {
        final long[] out = new long[STATS_FIELDS];
        final int rc = KairosNative.kairos_store_stats_get(handle, out);
        if (rc != Status.OK) {
            throw Status.exception(rc, "stats", null);
        }
        return out;
    }

    private static long timeoutNanos(final Duration timeout) {
        if (timeout == null) {
            throw new StoreInvalidArgumentException("timeout is null");
        }
        if (timeout.isNegative()) {
            throw new StoreInvalidArgumentException("timeout " + timeout + " is negative");
        }
        try {
            return timeout.toNanos();
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void requireId(final ObjectId id) {
        if (id == null) {
            throw new StoreInvalidArgumentException("id is null");
        }
    }

    private static void requireName(final String name) {
        if (name == null) {
            throw new StoreInvalidArgumentException("name is null");
        }
    }
}
