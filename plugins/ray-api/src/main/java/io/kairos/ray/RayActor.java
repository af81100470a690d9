package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.id.ActorId;

/**
 * Ray's {@link ActorHandle} over the kernel's: {@code actor.task(A::method, args).remote()} goes through Ray's
 * {@code ActorTaskCaller} to {@link KairosRayRuntime#callActor}, then to the kernel's actor, in submission order.
 *
 * @param <A> the actor's class
 */
final class RayActor<A> implements ActorHandle<A> {
    final ActorId id;
    final io.kairos.ActorHandle<ActorBox> handle;
    final boolean detached;
    final int maxTaskRetries;

    RayActor(final ActorId id, final io.kairos.ActorHandle<ActorBox> handle, final boolean detached,
             final int maxTaskRetries) {
        this.id = id;
        this.handle = handle;
        this.detached = detached;
        this.maxTaskRetries = maxTaskRetries;
    }

    @Override
    public ActorId getId() {
        return id;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof RayActor && ((RayActor<?>) o).id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ActorHandle(" + id + ", " + handle + ")";
    }
}
