package io.kairos.internal.object;

import com.sun.jna.Pointer;
import io.kairos.exception.ObjectFreedException;
import io.kairos.store.ObjectId;
import io.kairos.value.Tensor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One stored object: in the store at address, or spilled to a file. Its reader count keeps a spill from freeing
 * the memory under a reader; it is also the Cleaner's action (it holds no reference to the object's state).
 */
public final class Stored implements Runnable {
    private static final int SPILLING = -1;
    private static final int FREED = -2;
    private static final AtomicIntegerFieldUpdater<Stored> READERS =
        AtomicIntegerFieldUpdater.newUpdater(Stored.class, "readers");
    private static final AtomicIntegerFieldUpdater<Stored> OWNERS =
        AtomicIntegerFieldUpdater.newUpdater(Stored.class, "owners");
    private static final AtomicIntegerFieldUpdater<Stored> VIEWS =
        AtomicIntegerFieldUpdater.newUpdater(Stored.class, "views");

    public final StoredObjects owner;
    public final ObjectId id;
    /** The id of the kernel object (its ObjectRef's id) whose value this is. */
    public final long objectId;
    public final long address;
    public final int length;
    private volatile int readers;
    /** The object states whose value this is (one, unless a task returned its argument): 0 once all are gone. */
    private volatile int owners = 1;
    /** Of the readers, the {@link Tensor}s read in place that pin it for as long as they live. */
    private volatile int views;
    private volatile SpillFiles.Location spilled;
    /** CLOCK's bit: read since the last spill pass looked. */
    public volatile boolean referenced;
    /** How many times the object's value was made again before this copy (lineage; guarded by its state). */
    public int reconstructions;
    /** The run making this lost copy's value again (lineage: the kernel's result object; guarded by its state). */
    public Object rebuild;

    public Stored(final StoredObjects owner, final ObjectId id, final long objectId, final long address, final int length) {
        this.owner = owner;
        this.id = id;
        this.objectId = objectId;
        this.address = address;
        this.length = length;
    }

    /**
     * Reads the value back (a fresh copy, as Ray's get), from the store or from its spill file. The reader pins it
     * as a worker process's call does ({@link #pinForCall}, which checks after its pin that no spill ended first).
     * Before, a reader that saw "not spilled" and then a reader count of 0 took its pin even when a whole spill
     * had ended in between, and decoded memory the spill had just freed (SpillTest found other objects' bytes).
     */
    public Object read() {
        if (!enterMemory()) {
            return owner.restore(spilled);
        }
        boolean viewed = false;
        try {
            if (owner.closed) {
                throw StoredObjects.closedError(objectId);
            }
            referenced = true;
            final ByteBuffer bytes = new Pointer(address).getByteBuffer(0, length);
            if (!CrossLanguage.isStoredTensor(bytes)) {
                return owner.codec.decode(bytes);
            }
            final ViewRelease release = new ViewRelease(this);
            final Tensor view = CrossLanguage.tensorInPlace(bytes, release::unpin);
            // The tensor's buffers (and every view of them) keep bytes reachable: when it goes, so does the pin.
            owner.liveViews.incrementAndGet();  // before views: close, seeing this reader as a view, sees it here
            VIEWS.incrementAndGet(this);
            StoredObjects.cleaner().register(bytes, release);
            viewed = true;
            return view;
        } finally {
            if (!viewed) {
                exitMemory();
            }
        }
    }

    /**
     * A tensor read in place: its pin goes at its close or when it is collected, whichever is first; the store's
     * mapping is kept until it is collected (a buffer of it may still be read, see {@link Tensor#close}).
     */
    private static final class ViewRelease implements Runnable {
        private final Stored stored;
        private final java.util.concurrent.atomic.AtomicBoolean pinned = new java.util.concurrent.atomic.AtomicBoolean(
            true);

        ViewRelease(final Stored stored) {
            this.stored = stored;
        }

        void unpin() {
            if (pinned.compareAndSet(true, false)) {
                VIEWS.decrementAndGet(stored);
                stored.unpinForCall();
            }
        }

        /** The Cleaner: the tensor's buffers are unreachable. */
        @Override
        public void run() {
            unpin();
            stored.owner.viewGone();
        }
    }

