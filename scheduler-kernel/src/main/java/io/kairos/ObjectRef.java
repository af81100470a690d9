package io.kairos;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.conductor.KernelCore;
import io.kairos.internal.conductor.ObjectState;

import java.time.Duration;

/**
 * A reference to an object that is, or will be, in the kernel: a task's result or a {@link Kernel#put} value.
 * Returned at once by {@code remote()}; {@link #get()} waits for the value. Pass it as a task argument and the task
 * gets the value, resolved before it runs. Thread-safe.
 *
 * @param <T> the value's type
 */
public final class ObjectRef<T> extends ObjectState {
    ObjectRef(final long id, final KernelCore core) {
        super(id, core);
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
        return isDone();
    }

    /**
     * Whether the value lives outside the heap: in the node's shared object store, where any attached process can
     * read it, or in a spill file. False for an inline value (small, or one that found no room in the store and so
     * stayed on the heap) and for an object not ready yet. Never blocks.
     *
     * @return true if the value is in the shared store or a spill file
     */
    public boolean isStored() {
        return storedValue() != null;
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
        return (T) await(Long.MAX_VALUE);
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

    /** It will be read soon (a wait): a pull starts if another cluster member holds it. */
    void prefetch() {
        want();
    }

    /** The failure of a failed object, or null. */
    RuntimeException failure() {
        return status() == FAILED ? error() : null;
    }

    @Override
    public String toString() {
        return "ObjectRef(" + objectId() + (isDone() ? ", done" : "") + ")";
    }
}
