package io.kairos;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.conductor.ObjectState;

import java.time.Duration;

/**
 * A reference to an object that is, or will be, in the kernel: a task's result or a {@link Kernel#put} value.
 * Returned at once by {@code remote()}; {@link #get()} waits for the value. Pass it as a task argument and the task
 * gets the value, resolved before it runs. Thread-safe.
 *
 * @param <T> the value's type
 */
public final class ObjectRef<T> {
    private final ObjectState state;

    ObjectRef(final ObjectState state) {
        this.state = state;
    }

    /**
     * This object's id.
     *
     * @return the id, unique within its kernel
     */
    public long id() {
        return state.id();
    }

    /**
     * Whether the object is done: a value is ready or its task failed. Never blocks.
     *
     * @return true once done
     */
    public boolean isReady() {
        return state.isDone();
    }

    /**
     * Whether the value lives outside the heap: in the node's shared object store, where any attached process can
     * read it, or in a spill file. False for an inline value (small, or one that found no room in the store and so
     * stayed on the heap) and for an object not ready yet. Never blocks.
     *
     * @return true if the value is in the shared store or a spill file
     */
    public boolean isStored() {
        return state.storedValue() != null;
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
        return (T) state.await(Long.MAX_VALUE);
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
        final Object v = state.await(deadline);
        if (v == null && !state.isDone()) {
            throw new GetTimeoutException("object " + state.id() + " was not ready within " + timeout);
        }
        return (T) v;
    }

    ObjectState state() {
        return state;
    }

    /** Refs are equal when they refer to the same object. */
    @Override
    public boolean equals(final Object o) {
        return o instanceof ObjectRef && ((ObjectRef<?>) o).state == state;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(state.id());
    }

    @Override
    public String toString() {
        return "ObjectRef(" + state.id() + (state.isDone() ? ", done" : "") + ")";
    }
}
