package io.kairos.internal.conductor;

import io.kairos.exception.ObjectFreedException;
import io.kairos.exception.ObjectLostException;
import io.kairos.internal.object.DeviceValues;
import io.kairos.internal.object.Stored;
import io.kairos.internal.object.StoredObjects;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * One object's value and readiness, shared by the task that produces it and the tasks that wait for it. The public
 * {@code ObjectRef} is one (a subclass made by the kernel's {@link ObjectFactory}), so a task's result costs one
 * object, not two; what it needs of this class is protected, so an embedder sees none of it. The value is published by a volatile write of {@link #status}; readers of a ready object
 * take no lock. Threads that must wait push themselves on a lock-free stack and park.
 *
 * <p>An object completes once: complete, completeStored and fail each claim it first (a CAS of the status from
 * PENDING to COMPLETING, which readers see as pending), so that when a worker completes a result while the conductor
 * fails it (a forced cancel of a running task, an actor killed while its call runs) exactly one of them wins and the
 * other returns false (jcstress: CompleteOrFailTest). Before, each checked "pending" and then wrote: both could win,
 * leaving a value beside an error or telling dependents twice.
 */
public abstract class ObjectState {
    public static final int PENDING = 0;
    public static final int READY = 1;
    public static final int FAILED = 2;
    /** A completer claimed the object and is writing its outcome: pending to every reader. */
    private static final int COMPLETING = -1;

    private static final Waiter DONE = new Waiter(null);
    private static final int SPINS = 200;
    private static final AtomicIntegerFieldUpdater<ObjectState> STATUS =
        AtomicIntegerFieldUpdater.newUpdater(ObjectState.class, "status");
    private static final AtomicReferenceFieldUpdater<ObjectState, Waiter> WAITERS =
        AtomicReferenceFieldUpdater.newUpdater(ObjectState.class, Waiter.class, "waiters");

    final long id;
    /** The kernel this object belongs to: waits help its conductor, lineage resubmits through it. */
    final KernelCore core;
    private Object value;
    /** Non-null: the value lives in the shared store (or was spilled from it); volatile for reconstruction. */
    private volatile Stored stored;
    /** This object's hold on its stored value: cleaned once, by {@link #free} or when the object is unreachable. */
    private Cleaner.Cleanable holding;
    private RuntimeException error;
    private volatile int status;
    private volatile Waiter waiters;
    /** Where another member holds this pending object's value (its task ran there), or null. */
    private volatile HeldAt heldAt;

    /** A member that holds an object's value for its owner, and the value's length there. */
    record HeldAt(String nodeId, long bytes) {
    }

    /** The task that produces this object (set before it is submitted; read by the conductor). */
    TaskSpec producer;

    // --- owned by the conductor thread ---
    ArrayList<TaskSpec> dependents;

    protected ObjectState(final long id, final KernelCore core) {
        this.id = id;
        this.core = core;
    }

    protected final long objectId() {
        return id;
    }

    /** The kernel this object belongs to. */
    protected final KernelCore kernelCore() {
        return core;
    }

    protected final int status() {
        final int s = status;
        return s == COMPLETING ? PENDING : s;
    }

    protected final boolean isDone() {
        return status > PENDING;
    }

    /** Claims the object for its one completion; false if it is done or another completer claimed it. */
    private boolean claim() {
        return status == PENDING && STATUS.compareAndSet(this, PENDING, COMPLETING);
    }

    /** The value of a READY object (the caller checked); a stored value is read back from shared memory. */
    protected final Object value() {
        final Stored s = stored;
        if (s == null) {
            return value;
        }
        try {
            return s.read();
        } catch (final ObjectLostException lost) {
            if (status == FAILED) {
                throw error;  // freed meanwhile (its spill file went with it): not made again
            }
            return reconstruct(s, lost);
        }
    }

    /**
     * Lineage reconstruction: runs the task that made this object again (its arguments, if lost too, are made again
     * the same way when it reads them) and keeps the new value; at most the task's retries (at least once) per object.
     * The first reader to find the object lost submits the run; every reader, the first included, then waits for it
     * as a get does, so a reader on a worker thread gives its CPU back meanwhile. Before, later readers waited on this
     * object's monitor, holding their CPUs: with one CPU, a reader started ahead of the run kept it from ever running.
     */
    private Object reconstruct(final Stored lostFrom, final ObjectLostException lost) {
        final ObjectState run;
        synchronized (this) {
            if (stored != lostFrom) {
                return value();  // another reader made it again meanwhile
            }
            if (lostFrom.rebuild == null) {
                final TaskSpec task = producer;
                if (task == null || task.kind != TaskSpec.Kind.TASK) {
                    throw new ObjectLostException("object " + id + " is lost and cannot be made again: it was "
                        + (task == null ? "put, not made by a task" : "made by an actor") + " (" + lost.getMessage()
                        + ")", lost);
                }
                if (lostFrom.reconstructions >= Math.max(1, task.maxRetries)) {
                    throw new ObjectLostException("object " + id + " is lost and its task '" + task.name() + "' was "
                        + "run again " + lostFrom.reconstructions + " time(s) already, its limit (" + lost.getMessage()
                        + ")", lost);
                }
                lostFrom.rebuild = core.reexecute(task);
            }
            run = (ObjectState) lostFrom.rebuild;
        }
        final Object v = run.await(Long.MAX_VALUE);  // the run's failure, if it failed, is thrown to every reader
        synchronized (this) {
            if (stored == lostFrom) {  // the first reader back keeps the value
                final Stored again = lostFrom.owner.store(id, v);
                if (again != null) {
                    again.reconstructions = lostFrom.reconstructions + 1;  // only a stored value can be lost again
                    holding = again.owner.track(this, again);
                    stored = again;
                } else {
                    value = v;
                    stored = null;
                }
            }
        }
        return v;
    }

    /** Publishes a value a worker process put in the store (adopted by the kernel, not copied). */
    void completeStored(final Stored where) {
        if (!claim()) {
            return;
        }
        stored = where;
        holding = where.owner.track(this, where);
        status = READY;
        wakeAll();
    }

    /**
     * Publishes another object's stored value as this one's too (a task that returned its argument as it was): both
     * objects own it, and it goes when the last of them does. The caller took this object's share already
     * ({@link Stored#share}, while it held a pin); it is given back if the object is done another way.
     */
    void completeShared(final Stored where) {
        if (!claim()) {
            where.run();
            return;
        }
        stored = where;
        holding = where.owner.track(this, where);
        status = READY;
        wakeAll();
    }

    /** Where a large value lives, or null if it is on the heap. */
    protected final Stored storedValue() {
        return stored;
    }

    /** Publishes a value, writing it to the store first when it is large (objects may be null: no store). */
    boolean complete(final Object v, final StoredObjects objects) {
        if (!claim()) {
            return false;
        }
        final Stored where;
        try {
            where = objects == null ? null : objects.store(id, v);
        } catch (final RuntimeException | Error e) {
            status = PENDING;  // not stored: the caller fails it instead (e.g. "its result could not be stored")
            throw e;
        }
        if (where != null) {
            holding = objects.track(this, where);
            stored = where;
        } else {
            value = v;
        }
        if (DeviceValues.isDeviceValue(v)) {
            DeviceValues.freeWith(v, this);
        }
        status = READY;
        wakeAll();
        return true;
    }

    protected final RuntimeException error() {
        return error;
    }

    /** Publishes the value; false if the object was already done (e.g. cancelled first). */
    boolean complete(final Object v) {
        return complete(v, null);
    }

    /**
     * Frees a ready object's stored value now rather than when the object is unreachable: its store memory goes once
     * the reads in progress and the tensors read in place from it are done. Later gets, and tasks that take it, fail
     * with {@link ObjectFreedException}. A value on the heap stays until the object is unreachable (readers racing the
     * free keep reading it). Nothing for an object freed or failed already.
     *
     * @throws IllegalStateException if the object is not done yet
     */
    protected final synchronized void freeValue() {
        if (freeHeld()) {
            return;
        }
        final int s = status();
        if (s == FAILED) {
            return;
        }
        if (s != READY) {
            throw new IllegalStateException("object " + id + " is not ready: free it once it is (after a get or a wait"
                + " that returned it)");
        }
        error = new ObjectFreedException("object " + id + " was freed (ObjectRef.free): its value is gone");
        status = FAILED;
        final Cleaner.Cleanable h = holding;
        holding = null;
        if (h != null) {
            h.clean();  // at most once: the Cleaner does nothing for it afterwards
        }
    }

    boolean fail(final RuntimeException e) {
        if (!claim()) {
            return false;
        }
        error = e;
        status = FAILED;
        wakeAll();
        return true;
    }

    /**
     * The value, or the failure thrown; waits at most until deadlineNanos (System.nanoTime based). Null when the
     * deadline passed first (the caller throws its timeout).
     */
    protected final Object await(final long deadlineNanos) {
        int s = status();
        if (s == READY) {
            return value();
        }
        if (s == PENDING) {
            s = core.awaitDone(this, deadlineNanos);
        }
        if (s == READY) {
            return value();
        }
        if (s == FAILED) {
            throw error;
        }
        return null;  // PENDING after the deadline: the caller throws its timeout
    }

    /** Conductor: another member holds this object's value (null: no longer, it was pulled or lost). */
    void heldElsewhere(final HeldAt where) {
        heldAt = where;
    }

    /**
     * The length of the value another member of the cluster holds for this object, not pulled here; 0 if there is
     * none (the object is done here, its task runs, or this kernel is alone).
     */
    protected final long heldBytes() {
        final HeldAt h = heldAt;
        return h != null && status() == PENDING ? h.bytes() : 0;
    }

    /** The node of the member that holds this object's value, not pulled here; null if none does. */
    protected final String heldOn() {
        final HeldAt h = heldAt;
        return h != null && status() == PENDING ? h.nodeId() : null;
    }

    /**
     * Frees an object another member holds (Ray's free of a remote object): it fails here with
     * {@link ObjectFreedException} and its holder is told to let its copy go. Nothing if it was pulled meanwhile.
     *
     * @return false if it is not held elsewhere (the caller frees it as a local object)
     */
    protected final boolean freeHeld() {
        final ClusterLink link = core.conductor().clusterLink();
        if (link == null || heldBytes() == 0 || !fail(new ObjectFreedException("object " + id
            + " was freed (ObjectRef.free): its value is gone"))) {
            return false;
        }
        core.conductor().offerFromWorker((Runnable) () -> link.pulls().freed(this));
        return true;
    }

    /**
     * The value will be read soon (a get or wait): if another cluster member holds it (a large result stays where it
     * was made), the conductor pulls it, once. Nothing in a kernel outside a cluster, or for a done object.
     */
    protected final void want() {
        final ClusterLink link = core.conductor().clusterLink();
        if (link != null && producer != null && !isDone()) {
            core.conductor().offerFromWorker((Runnable) () -> link.want(this));
        }
    }

    /** Waits until done or the deadline (helping the conductor as a get does); returns the status. */
    protected final int awaitDone(final long deadlineNanos) {
        return core.awaitDone(this, deadlineNanos);
    }

    /** As {@link #awaitDone(long)}; with fetch false an object another member holds is not pulled here. */
    protected final int awaitDone(final long deadlineNanos, final boolean fetch) {
        return core.awaitDone(this, deadlineNanos, fetch);
    }

    /** Parks the calling thread until done or the deadline; returns the status. */
    int parkUntilDone(final long deadlineNanos) {
        for (int spin = 0; spin < SPINS; spin++) {
            if (isDone()) {
                return status;
            }
            if (spin < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();  // let the worker that will complete it run, on a machine with few cores
            }
        }
        final Waiter me = new Waiter(Thread.currentThread());
        for (;;) {
            final Waiter head = waiters;
            if (head == DONE) {
                return status;  // wakeAll ran: the status was final before it
            }
            me.next = head;
            if (WAITERS.compareAndSet(this, head, me)) {
                break;
            }
        }
        while (!isDone()) {
            final long remaining = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            LockSupport.parkNanos(this, remaining);
        }
        return status();
    }

    private void wakeAll() {
        Waiter w = WAITERS.getAndSet(this, DONE);
        while (w != null && w != DONE) {
            LockSupport.unpark(w.thread);
            w = w.next;
        }
    }

    private static final class Waiter {
        final Thread thread;
        Waiter next;

        Waiter(final Thread thread) {
            this.thread = thread;
        }
    }
}
