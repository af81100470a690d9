package io.kairos.ray;

import io.kairos.Kernel;
import io.ray.api.ObjectRef;
import io.ray.api.WaitResult;
import io.ray.api.exception.RayTimeoutException;
import io.ray.api.id.JobId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ray's objects on the kernel's: put, get and wait, Ray's ObjectRefs checked to be this runtime's and unwrapped to the
 * kernel's, and the refs serialized inside values, kept until shutdown (see {@link RayObjectRef}).
 */
final class RayObjects {
    private final Kernel kernel;
    private final JobId jobId;
    /** Refs that were serialized inside a value, by kernel object id: kept until shutdown (see RayObjectRef). */
    private final Map<Long, RayObjectRef<?>> nestedRefs = new ConcurrentHashMap<>();

    RayObjects(final Kernel kernel, final JobId jobId) {
        this.kernel = kernel;
        this.jobId = jobId;
    }

    /** Keeps a ref that is being serialized inside a value, so that it reads back (and its object lives) until shutdown. */
    void keepNestedRef(final RayObjectRef<?> ref) {
        nestedRefs.putIfAbsent(ref.ref.id(), ref);
    }

    /** The ref of that kernel object id serialized by this runtime's job, or null. */
    RayObjectRef<?> nestedRef(final byte[] job, final long id) {
        return java.util.Arrays.equals(job, jobId.getBytes()) ? nestedRefs.get(id) : null;
    }

    void clear() {
        nestedRefs.clear();
    }

    <T> ObjectRef<T> put(final T obj) {
        try {
            return new RayObjectRef<>(kernel.put(obj), null, null);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    <T> T get(final ObjectRef<T> objectRef) {
        return own(objectRef, "objectRef").get();
    }

    <T> List<T> get(final List<ObjectRef<T>> objectList) {
        final List<T> values = new ArrayList<>(objectList.size());
        for (final ObjectRef<T> ref : objectList) {
            values.add(own(ref, "objectList item").get());
        }
        return values;
    }

    <T> T get(final ObjectRef<T> objectRef, final long timeoutMs) {
        return own(objectRef, "objectRef").get(timeoutMs);
    }

    <T> List<T> get(final List<ObjectRef<T>> objectList, final long timeoutMs) {
        if (timeoutMs < 0) {
            return get(objectList);
        }
        final long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        final List<T> values = new ArrayList<>(objectList.size());
        for (final ObjectRef<T> ref : objectList) {
            final long left = Math.max(0, deadline - System.nanoTime());
            final RayObjectRef<T> own = own(ref, "objectList item");
            if (left == 0 && !own.ref.isReady()) {
                throw new RayTimeoutException("Get timed out: some object(s) not ready within " + timeoutMs + " ms");
            }
            values.add(own.get(Math.max(left / 1_000_000, left > 0 ? 1 : 0)));
        }
        return values;
    }

    <T> WaitResult<T> wait(final List<ObjectRef<T>> waitList, final int numReturns, final int timeoutMs,
                           final boolean fetchLocal) {
        if (waitList == null) {
            throw new IllegalArgumentException("waitList is null");
        }
        if (waitList.isEmpty()) {
            return new WaitResult<>(new ArrayList<>(), new ArrayList<>());
        }
        final List<io.kairos.ObjectRef<T>> refs = new ArrayList<>(waitList.size());
        for (final ObjectRef<T> ref : waitList) {
            refs.add(own(ref, "waitList item").ref);
        }
        final io.kairos.WaitResult<T> result;
        try {
            result = kernel.wait(refs, numReturns, Duration.ofMillis(timeoutMs < 0 ? Integer.MAX_VALUE : timeoutMs),
                fetchLocal);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
        final List<ObjectRef<T>> ready = new ArrayList<>(result.ready().size());
        final List<ObjectRef<T>> unready = new ArrayList<>(result.unready().size());
        int next = 0;  // the kernel's ready list is in the order given: walk both together
        for (int i = 0; i < waitList.size(); i++) {
            if (next < result.ready().size() && result.ready().get(next) == refs.get(i)) {
                ready.add(waitList.get(i));
                next++;
            } else {
                unready.add(waitList.get(i));
            }
        }
        return new WaitResult<>(ready, unready);
    }

    /**
     * Frees the ready objects now ({@link io.kairos.ObjectRef#free}): their store memory goes, a later get throws
     * {@code ObjectFreedException}. An object still pending goes as every object does, when no ref reaches it.
     */
    void free(final List<ObjectRef<?>> objectRefs) {
        for (final ObjectRef<?> ref : objectRefs) {
            own(ref, "objectRefs item");
        }
        for (final ObjectRef<?> ref : objectRefs) {
            final io.kairos.ObjectRef<?> kernelRef = ((RayObjectRef<?>) ref).ref;
            if (kernelRef.isReady()) {
                kernelRef.free();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> RayObjectRef<T> own(final ObjectRef<T> ref, final String what) {
        if (ref instanceof RayObjectRef) {
            return (RayObjectRef<T>) ref;
        }
        throw new IllegalArgumentException(what + " " + (ref == null ? "is null" : ref + " is not an ObjectRef of "
            + "this Ray runtime"));
    }

    /** Ray's ObjectRef arguments become the kernel's, resolved by the kernel before the call. */
    static void ownArgs(final Object[] args) {
        for (int i = 0; i < args.length; i++) {
            final Object arg = args[i];
            if (arg instanceof RayObjectRef) {
                args[i] = ((RayObjectRef<?>) arg).ref;
            } else if (arg instanceof ObjectRef) {
                throw foreignArg(i, arg);
            }
        }
    }

    private static IllegalArgumentException foreignArg(final int i, final Object arg) {
        return new IllegalArgumentException("argument " + i + " " + arg + " is not an ObjectRef of this Ray runtime");
    }
}
