package io.kairos.ray;

import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.id.ActorId;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * Ray's {@link ObjectRef} over the kernel's: {@code get} is the kernel's get, its failures as Ray's exceptions. Passed
 * to a task as an argument, the kernel's ref goes in its place, so the kernel resolves it before the task runs.
 *
 * <p>Serializable by id, so that a value holding refs ({@code Ray.put(List.of(ref1, ref2))}, a task returning refs)
 * can be put and returned: small such values stay on the heap as they are; a large one goes to the shared store
 * serialized, each ref in it as its job, its object id and the kernel's ref ({@link Serialized}). Serializing a ref
 * registers it with its runtime ({@link RayObjects#keepNestedRef}), which keeps it, and so its object, until
 * {@code Ray.shutdown()}: the kernel's public API cannot tie an inner object's life to the outer one's (see
 * {@link KairosRayRuntime}). Reading the ref back in this JVM while that runtime runs gives the same ref; in a worker
 * JVM of the kernel (an actor given {@code setJvmOptions}) it gives a ref whose {@code get} asks the kernel for the
 * value (the kernel's {@code ObjectRef} does so) while the call that received it runs; elsewhere (another job or
 * process, after shutdown) it fails, naming the ref.
 *
 * @param <T> the value's type
 */
final class RayObjectRef<T> implements ObjectRef<T>, Serializable {
    private static final long serialVersionUID = 1L;

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

    /** The ref as its job and object id, registered with the runtime so that it reads back as this ref. */
    private Object writeReplace() throws ObjectStreamException {
        if (!Ray.isInitialized() || !(Ray.internal() instanceof KairosRayRuntime)) {
            throw new InvalidObjectException(this + " cannot be serialized: " + (Ray.isInitialized()
                ? "it is not of this JVM's Ray runtime" : "no Ray runtime runs here (it was shut down, or this is a "
                + "worker JVM, where a ref that came inside a value can be read but not sent on)"));
        }
        final KairosRayRuntime runtime = (KairosRayRuntime) Ray.internal();
        runtime.objects.keepNestedRef(this);
        return new Serialized(runtime.jobId.getBytes(), ref.id(), ref);
    }

    /**
     * A ref's serial form: its job and its kernel object id, read back through the runtime's table; and the kernel's
     * ref, which reads back in the kernel's worker JVMs as a ref that asks the kernel.
     */
    static final class Serialized implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] job;
        private final long id;
        private final io.kairos.ObjectRef<?> kernelRef;

        Serialized(final byte[] job, final long id, final io.kairos.ObjectRef<?> kernelRef) {
            this.job = job;
            this.id = id;
            this.kernelRef = kernelRef;
        }

        @SuppressWarnings({"rawtypes", "unchecked"})
        private Object readResolve() throws ObjectStreamException {
            if (!Ray.isInitialized() && kernelRef != null) {
                return new RayObjectRef(kernelRef, null, null);  // a worker JVM of the kernel: no Ray runtime there
            }
            final RayObjectRef<?> ref = Ray.isInitialized() && Ray.internal() instanceof KairosRayRuntime
                ? ((KairosRayRuntime) Ray.internal()).objects.nestedRef(job, id) : null;
            if (ref == null) {
                throw new InvalidObjectException("ObjectRef(" + id + ") of job "
                    + io.ray.api.id.JobId.fromBytes(job) + " cannot be read here: a ref inside a value resolves only "
                    + "in the JVM and Ray job that serialized it and in its kernel's worker JVMs (not in another job "
                    + "or after Ray.shutdown())");
            }
            return ref;
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