    /**
     * A reader's way in: true when it may read the object's store memory (pinned as by {@link #pinForCall} until
     * {@link #exitMemory}, so no spill takes it meanwhile), false when the value is in its spill file.
     */
    boolean enterMemory() {
        for (;;) {
            if (readers == FREED) {  // first: a freed object's spill location is gone too
                throw new ObjectFreedException("object " + objectId + " was freed");
            }
            if (spilled != null) {
                return false;
            }
            if (pinForCall()) {
                return true;
            }
            Thread.onSpinWait();  // being spilled (or spilled meanwhile): read it from the file in a moment
        }
    }

    void exitMemory() {
        unpinForCall();
    }

    /** Keeps the object in the store while a worker process reads it; false if it was spilled (send it inline). */
    public boolean pinForCall() {
        for (;;) {
            final int r = readers;
            if (r < 0 || spilled != null) {
                return false;
            }
            if (READERS.compareAndSet(this, r, r + 1)) {
                if (spilled == null) {
                    return true;
                }
                READERS.decrementAndGet(this);
                return false;
            }
        }
    }

    public void unpinForCall() {
        if (READERS.decrementAndGet(this) == 0 && owners == 0) {
            freeWhenUnread();  // the owners went while it was read: the last reader frees it
        }
    }

    /**
     * Whether the stored value is in a format Python reads (cross-language, or a pickle), from its header's type id.
     * The caller holds a pin ({@link #pinForCall}).
     */
    public boolean readableInPython() {
        final int typeId = new org.agrona.concurrent.UnsafeBuffer(address, ValueCodec.HEADER).getInt(0,
            java.nio.ByteOrder.nativeOrder());
        return typeId == CrossLanguage.TYPE_ID || typeId == CrossLanguage.PICKLE_TYPE_ID;
    }

    /** Readers other than the tensors read in place: gets decoding it, worker processes' calls. */
    int transientReaders() {
        return readers - views;
    }

    /**
     * Another object state owns the value too ({@link #run} frees it when the last owner is gone). The caller holds a
     * pin ({@link #pinForCall}), so the object cannot be freed under it, even if its other owners are all gone.
     */
    public void share() {
        OWNERS.incrementAndGet(this);
    }

    /** Spiller (under the spill lock): takes the object if no one reads it and it is not freed. */
    public boolean beginSpill() {
        return owners > 0 && READERS.compareAndSet(this, 0, SPILLING);  // no owner: it is being freed, not spilled
    }

    /** Spiller: the object is in its file now (or, with null, stays in the store). */
    public void endSpill(final SpillFiles.Location location) {
        spilled = location;
        readers = 0;
    }

    /**
     * Frees the object now if no one reads or spills it (else the Cleaner does, later): for a holder that knows no
     * one will read it again (a cluster member's copy of a result its owner has pulled). Any thread; never waits.
     *
     * @return true if it was freed now
     */
    public boolean freeIfUnread() {
        if (owners == 1 && READERS.compareAndSet(this, 0, FREED)) {
            owner.free(this, spilled);
            return true;
        }
        return false;
    }

    /**
     * The Cleaner: an owning object state is unreachable. The last owner's frees the object, now if no one reads it,
     * else at the last reader's unpin (a tensor read in place may live long: the Cleaner's thread never waits for
     * it). Once per owner: after {@link #freeIfUnread} it does nothing.
     */
    @Override
    public void run() {
        if (OWNERS.decrementAndGet(this) == 0) {
            freeWhenUnread();
        }
    }

    /**
     * Frees it unless a reader holds it (the owners' count is 0: that reader's unpin comes back here). Owners and
     * readers are both volatile and each side writes its count before it reads the other's, so at least one of the
     * Cleaner and the last reader sees both at 0, and the CAS lets exactly one of them free.
     */
    private void freeWhenUnread() {
        for (;;) {
            final int r = readers;
            if (r == FREED || r > 0) {
                return;
            }
            if (r == 0 && READERS.compareAndSet(this, 0, FREED)) {
                break;
            }
            Thread.onSpinWait();  // a spill of it is in progress: it ends in a moment
        }
        owner.free(this, spilled);
    }
}
