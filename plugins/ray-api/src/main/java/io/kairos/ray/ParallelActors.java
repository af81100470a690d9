package io.kairos.ray;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.function.RayFunc;
import io.ray.api.function.RayFuncR;
import io.ray.api.parallelactor.ParallelActorContext;
import io.ray.api.parallelactor.ParallelActorHandle;
import io.ray.api.parallelactor.ParallelActorInstance;

import java.util.ArrayList;
import java.util.List;

/**
 * Ray's parallel actors (experimental in Ray): a parallel actor of parallelism N is N kernel actors, one per instance,
 * each running its calls in order; instances run in parallel.
 */
final class ParallelActors implements ParallelActorContext {
    private final KairosRayRuntime runtime;

    ParallelActors(final KairosRayRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public <A> ParallelActorHandle<A> createParallelActorExecutor(final int parallelism, final RayFuncR<A> ctor) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism " + parallelism + " must be >= 1");
        }
        final List<ActorHandle<A>> instances = new ArrayList<>(parallelism);
        for (int i = 0; i < parallelism; i++) {
            instances.add(runtime.createActor(ctor, new Object[0], null));
        }
        return new Handle<>(instances);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <A, R> ObjectRef<R> submitTask(final ParallelActorHandle<A> actor, final int instanceId,
                                          final RayFunc func, final Object[] args) {
        if (!(actor instanceof Handle)) {
            throw new IllegalArgumentException("parallel actor " + actor + " is not one of this Ray runtime");
        }
        final List<ActorHandle<A>> instances = ((Handle<A>) actor).instances;
        if (instanceId < 0 || instanceId >= instances.size()) {
            throw new IllegalArgumentException("instance " + instanceId + " is outside 0.." + (instances.size() - 1));
        }
        return runtime.callActor(instances.get(instanceId), func, args, null);
    }

    private static final class Handle<A> implements ParallelActorHandle<A> {
        final List<ActorHandle<A>> instances;

        Handle(final List<ActorHandle<A>> instances) {
            this.instances = instances;
        }

        @Override
        public ParallelActorInstance<A> getInstance(final int index) {
            return new ParallelActorInstance<>(this, index);
        }

        @Override
        public int getParallelism() {
            return instances.size();
        }

        @Override
        public ActorHandle<?> getHandle() {
            return instances.get(0);
        }
    }
}
