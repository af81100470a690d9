package io.kairos;

import io.kairos.internal.conductor.ActorState;

/**
 * A handle to an actor: call its methods with {@code task(A::method, args...).remote()}. Calls submitted through
 * handles run in submission order (with max concurrency 1); each returns an {@link ObjectRef} at once. Thread-safe;
 * handles to the same actor are interchangeable.
 *
 * @param <A> the actor's class
 */
public final class ActorHandle<A> extends ActorCalls<A> {
    private final Kernel kernel;
    final ActorState state;

    ActorHandle(final Kernel kernel, final ActorState state) {
        this.kernel = kernel;
        this.state = state;
    }

    @Override
    <R> ActorTaskCaller<R> newCall(final Object method, final int arity, final Object[] args) {
        if (method == null) {
            throw new IllegalArgumentException("method is null");
        }
        return new ActorTaskCaller<>(kernel, state, method, arity, args);
    }

    /**
     * This actor's id.
     *
     * @return the id, unique within its kernel
     */
    public long id() {
        return state.id();
    }

    /**
     * The actor's name.
     *
     * @return the name given with {@link ActorCreator#setName}, or null for an unnamed actor
     */
    public String name() {
        return state.name();
    }

    /**
     * Whether the actor is alive (created and not dead); a snapshot.
     *
     * @return true while it is alive
     */
    public boolean isAlive() {
        return state.status() == ActorState.Status.ALIVE;
    }

    @Override
    public String toString() {
        return "ActorHandle(" + state.describe() + ", " + state.status() + ")";
    }
}
