package io.kairos.ray;

import io.ray.api.ObjectRef;
import io.ray.api.id.ActorId;

/**
 * Ray's {@link ObjectRef} over the kernel's: {@code get} is the kernel's get, its failures as Ray's exceptions. Passed
 * to a task as an argument, the kernel's ref goes in its place, so the kernel resolves it before the task runs.
 *
 * <p>Not serializable on purpose: the kernel would otherwise try to serialize a task's result that holds refs to size
 * it for the shared store; a result that cannot be serialized stays on the heap, which is where a ref belongs.
 *
 * @param <T> the value's type
 */
final class RayObjectRef<T> implements ObjectRef<T> {
    final io.kairos.ObjectRef<T> ref;
    /** The actor the producing call went to, or null: named in a RayActorException. */
    final ActorId actor;
    /** The Ray function of the producing task, or null: named in a RayTaskException. */
    private final Object function;

    RayObjectRef(final io.kairos.ObjectRef<T> ref, final ActorId actor, final Object function) {
        this.ref = ref;
        this.actor = actor;
        this.function = function;
    }

    @Override
    public T get() {
        try {
            return ref.get();
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, actor, function);
        }
    }

    @Override
    public T get(final long timeoutMs) {
        if (timeoutMs < 0) {
            return get();
        }
        try {
            return ref.get(java.time.Duration.ofMillis(timeoutMs));
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, actor, function);
        }
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof RayObjectRef && ((RayObjectRef<?>) o).ref == ref;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ref.id());
    }

    @Override
    public String toString() {
        return "ObjectRef(" + ref.id() + (ref.isReady() ? ", ready" : "") + ")";
    }
}
