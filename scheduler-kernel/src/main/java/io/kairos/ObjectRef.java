package io.kairos;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.ObjectFreedException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.conductor.KernelCore;
import io.kairos.internal.conductor.ObjectState;
import io.kairos.internal.worker.ObjectExports;
import io.kairos.internal.worker.WorkerProcessMain;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.time.Duration;

/**
 * A reference to an object that is, or will be, in the kernel: a task's result or a {@link Kernel#put} value.
 * Returned at once by {@code remote()}; {@link #get()} waits for the value. Pass it as a task argument and the task
 * gets the value, resolved before it runs. Thread-safe.
 *
 * <p>A ref inside a value (a {@code List<ObjectRef<T>>} argument, a large value put in the store) is serialized by
 * its kernel and id. It reads back as the same ref in this JVM while the kernel is open, and in the kernel's worker
 * processes as a ref whose {@link #get()} asks the kernel for the value over the process's pipe, while the task or
 * actor call that received it runs (a nested ref is not resolved before the call, as in Ray). Elsewhere (another
 * process, another kernel, after close) it does not read back. A ref inside a value does not keep its object: keep
 * the ref itself as long as the value may be read. A ref read in a worker process cannot be serialized again.
 *
 * @param <T> the value's type
 */
public final class ObjectRef<T> extends ObjectState implements Serializable {
    private static final long serialVersionUID = 1L;

    ObjectRef(final long id, final KernelCore core) {
        super(id, core);
    }

    /** Whether this ref was read in a worker process: its kernel is the parent JVM's. */
    private boolean inWorkerProcess() {
        return kernelCore() == null;
    }

    /**
     * This object's id.
     *
     * @return the id, unique within its kernel
     */
    public long id() {
        return objectId();
    }

    /**
     * Whether the object is done: a value is ready or its task failed. Never blocks.
     *
     * @return true once done
     */
    public boolean isReady() {
        return inWorkerProcess() ? WorkerProcessMain.readyInParent(objectId()) : isDone();
    }

    /**
     * Whether the value lives outside the heap: in the node's shared object store, where any attached process can
     * read it, or in a spill file. False for an inline value (small, or one that found no room in the store and so
     * stayed on the heap) and for an object not ready yet. Never blocks.
     *
     * @return true if the value is in the shared store or a spill file (false for a ref read in a worker process)
     */
    public boolean isStored() {
        return storedValue() != null;
    }

    /**
     * The bytes the value takes in the shared store (or its spill file): its encoding's length; on a cluster, for a
     * value another member holds and this kernel has not pulled ({@link #isHeldElsewhere}), the bytes it takes there.
     * For a plugin that budgets memory (a dataset's blocks in flight). Never blocks.
     *
     * @return the length, or 0 for an inline value, an object not ready, or a ref read in a worker process
     */
    public long storedBytes() {
        final io.kairos.internal.object.Stored s = storedValue();
        return s == null ? heldBytes() : s.length;
    }

    /**
     * On a cluster of kernels: whether the object's task is done and its value is held by the member that ran it, not
     * pulled here yet (a large result stays where it was made until it is read: Ray's ownership). A get pulls it; a
     * task that takes it runs on that member when it can and reads it there; {@link Kernel#wait(List, int, Duration,
     * boolean)} without fetching counts it as ready. Never blocks.
     *
     * @return true while another member holds it and it is not done here
     */
    public boolean isHeldElsewhere() {
        return heldBytes() > 0;
    }

    /**
     * The node id of the cluster member that holds the value while {@link #isHeldElsewhere} (Ray's object locations):
     * for a library that places work where its inputs are (a task that takes it goes there by itself). Never blocks.
     *
     * @return that node's id, or null if no other member holds it
     */
    public String heldOnNode() {
        return heldOn();
    }

    /**
     * Frees the value now instead of when this ref is collected: for a program that moves large objects faster than
     * the garbage collector runs (the store's memory is reclaimed when a ref is unreachable, which the collector only
     * finds out at its next cycle). The object's store memory goes at once, or when the gets reading it and the
     * {@link io.kairos.value.Tensor}s read in place from it are done (a task that returned it as it was shares it:
     * it goes with the last of them). From then on a get, and a task that takes it, throws
     * {@link ObjectFreedException}; it is not made again. A value kept on the heap (small) goes with the ref as
     * before. On a cluster, a value another member holds ({@link #isHeldElsewhere}) is let go there, unread.
     * Idempotent. Ray: {@code ray._private.internal_api.free}.
     *
     * @throws IllegalStateException         if the object is not ready yet (its task runs) and no other member holds it
     * @throws UnsupportedOperationException for a ref read in a worker process (free it in the kernel's JVM)
     */
    public void free() {
        if (inWorkerProcess()) {
            throw new UnsupportedOperationException("object " + objectId() + ": a ref in a worker process cannot free "
                + "its object; free it in the kernel's JVM");
        }
        freeValue();
    }

