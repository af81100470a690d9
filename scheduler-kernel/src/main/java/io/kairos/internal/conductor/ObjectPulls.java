package io.kairos.internal.conductor;

import com.sun.jna.Pointer;
import io.kairos.exception.KairosException;
import io.kairos.exception.ObjectLostException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ObjectSink;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner side of Ray's ownership model: where this kernel's large results are held (another member that ran the task
 * keeps them, {@link HeldResults}) and their pulls. A held object stays pending here until someone reads it: a get or
 * wait on it ({@link #want}), or a task that takes it as an argument (at once if one waits when it is held). Then one
 * PULL goes to its holder, however many callers wait; the holder answers in chunks, which the transport's thread
 * copies straight into this kernel's shared store (or an array, with no store) and, once whole, hands to the conductor,
 * which only completes the object and tells the holder to release its copy (the rule: a result is freed at its holder
 * once its owner has it, once no one at its owner can read it any more, or when its owner leaves). A transport with
 * a bulk channel ({@link ClusterTransport#pullObject}) moves the bytes instead, on its own thread, straight into the
 * store: no PULL, no chunks; if that channel fails (not the holder: it still has the object) the pull goes on in
 * messages.
 *
 * <p>A holder that leaves before the object is whole: the task runs again (lineage), within its retries, and its new
 * result is pulled if someone still waits; past its retries the object fails with {@link ObjectLostException} naming
 * the object and the node.
 *
 * <p>Thread-safety: the locations and wants are the conductor's; the assemblies are shared with the transport's threads
 * (a concurrent map, each assembly guarded by itself).
 */
final class ObjectPulls {
    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final ValueCodec codec;
    /** Held objects of this kernel by object id (its task's id). Conductor. */
    private final Long2ObjectHashMap<Location> held = new Long2ObjectHashMap<>();
    /** Pulls under way by object id: the transport thread fills them. */
    private final ConcurrentHashMap<Long, Assembly> assembling = new ConcurrentHashMap<>();
    private final byte[] request = new byte[12];
    private final UnsafeBuffer requestBuffer = new UnsafeBuffer(request);
    private final AtomicLong pulls = new AtomicLong();
    private final AtomicLong pulledBytes = new AtomicLong();
    private final AtomicLong reconstructions = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    /** Held objects the garbage collector found unreachable (the Cleaner's thread adds, the conductor takes). */
    private final ConcurrentLinkedQueue<Unreachable> collected = new ConcurrentLinkedQueue<>();
    private DependencyWaits waits;

    ObjectPulls(final SchedulerConductor conductor, final ClusterTransport transport, final ValueCodec codec) {
        this.conductor = conductor;
        this.transport = transport;
        this.codec = codec;
    }

    void link(final DependencyWaits waits) {
        this.waits = waits;
    }

    /**
     * Where an object is held. Its task (and so the object, which is the caller's {@code ObjectRef}) is only weakly
     * reachable from here: once no caller and no waiting task holds the object, it is collected and its holder is
     * told to let its copy go ({@link #unreachable}).
     */
    private static final class Location {
        final long id;
        final WeakReference<TaskSpec> task;
        final String holder;
        final long length;
        boolean pulling;

        Location(final TaskSpec task, final String holder, final long length) {
            this.id = task.taskId();
            this.task = new WeakReference<>(task);
            this.holder = holder;
            this.length = length;
        }
    }

    /** How many of this kernel's objects other members hold now (written by the conductor, read by anyone). */
    private volatile int heldCount;

    private record Unreachable(long id, String holder) {
    }

    /**
     * Pulls started, bytes pulled, objects made again because their holder left, objects held elsewhere now, held
     * objects let go unread because no one could read them any more.
     */
    long[] counters() {
        return new long[] {pulls.get(), pulledBytes.get(), reconstructions.get(), heldCount, released.get()};
    }

    // ------------------------------------------------------------------------------------------------------------
    // conductor

    /**
     * A task's result is held by the member that ran it: it is pulled now if someone already waits for it here, or a
     * task that takes it cannot run where it is (those that can go there: {@link DependencyWaits#takeWhereHeld}).
     */
    void onHeld(final TaskSpec task, final String holder, final long length) {
        final Location location = new Location(task, holder, length);
        held.put(task.taskId(), location);
        heldCount = held.size();
        final long id = task.taskId();
        StoredObjects.cleaner().register(task.result, () -> collected.add(new Unreachable(id, holder)));
        task.result.heldElsewhere(new ObjectState.HeldAt(holder, length));
        if (task.resultWanted || task.hasDependents && !waits.takeWhereHeld(task.result, holder)) {
            start(location);
        }
    }

    /**
     * The member that holds every pending argument of a task that took held objects as ready, if one member holds
     * them all and none is being pulled; else null.
     */
    String holderOf(final TaskSpec task) {
        String holder = null;
        for (int i = 0; i < task.arity; i++) {
            if (task.args[i] instanceof ObjectState && ((ObjectState) task.args[i]).status() == ObjectState.PENDING) {
                final String at = holder((ObjectState) task.args[i]);
                if (at == null || holder != null && !holder.equals(at)) {
                    return null;
                }
                holder = at;
            }
        }
        return holder;
    }

    /** The member that holds this object, if another one does and no pull of it has begun; else null. */
    String holder(final ObjectState state) {
        final Location location = held.get(state.id);
        return location == null || location.pulling ? null : location.holder;
    }

    /**
     * Someone reads the object: it is pulled if it is held and not pulled yet.
     *
     * @return false if it is not held (yet)
     */
    void want(final ObjectState state) {
        final Location location = held.get(state.id);
        if (location == null) {
            if (state.producer != null) {
                state.producer.resultWanted = true;  // not back yet (or not held): pulled at once if it comes back held
            }
            return;
        }
        if (!location.pulling) {
            start(location);
        }
    }

    private void start(final Location location) {
        location.pulling = true;
        final long id = location.id;
        pulls.incrementAndGet();
        final Assembly assembly = new Assembly(id, location.holder, location.length);
        assembling.put(id, assembly);
        if (transport.pullObject(location.holder, id, assembly)) {
            return;  // the bulk channel moves it
        }
        if (!send(ClusterLink.PULL, location.holder, id)) {
            assembling.remove(id);  // the holder is gone: its leaving makes the object again or fails it
        }
    }

    private boolean send(final int type, final String to, final long id) {
        requestBuffer.putInt(0, type);
        requestBuffer.putLong(4, id);
        return transport.send(to, request, 0, request.length);
    }

    /** The transport thread assembled an object (stored, or value on the heap), or found it missing at its holder. */
    private void pulled(final long id, final String from, final Stored stored, final Object value,
                        final RuntimeException error) {
        final Location location = held.get(id);
        if (location == null || !location.holder.equals(from)) {
            if (stored != null) {
                stored.run();  // a late copy for an object already made again or done: freed at once
            }
            return;
        }
        held.remove(id);
        heldCount = held.size();
        send(ClusterLink.RELEASE, from, id);
        final TaskSpec task = location.task.get();
        if (task == null || task.result.isDone()) {  // no one can read it any more, or it was freed meanwhile
            if (stored != null) {
                stored.run();
            }
            return;
        }
        task.result.heldElsewhere(null);
        if (error instanceof ObjectLostException) {
            lost(location, error.getMessage());
            return;
        }
        final ObjectState state = task.result;
        if (error != null) {
            state.fail(error);
        } else if (stored != null) {
            state.completeStored(stored);
        } else {
            state.complete(value);
        }
        if (task.hasDependents) {
            waits.doneObjects.add(state);
        }
    }

    /**
     * Conductor (its cluster duty): objects the garbage collector found unreachable while held elsewhere; each holder
     * that still keeps one is told to let it go, as after a pull.
     */
    int releaseCollected() {
        int work = 0;
        for (Unreachable gone; (gone = collected.poll()) != null; work++) {
            final Location location = held.get(gone.id);
            if (location == null || !location.holder.equals(gone.holder) || location.task.get() != null) {
                continue;  // pulled already, or held by another member since (made again after its holder left)
            }
            held.remove(gone.id);
            heldCount = held.size();
            final Assembly assembly = assembling.remove(gone.id);
            if (assembly != null) {
                assembly.abort(conductor.objects());
            }
            released.incrementAndGet();
            send(ClusterLink.RELEASE, gone.holder, gone.id);
        }
        return work;
    }

    /**
     * The owner freed an object another member holds ({@code ObjectRef.free}, which failed it already): unless a pull
     * of it has begun, its holder lets its copy go now; its dependents hear it failed.
     */
    void freed(final ObjectState state) {
        final Location location = held.get(state.id);
        if (location != null && !location.pulling) {
            held.remove(state.id);
            heldCount = held.size();
            state.heldElsewhere(null);
            send(ClusterLink.RELEASE, location.holder, state.id);
        }
        if (state.dependents != null) {
            waits.doneObjects.add(state);
            conductor.dispatchNeeded = true;
        }
    }

    /** A member left: the objects it held and this kernel had not pulled whole are made again, or fail. */
    void holderLeft(final String nodeId, final String reason) {
        List<Location> gone = null;
        for (final Location location : held.values()) {
            if (location.holder.equals(nodeId)) {
                if (gone == null) {
                    gone = new ArrayList<>();
                }
                gone.add(location);
            }
        }
        if (gone == null) {
            return;
        }
        for (final Location location : gone) {
            held.remove(location.id);
            heldCount = held.size();
            lost(location, "node '" + nodeId + "' left the cluster (" + reason + ")");
        }
    }

    private void lost(final Location location, final String why) {
        final long id = location.id;
        final Assembly assembly = assembling.remove(id);
        if (assembly != null) {
            assembly.abort(conductor.objects());
        }
        final TaskSpec task = location.task.get();
        if (task == null) {
            return;  // no one can read it any more
        }
        task.result.heldElsewhere(null);
        if (task.kind == TaskSpec.Kind.TASK && task.attempts < task.maxRetries && !task.cancelled
            && !conductor.closing) {
            task.resultWanted |= location.pulling;  // someone waits: the new result is pulled as soon as it is held
            reconstructions.incrementAndGet();
            task.attempts++;
            waits.makeReady(task);  // lineage: the task runs again, on a member that is still here
            return;
        }
        final RuntimeException failure = new ObjectLostException("object " + id + " (the result of task '"
            + task.name() + "') was held on node '" + location.holder + "' and is lost: " + why + "; the task ran "
            + (task.attempts + 1) + " time(s), its retries (" + task.maxRetries + ") are spent", null);
        if (task.result.fail(failure) && task.hasDependents) {
            waits.doneObjects.add(task.result);
        }
    }

    /** Close: the objects still held elsewhere fail (their holders free them when this member leaves). */
    void close() {
        for (final Location location : held.values()) {
            final Assembly assembly = assembling.remove(location.id);
            if (assembly != null) {
                assembly.abort(conductor.objects());
            }
            final TaskSpec task = location.task.get();
            if (task != null && task.result.fail(new TaskCancelledException("kernel closed before object "
                + location.id + " was pulled from node '" + location.holder + "'")) && task.hasDependents) {
                waits.doneObjects.add(task.result);
            }
        }
        collected.clear();
        held.clear();
        heldCount = 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // transport thread

    /**
     * A PULL_DATA message: a chunk is copied where the object goes (the shared store when this kernel has one, else an
     * array); the last one completes the object through the conductor.
     */
    void onData(final String from, final UnsafeBuffer in) {
        final long id = in.getLong(4);
        final Assembly assembly = assembling.get(id);
        if (assembly == null || !assembly.holder.equals(from)) {
            return;  // a pull abandoned (its holder left, or the kernel closes)
        }
        if (in.getByte(28) == HeldResults.DATA_MISSING) {
            assembling.remove(id, assembly);
            final RuntimeException missing = new ObjectLostException("node '" + from + "' no longer holds object "
                + id, null);
            conductor.offerFromWorker((Runnable) () -> pulled(id, from, null, null, missing));
            return;
        }
        final long offset = in.getLong(20);
        final int length = in.getInt(29);
        final boolean whole;
        try {
            whole = assembly.copy(conductor.objects(), in, HeldResults.DATA_HEADER, offset, length);
        } catch (final RuntimeException e) {
            assembling.remove(id, assembly);
            assembly.abort(conductor.objects());
            final RuntimeException failed = new KairosException("object " + id + " could not be pulled from node '"
                + from + "': " + e, e);
            conductor.offerFromWorker((Runnable) () -> pulled(id, from, null, null, failed));
            return;
        }
        if (!whole || !assembling.remove(id, assembly)) {
            return;  // more to come, or abandoned meanwhile
        }
        finish(id, from, assembly);
    }

    /** The object is whole (and no longer among the pulls under way): sealed or decoded, then to the conductor. */
    private void finish(final long id, final String from, final Assembly assembly) {
        pulledBytes.addAndGet(assembly.length);
        Stored stored = null;
        Object value = null;
        RuntimeException error = null;
        try {
            if (assembly.incoming != null) {
                stored = conductor.objects().seal(assembly.incoming, id);
            } else {
                value = codec.decode(ByteBuffer.wrap(assembly.heap));
            }
        } catch (final RuntimeException e) {
            error = new KairosException("object " + id + " pulled from node '" + from + "' could not be read: " + e, e);
        }
        final Stored s = stored;
        final Object v = value;
        final RuntimeException err = error;
        conductor.offerFromWorker((Runnable) () -> pulled(id, from, s, v, err));
    }

    /**
     * One object arriving in chunks, or whole through the transport's bulk channel (as its {@link ObjectSink}); its
     * destination is made on the first chunk, or when the bulk channel has the length (off the conductor's thread).
     * While the bulk channel writes into the destination, an abort only marks it: the store's room goes back when the
     * channel is done with it.
     */
    private final class Assembly implements ObjectSink {
        final long id;
        final String holder;
        final long length;
        private final UnsafeBuffer target = new UnsafeBuffer(0, 0);
        StoredObjects.Incoming incoming;
        byte[] heap;
        private long received;
        private boolean aborted;
        /** The bulk channel may write into the destination now. */
        private boolean writing;

        Assembly(final long id, final String holder, final long length) {
            this.id = id;
            this.holder = holder;
            this.length = length;
        }

        @Override
        public ByteBuffer destination(final long bytes) {
            synchronized (this) {
                if (aborted || bytes != length || incoming != null || heap != null) {
                    return null;
                }
                try {
                    allocate(conductor.objects());
                } catch (final RuntimeException e) {
                    return null;
                }
                writing = true;
                return incoming != null ? new Pointer(incoming.address()).getByteBuffer(0, length)
                    : ByteBuffer.wrap(heap);
            }
        }

        @Override
        public void completed() {
            synchronized (this) {
                writing = false;
                if (aborted) {
                    free(conductor.objects());
                    return;
                }
                received = length;
            }
            if (assembling.remove(id, this)) {
                finish(id, holder, this);
            } else {
                abort(conductor.objects());  // abandoned meanwhile
            }
        }

        @Override
        public void failed(final boolean missing, final String reason) {
            synchronized (this) {
                writing = false;
                if (aborted) {
                    free(conductor.objects());
                    return;
                }
                free(conductor.objects());  // a fresh destination if the pull goes on in messages
                received = 0;
            }
            if (missing) {
                if (assembling.remove(id, this)) {
                    final RuntimeException lost = new ObjectLostException("node '" + holder + "' no longer holds object "
                        + id + " (" + reason + ")", null);
                    conductor.offerFromWorker((Runnable) () -> pulled(id, holder, null, null, lost));
                }
                return;
            }
            conductor.offerFromWorker((Runnable) () -> {  // the bulk channel failed, not the holder: ask in messages
                if (assembling.get(id) == this && !send(ClusterLink.PULL, holder, id)) {
                    assembling.remove(id, this);  // the holder is gone: its leaving makes the object again or fails it
                }
            });
        }

        private void allocate(final StoredObjects objects) {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("object of " + length + " bytes is too large to pull");
            }
            incoming = objects == null ? null : objects.incoming(length);
            if (incoming != null) {
                target.wrap(incoming.address(), incoming.length());
            } else {
                heap = new byte[(int) length];
                target.wrap(heap);
            }
        }

        private void free(final StoredObjects objects) {
            if (incoming != null && objects != null) {
                objects.abort(incoming);
            }
            incoming = null;
            heap = null;
        }

        /** Copies one chunk; true when the object is whole. */
        synchronized boolean copy(final StoredObjects objects, final UnsafeBuffer in, final int at, final long offset,
                                  final int n) {
            if (aborted) {
                return false;
            }
            if (incoming == null && heap == null) {
                allocate(objects);
            }
            if (offset < 0 || offset + n > length) {
                throw new IllegalStateException("chunk at " + offset + " of " + n + " bytes outside " + length);
            }
            target.putBytes((int) offset, in, at, n);
            received += n;
            return received == length;
        }

        synchronized void abort(final StoredObjects objects) {
            aborted = true;
            if (!writing) {
                free(objects);
            }
        }
    }
}
