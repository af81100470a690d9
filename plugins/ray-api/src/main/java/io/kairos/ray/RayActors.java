package io.kairos.ray;

import io.kairos.ActorCreator;
import io.ray.api.ActorHandle;
import io.ray.api.BaseActorHandle;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.exception.RayIntentionalSystemExitException;
import io.ray.api.function.RayFunc;
import io.ray.api.id.ActorId;
import io.ray.api.options.ActorCreationOptions;
import io.ray.api.options.ActorLifetime;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime's actors: Ray's creation options as the kernel's actor creator, the actors this runtime made or looked
 * up (by Ray id and by kernel id), their kill and an actor's own exit. Calls to an actor are the runtime's submit path
 * ({@link KairosRayRuntime#callActor}).
 */
final class RayActors {
    private final KairosRayRuntime runtime;
    private final AtomicLong nextActor = new AtomicLong();
    private final Map<ActorId, RayActor<?>> actorsById = new ConcurrentHashMap<>();
    private final Map<Long, RayActor<?>> actorsByKernelId = new ConcurrentHashMap<>();
    private final AtomicBoolean runtimeEnvLogged = new AtomicBoolean();

    RayActors(final KairosRayRuntime runtime) {
        this.runtime = runtime;
    }

    <T> ActorHandle<T> create(final RayFunc actorFactoryFunc, final Object[] args,
                              final ActorCreationOptions options) {
        if (actorFactoryFunc == null) {
            throw new IllegalArgumentException("actorFactoryFunc is null");
        }
        RayObjects.ownArgs(args);
        final RaySettings settings = runtime.settings;
        final ActorId id = RayIds.actorId(nextActor.incrementAndGet(), runtime.jobId);
        boolean detached = settings.defaultActorLifetime == ActorLifetime.DETACHED;
        int maxTaskRetries = 0;
        Map<String, String> methodGroups = null;
        try {
            final ActorCreator<ActorBox> creator = RayFunctions.actor(runtime.kernel, actorFactoryFunc, id, args);
            if (options != null) {
                if (options.name != null && !options.name.isEmpty()) {
                    creator.setName(runtime.kernelName(options.namespace, options.name));
                }
                if (options.lifetime != null) {
                    detached = options.lifetime == ActorLifetime.DETACHED;
                }
                if (!options.resources.isEmpty()) {
                    creator.setResources(options.resources);
                }
                if (options.maxRestarts != 0) {
                    creator.setMaxRestarts(options.maxRestarts < 0 ? Integer.MAX_VALUE : options.maxRestarts);
                }
                maxTaskRetries = options.maxTaskRetries;
                if (maxTaskRetries != 0) {
                    creator.setMaxTaskRetries(maxTaskRetries < 0 ? -1 : maxTaskRetries);
                }
                if (options.maxConcurrency != 1) {
                    creator.setMaxConcurrency(Math.min(options.maxConcurrency, 1024));
                }
                methodGroups = concurrencyGroups(creator, options.concurrencyGroups);
                if (options.maxPendingCalls != -1) {
                    creator.setMaxPendingCalls(options.maxPendingCalls);
                }
                if (options.group != null) {
                    creator.setPlacementGroup(RayPlacementGroups.own(options.group).group, options.bundleIndex);
                }
                if (options.jvmOptions != null && !options.jvmOptions.isEmpty()) {
                    creator.setIsolated(true);
                    if (!options.jvmOptions.equals(settings.jvmOptions)) {
                        RaySettings.LOG.log(Level.WARNING, "actor " + id + ": setJvmOptions" + options.jvmOptions
                            + " runs it in a worker JVM with the kernel's worker JVM options " + settings.jvmOptions
                            + " (ray.job.jvm-options); per-actor JVM options are not applied");
                    }
                }
                if (options.serializedRuntimeEnv != null && !options.serializedRuntimeEnv.isEmpty()
                    && !options.serializedRuntimeEnv.equals("{}")) {
                    logRuntimeEnv();
                }
            }
            creator.setDetached(detached);  // on a cluster it outlives this driver, on its node
            final io.kairos.ActorHandle<ActorBox> handle = creator.remote();
            final RayActor<T> actor = new RayActor<>(id, handle, detached, maxTaskRetries, methodGroups);
            actorsById.put(id, actor);
            actorsByKernelId.put(handle.id(), actor);
            return actor;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, id);
        }
    }

    /**
     * Declares Ray's concurrency groups on the kernel's actor, each with its own limit.
     *
     * @return the group of each method declared in one, or null when there are no groups
     */
    private static Map<String, String> concurrencyGroups(final ActorCreator<ActorBox> creator,
                                                         final List<ConcurrencyGroup> groups) {
        if (groups == null || groups.isEmpty()) {
            return null;
        }
        final Map<String, String> methodGroups = new HashMap<>();
        for (final ConcurrencyGroup group : groups) {
            if (!(group instanceof RayConcurrencyGroup)) {
                throw new IllegalArgumentException("concurrency group " + group + " was not made by this Ray runtime "
                    + "(use new ConcurrencyGroupBuilder<>()...build())");
            }
            final RayConcurrencyGroup g = (RayConcurrencyGroup) group;
            creator.setConcurrencyGroup(g.name(), Math.min(g.maxConcurrency(), 1024));
            for (final String method : g.methods()) {
                final String before = methodGroups.putIfAbsent(method, g.name());
                if (before != null && !before.equals(g.name())) {
                    throw new IllegalArgumentException("concurrency groups " + before + " and " + g.name()
                        + " both declare " + method);
                }
            }
        }
        return methodGroups;
    }

    RayActor<?> get(final ActorId actorId) {
        return actorsById.get(actorId);
    }

    @SuppressWarnings("unchecked")
    <T extends BaseActorHandle> Optional<T> named(final String name, final String namespace) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        return runtime.kernel.<ActorBox>getActor(runtime.kernelName(namespace, name)).map(handle ->
            (T) actorsByKernelId.computeIfAbsent(handle.id(), k ->
                new RayActor<>(RayIds.actorId(nextActor.incrementAndGet(), runtime.jobId), handle, false, 0)));
    }

    void kill(final BaseActorHandle actor, final boolean noRestart) {
        if (!(actor instanceof RayActor)) {
            throw new IllegalArgumentException("actor " + actor + " is not an actor of this Ray runtime");
        }
        try {
            runtime.kernel.kill(((RayActor<?>) actor).handle, noRestart);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, actor.getId());
        }
    }

    void exitCurrent() {
        final ActorBox box = ActorBox.current();
        final RayActor<?> actor = box == null ? null : actorsById.get(box.id);
        if (actor == null) {
            throw new IllegalStateException("Ray.exitActor() is called outside an actor" + (box != null
                ? " of this runtime (in a worker JVM, where Ray is not initialized)" : ""));
        }
        runtime.kernel.kill(actor.handle, true);
        throw new RayIntentionalSystemExitException("actor " + actor.id + " exits (Ray.exitActor())");
    }

    /** The actors this runtime created (not those only looked up by name). */
    Collection<RayActor<?>> all() {
        return actorsById.values();
    }

    void clear() {
        actorsById.clear();
        actorsByKernelId.clear();
    }

    /** The actor as this runtime's, for a call to it. */
    static RayActor<?> own(final ActorHandle<?> actor) {
        if (actor instanceof RayActor) {
            return (RayActor<?>) actor;
        }
        throw new IllegalArgumentException("actor " + actor + " is not an actor of this Ray runtime");
    }

    private void logRuntimeEnv() {
        if (runtimeEnvLogged.compareAndSet(false, true)) {
            RaySettings.LOG.log(Level.INFO, "runtime environments have no effect on an embedded Kairos kernel: tasks "
                + "and actors run in this JVM's environment (or its worker JVMs', ray.job.jvm-options)");
        }
    }
}