    /**
     * The value, waiting as long as it takes. Inside a task, the wait gives the task's CPU back to its node.
     *
     * @return the value (null if the task returned null)
     * @throws TaskFailedException    if the producing task failed (the cause is its exception)
     * @throws TaskCancelledException if it was cancelled
     */
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) (inWorkerProcess() ? WorkerProcessMain.getFromParent(objectId(), -1) : await(Long.MAX_VALUE));
    }

    /**
     * The value, waiting at most timeout.
     *
     * @param timeout how long to wait at most, not null or negative (zero: only if ready now)
     * @return the value (null if the task returned null)
     * @throws GetTimeoutException      if it is not ready in time
     * @throws TaskFailedException      if the producing task failed (the cause is its exception)
     * @throws TaskCancelledException   if it was cancelled
     * @throws IllegalArgumentException if timeout is null or negative
     */
    @SuppressWarnings("unchecked")
    public T get(final Duration timeout) {
        final long deadline = Kernel.deadline(timeout, "timeout");
        if (inWorkerProcess()) {
            return (T) WorkerProcessMain.getFromParent(objectId(), timeout.toMillis());
        }
        final Object v = await(deadline);
        if (v == null && !isDone()) {
            throw new GetTimeoutException("object " + objectId() + " was not ready within " + timeout);
        }
        return (T) v;
    }

    /** The kernel this object belongs to. */
    KernelCore owner() {
        return kernelCore();
    }

    /** Waits until done or the deadline (helping the conductor as a get does); returns the status. */
    int waitUntil(final long deadlineNanos) {
        return awaitDone(deadlineNanos);
    }

    /** As {@link #waitUntil(long)}; with fetch false an object another member holds is not pulled here. */
    int waitUntil(final long deadlineNanos, final boolean fetch) {
        return awaitDone(deadlineNanos, fetch);
    }

    /** It will be read soon (a wait): a pull starts if another cluster member holds it. */
    void prefetch() {
        want();
    }

    /** The failure of a failed object, or null. */
    RuntimeException failure() {
        return status() == FAILED ? error() : null;
    }

    /**
     * Serializes this ref by reference: its kernel's token and its id; the object is exported to the kernel's worker
     * processes.
     *
     * @return the serial form
     * @throws ObjectStreamException if this ref was itself read in a worker process
     */
    private Object writeReplace() throws ObjectStreamException {
        if (inWorkerProcess()) {
            throw new InvalidObjectException(this + " was read in a worker process and cannot be serialized again "
                + "(returned or passed on): get its value there instead");
        }
        final ObjectExports exports = kernelCore().processes().exports();
        exports.export(objectId(), this);
        return new ByReference(exports.token(), objectId());
    }

    /** A ref's serial form: the same ref in its kernel's JVM, a ref that asks the kernel in its worker processes. */
    private static final class ByReference implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long token;
        private final long id;

        ByReference(final long token, final long id) {
            this.token = token;
            this.id = id;
        }

        private Object readResolve() throws ObjectStreamException {
            final ObjectExports exports = ObjectExports.live(token);
            if (exports != null) {
                final Object ref = exports.get(id);
                if (ref == null) {
                    throw new InvalidObjectException("ObjectRef(" + id + ") inside a value is gone: its object was "
                        + "freed (a ref inside a value does not keep its object; keep the ref itself)");
                }
                return ref;
            }
            if (token == WorkerProcessMain.parentToken()) {
                return new ObjectRef<>(id, null);
            }
            throw new InvalidObjectException("ObjectRef(" + id + ") inside a value cannot be read here: a ref resolves "
                + "in its kernel's JVM while the kernel is open and in that kernel's worker processes, not in another "
                + "process or kernel, nor after its kernel closed");
        }
    }

    @Override
    public String toString() {
        return "ObjectRef(" + objectId() + (isDone() ? ", done" : "") + ")";
    }
}
