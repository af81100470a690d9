package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.function.RayFunc;
import io.ray.api.id.ActorId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** The concurrency group of each method declared in one ({@link RayFunctions#methodKey}), or null: none. */
    private final Map<String, String> methodGroups;
    /** The group of each Ray function class called so far ("" for the default group), when there are groups. */
    private final Map<Class<?>, String> groupOfFunction;

    RayActor(final ActorId id, final io.kairos.ActorHandle<ActorBox> handle, final boolean detached,
             final int maxTaskRetries) {
        this(id, handle, detached, maxTaskRetries, null);
    }

    RayActor(final ActorId id, final io.kairos.ActorHandle<ActorBox> handle, final boolean detached,
             final int maxTaskRetries, final Map<String, String> methodGroups) {
        this.id = id;
        this.handle = handle;
        this.detached = detached;
        this.maxTaskRetries = maxTaskRetries;
        this.methodGroups = methodGroups;
        this.groupOfFunction = methodGroups == null ? null : new ConcurrentHashMap<>();
    }

    /**
     * The concurrency group a call of this function runs in: the one given with the call, else the one its method
     * was declared in at creation; "" for the default group.
     */
    String groupOf(final RayFunc func, final String given) {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        if (methodGroups == null) {
            return "";
        }
        return groupOfFunction.computeIfAbsent(func.getClass(), c -> {
            final String key = RayFunctions.methodKey(func);
            return key == null ? "" : methodGroups.getOrDefault(key, "");
        });
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
