package io.kairos.internal.conductor;

import com.sun.jna.Pointer;
import io.kairos.exception.KairosException;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ObjectSource;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Executor side of Ray's ownership model: the large results of tasks other members forwarded here stay here, per
 * owner, until the owner pulls them ({@link ClusterLink#PULL}) and then tells this member to let them go
 * ({@link ClusterLink#RELEASE}; also when it no longer references one it never read), or leaves the cluster. A held result is the task's own object here: its value in this
 * kernel's shared store when it has one (the chunks are read straight from the store's memory), else its
 * {@link io.kairos.internal.object.ValueCodec} bytes, encoded once when the task finished.
 *
 * <p>Thread-safety: the conductor adds (when a forwarded task finishes); the transport's thread takes releases and
 * hands pulls to this member's pull server, a thread of its own that reads and sends the chunks, one pull at a time
 * (so the transport's receiving thread never waits on a send: two members pulling from each other cannot block each
 * other); any thread may drop an owner's results. The table is concurrent. A transport with a bulk channel reads
 * them through {@link #open} instead, on its own threads.
 */
final class HeldResults implements ObjectSource {
    /** A forwarded task's result at least this large (its encoded bytes) stays here until its owner pulls it. */
    static final int HOLD_THRESHOLD_BYTES = 1 << 20;
    /**
     * A pull is answered in chunks of at most this many bytes, one message each, and no larger than the transport's
     * frame ({@link ClusterTransport#frameBytes()}: Aeron's 256 KiB, so the owner copies each chunk straight from the
     * receiver's buffer).
     */
    static final int CHUNK_BYTES = 8 << 20;
    /** PULL_DATA's header: type, task id, total length, offset, status, chunk length. */
    static final int DATA_HEADER = 4 + 8 + 8 + 8 + 1 + 4;
    static final byte DATA_CHUNK = 0;
    static final byte DATA_MISSING = 1;

    private final ConcurrentHashMap<String, ConcurrentHashMap<Long, Held>> byOwner = new ConcurrentHashMap<>();
    /** Held objects that tasks running here read as arguments now (or read while they were released). */
    private final ConcurrentHashMap<ObjectState, Held> lent = new ConcurrentHashMap<>();
    private final AtomicLong lends = new AtomicLong();
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    private final ClusterTransport transport;
    private byte[] chunk;
    private ExecutorService server;  // guarded by this

    HeldResults(final ClusterTransport transport) {
        this.transport = transport;
    }

    /**
     * A held result: the executor's object (it keeps a stored value alive) and its bytes; the tasks of its owner that
     * read it here as an argument ({@link #lend}) and whether its owner has let it go.
     */
    private static final class Held {
        final String owner;
        final ObjectState state;
        final Stored stored;
        final byte[] bytes;
        final AtomicInteger borrowers = new AtomicInteger();
        volatile boolean released;

        Held(final String owner, final ObjectState state, final Stored stored, final byte[] bytes) {
            this.owner = owner;
            this.state = state;
            this.stored = stored;
            this.bytes = bytes;
        }

        long length() {
            return stored != null ? stored.length : bytes.length;
        }
    }

    /** Conductor: keeps a result whose value is in this kernel's store; returns its length. */
    long hold(final String owner, final long taskId, final ObjectState state, final Stored stored) {
        table(owner).put(taskId, new Held(owner, state, stored, null));
        return stored.length;
    }

    /** Conductor: keeps a result's encoded bytes (no store here, or the value stayed on the heap). */
    long hold(final String owner, final long taskId, final byte[] bytes) {
        table(owner).put(taskId, new Held(owner, null, null, bytes));
        return bytes.length;
    }

    /**
     * Transport thread, reading a task its owner sent here because this member holds one of its arguments (Ray's
     * locality): the held object itself, read in place (a stored one is not freed while the task has it, even if
     * its owner releases it meanwhile: {@link #giveBack}), or the held encoded bytes, to decode.
     *
     * @throws KairosException if nothing is held here under that id for that owner any more
     */
    Object lend(final String owner, final long taskId) {
        final ConcurrentHashMap<Long, Held> t = byOwner.get(owner);
        final Held held = t == null ? null : t.get(taskId);
        if (held == null) {
            throw new KairosException("object " + taskId + " of node '" + owner + "' is no longer held here, where "
                + "a task that reads it was sent to run");
        }
        lends.incrementAndGet();
        if (held.stored == null) {
            return held.bytes;
        }
        held.borrowers.incrementAndGet();
        lent.put(held.state, held);
        return held.state;
    }

    /** Conductor: a task that ran here is done (or goes back unstarted): the held objects it read are given back. */
    void giveBack(final TaskSpec task) {
        if (lent.isEmpty()) {
            return;
        }
        for (int i = 0; i < task.arity; i++) {
            final Object arg = task.args[i];
            final Held held = arg instanceof ObjectState ? lent.get(arg) : null;
            if (held != null && held.borrowers.decrementAndGet() == 0 && held.released) {
                lent.remove(arg, held);
                held.stored.freeIfUnread();
            }
        }
    }

    /** Whether a result of owner's task is held here now. */
    boolean holds(final String owner, final long taskId) {
        final ConcurrentHashMap<Long, Held> t = byOwner.get(owner);
        return t != null && t.containsKey(taskId);
    }

    /** Arguments read in place here, where they were held (one per task that read one). */
    long lends() {
        return lends.get();
    }

    private ConcurrentHashMap<Long, Held> table(final String owner) {
        return byOwner.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
    }

    /** How many results are held here now, for every owner. */
    int count() {
        int n = 0;
        for (final ConcurrentHashMap<Long, Held> t : byOwner.values()) {
            n += t.size();
        }
        return n;
    }

    /**
     * Transport thread: the owner releases a result it pulled; a stored one leaves the store now unless a send still
     * reads it (not only when a garbage collection finds its state unreachable: a member that runs big tasks may
     * allocate little, and its store would fill and spill meanwhile).
     */
    void release(final String owner, final long taskId) {
        final ConcurrentHashMap<Long, Held> t = byOwner.get(owner);
        final Held held = t == null ? null : t.remove(taskId);
        if (held != null && held.stored != null) {
            held.released = true;  // then borrowers read: a task giving it back at once sees one or the other
            if (held.borrowers.get() == 0) {
                lent.remove(held.state, held);
                held.stored.freeIfUnread();
            }
        }
    }

    /** The owner left (no one will pull its results) or this kernel closes: its results go. */
    void ownerLeft(final String owner) {
        byOwner.remove(owner);
        lent.values().removeIf(held -> held.owner.equals(owner));
    }

    /** Close: every result goes, and the pull server stops. */
    synchronized void clear() {
        byOwner.clear();
        lent.clear();
        if (server != null) {
            server.shutdownNow();
        }
    }

    /** Transport thread: a PULL; its chunks are sent from the pull server's thread, in the order pulls came. */
    synchronized void pull(final String owner, final long taskId) {
        if (server == null) {
            server = Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "kairos-pull-server");
                t.setDaemon(true);
                return t;
            });
        }
        if (!server.isShutdown()) {
            server.execute(() -> serve(owner, taskId));
        }
    }

    /**
     * Pull server: answers a PULL with the whole value in chunks of {@link #CHUNK_BYTES}, in order (the
     * transport keeps a member's messages in order), or one MISSING answer if nothing is held under that id.
     */
    private void serve(final String owner, final long taskId) {
        final ConcurrentHashMap<Long, Held> t = byOwner.get(owner);
        final Held held = t == null ? null : t.get(taskId);
        if (held == null) {
            final byte[] missing = new byte[DATA_HEADER];
            final UnsafeBuffer out = new UnsafeBuffer(missing);
            putHeader(out, taskId, 0, 0, DATA_MISSING, 0);
            transport.send(owner, missing, 0, missing.length);
            return;
        }
        final long length = held.length();
        final int chunkBytes = Math.min(CHUNK_BYTES, Math.max(4096, Math.min(transport.maxMessageBytes(),
            transport.frameBytes()) - DATA_HEADER));
        if (chunk == null || chunk.length < DATA_HEADER + Math.min(chunkBytes, length)) {
            chunk = new byte[DATA_HEADER + (int) Math.min(chunkBytes, length)];
        }
        final UnsafeBuffer out = new UnsafeBuffer(chunk);
        final boolean pinned = held.stored != null && held.stored.pinForCall();
        if (held.stored != null && !pinned) {  // spilled meanwhile: read back and sent from the heap
            final byte[] bytes = readSpilled(held);
            if (bytes == null) {
                final byte[] missing = new byte[DATA_HEADER];
                putHeader(new UnsafeBuffer(missing), taskId, 0, 0, DATA_MISSING, 0);
                transport.send(owner, missing, 0, missing.length);
                return;
            }
            sendChunks(owner, taskId, new Held(owner, null, null, bytes), out, chunkBytes);
            return;
        }
        try {
            if (held.stored != null) {
                source.wrap(held.stored.address, held.stored.length);
            }
            sendChunks(owner, taskId, held, out, chunkBytes);
        } finally {
            if (pinned) {
                held.stored.unpinForCall();
            }
        }
    }

    private void sendChunks(final String owner, final long taskId, final Held held, final UnsafeBuffer out,
                            final int chunkBytes) {
        final long length = held.length();
        for (long offset = 0; offset < length; ) {
            final int n = (int) Math.min(chunkBytes, length - offset);
            putHeader(out, taskId, length, offset, DATA_CHUNK, n);
            if (held.stored != null) {
                source.getBytes((int) offset, chunk, DATA_HEADER, n);
            } else {
                System.arraycopy(held.bytes, (int) offset, chunk, DATA_HEADER, n);
            }
            if (!transport.send(owner, chunk, 0, DATA_HEADER + n)) {
                return;  // the owner left: its results go with onNodeLeft
            }
            offset += n;
        }
    }

    /**
     * Bulk channel's thread: the bytes of a result held for owner, straight from the store (pinned: no spill moves
     * them until the handle closes), or its encoded bytes; null if none is held under that id for that owner.
     */
    @Override
    public ObjectSource.Held open(final String owner, final long taskId) {
        final ConcurrentHashMap<Long, Held> t = byOwner.get(owner);
        final Held held = t == null ? null : t.get(taskId);
        if (held == null) {
            return null;
        }
        if (held.stored == null) {
            return new Bytes(ByteBuffer.wrap(held.bytes).asReadOnlyBuffer(), null);
        }
        if (held.stored.pinForCall()) {
            return new Bytes(new Pointer(held.stored.address).getByteBuffer(0, held.stored.length), held.stored);
        }
        final byte[] bytes = readSpilled(held);  // spilled meanwhile: read back and sent from the heap
        return bytes == null ? null : new Bytes(ByteBuffer.wrap(bytes), null);
    }

    /** A held result being sent on the bulk channel; closing it unpins a stored one. */
    private record Bytes(ByteBuffer bytes, Stored pinned) implements ObjectSource.Held {
        @Override
        public void close() {
            if (pinned != null) {
                pinned.unpinForCall();
            }
        }
    }

    /** A stored value that was spilled: its bytes, from its file (null if it could not be read). */
    private static byte[] readSpilled(final Held held) {
        try {
            final Object value = held.stored.read();
            return held.stored.owner == null ? null : held.stored.owner.codec().encode(value, "a held result");
        } catch (final RuntimeException e) {
            return null;
        }
    }

    private static void putHeader(final UnsafeBuffer out, final long taskId, final long total, final long offset,
                                  final byte status, final int length) {
        out.putInt(0, ClusterLink.PULL_DATA);
        out.putLong(4, taskId);
        out.putLong(12, total);
        out.putLong(20, offset);
        out.putByte(28, status);
        out.putInt(29, length);
    }
}
