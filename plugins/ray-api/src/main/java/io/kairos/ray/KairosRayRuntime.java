package io.kairos.ray;

import io.kairos.ActorCreator;
import io.kairos.ActorTaskCaller;
import io.kairos.Kernel;
import io.kairos.NodeInfo;
import io.kairos.TaskCaller;
import io.kairos.TaskContext;
import io.ray.api.ActorHandle;
import io.ray.api.BaseActorHandle;
import io.ray.api.CppActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.PyActorHandle;
import io.ray.api.WaitResult;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.exception.RayException;
import io.ray.api.exception.RayIntentionalSystemExitException;
import io.ray.api.exception.RayTimeoutException;
import io.ray.api.exception.RuntimeEnvException;
import io.ray.api.function.CppActorClass;
import io.ray.api.function.CppActorMethod;
import io.ray.api.function.CppFunction;
import io.ray.api.function.PyActorClass;
import io.ray.api.function.PyActorMethod;
import io.ray.api.function.PyFunction;
import io.ray.api.function.RayFunc;
import io.ray.api.function.RayFuncR;
import io.ray.api.id.ActorId;
import io.ray.api.id.JobId;
import io.ray.api.id.PlacementGroupId;
import io.ray.api.id.UniqueId;
import io.ray.api.options.ActorCreationOptions;
import io.ray.api.options.ActorLifetime;
import io.ray.api.options.CallOptions;
import io.ray.api.options.PlacementGroupCreationOptions;
import io.ray.api.parallelactor.ParallelActorContext;
import io.ray.api.placementgroup.PlacementGroup;
import io.ray.api.runtime.RayRuntime;
import io.ray.api.runtimecontext.ResourceValue;
import io.ray.api.runtimecontext.RuntimeContext;
import io.ray.api.runtimeenv.RuntimeEnv;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ray's {@link RayRuntime} on an embedded Kairos {@link Kernel}: what {@code Ray.init()} starts when this module, not
 * {@code io.ray:ray-runtime}, is on the class path. One kernel per {@code Ray.init()}, closed by {@code Ray.shutdown()}.
 *
 * <p>Tasks ({@code Ray.task(f, args).remote()}) become kernel tasks: the Ray function is wrapped in one serializable
 * {@code KFunc} lambda of the same arity and Ray's ObjectRef arguments are replaced by the kernel's, which the kernel
 * resolves before the task runs. Actors become kernel actors whose instance is the user's object in a small box that
 * knows its Ray id. Objects, placement groups and errors map one to one (see {@link RayErrors}).
 *
 * <p>Where the kernel differs from Ray:
 * <ul>
 *   <li>one node, in this JVM: {@code ray.address} is logged and an embedded kernel runs (the cluster adapter is
 *       future work); tasks and actors run on the kernel's worker threads, an actor with JVM options in a worker JVM;</li>
 *   <li>detached actors: an embedded kernel lives as long as its {@code Ray.init()}, so a detached actor lives until
 *       {@code Ray.shutdown()} or its kill, as a non-detached one does (there is one job per kernel);</li>
 *   <li>{@code setMaxTaskRetries}: the kernel retries no actor call; a call running when its actor dies fails with
 *       {@code RayActorException}, calls still queued run on the restarted actor;</li>
 *   <li>{@code setJvmOptions}: the actor runs in a worker JVM of its own; the JVM options of worker JVMs are the
 *       kernel's ({@code ray.job.jvm-options}), per-actor options that differ are logged and not applied;</li>
 *   <li>concurrency groups: one limit per actor, the sum of its groups' and its own (see {@link RayConcurrencyGroup});
 *       {@code @DefConcurrencyGroup} annotations are not read;</li>
 *   <li>{@code free}: the kernel frees an object once no ref reaches it (the JVM's collector tells it); free adds
 *       nothing to that;</li>
 *   <li>refs inside values ({@code Ray.put(List.of(ref))}, a task returning refs): a small value keeps its refs as
 *       they are; a ref serialized inside a large value (the shared store) is kept by this runtime until
 *       {@code Ray.shutdown()}, where Ray would free it with the outer object (the kernel's public API has no way to
 *       tie one object's life to another's), and resolves only in this JVM;</li>
 *   <li>an infeasible task (a resource no node has enough of) fails at {@code remote()} with a {@code RayException}
 *       naming the resource, where Ray would keep it pending with a warning;</li>
 *   <li>runtime environments are accepted and have no effect; cross-language calls (Python, C++) throw
 *       {@code UnsupportedOperationException} naming the call;</li>
 *   <li>in a worker JVM Ray is not initialized: code that runs there (an isolated actor) cannot call {@code Ray.*}.</li>
 * </ul>
 */
public final class KairosRayRuntime implements RayRuntime {
    private static final AtomicInteger JOBS = new AtomicInteger();
    private static final Constructor<ResourceValue> RESOURCE_VALUE = resourceValueConstructor();

    final Kernel kernel;
    final RaySettings settings;
    final JobId jobId;
    private final String namespace;
    private final List<String> nodeIds;
    private final RayRuntimeContext context = new RayRuntimeContext(this);
    private final ParallelActors parallelActors = new ParallelActors(this);
    private final AtomicLong nextActor = new AtomicLong();
    private final Map<ActorId, RayActor<?>> actorsById = new ConcurrentHashMap<>();
    private final Map<Long, RayActor<?>> actorsByKernelId = new ConcurrentHashMap<>();
    private final Map<PlacementGroupId, RayPlacementGroup> groups = new ConcurrentHashMap<>();
    /** Refs that were serialized inside a value, by kernel object id: kept until shutdown (see RayObjectRef). */
    private final Map<Long, RayObjectRef<?>> nestedRefs = new ConcurrentHashMap<>();
    private final boolean taskRetriesSet;
    private final AtomicBoolean runtimeEnvLogged = new AtomicBoolean();

    private KairosRayRuntime(final Kernel kernel, final RaySettings settings) {
        this.kernel = kernel;
        this.settings = settings;
        this.jobId = settings.jobId;
        this.namespace = settings.namespace;
        final List<String> ids = new ArrayList<>();
        for (final NodeInfo node : kernel.resources()) {
            ids.add(node.nodeId());
        }
        this.nodeIds = ids;
        this.taskRetriesSet = settings.taskMaxRetries != 3 || settings.taskRetryExceptions;
    }

    /**
     * Starts a kernel for the settings in this JVM's system properties ({@link RaySettings}).
     *
     * @return the runtime
     * @throws IllegalArgumentException for a malformed setting, naming its key
     */
    public static KairosRayRuntime startFromSystemProperties() {
        final RaySettings settings = RaySettings.fromSystemProperties(JOBS.incrementAndGet());
        final Kernel kernel = Kernel.start(settings.kernelContext());
        RaySettings.LOG.log(Level.DEBUG, "Ray runtime on Kairos started: job " + settings.jobId + ", namespace "
            + settings.namespace + ", " + kernel);
        return new KairosRayRuntime(kernel, settings);
    }

    /**
     * The kernel under this runtime, for what Ray's API does not say (e.g. {@code kernel().resources()}).
     *
     * @return the kernel
     */
    public Kernel kernel() {
        return kernel;
    }

    @Override
    public void shutdown() {
        kernel.close();
        actorsById.clear();
        actorsByKernelId.clear();
        groups.clear();
        nestedRefs.clear();
    }

    /** Keeps a ref that is being serialized inside a value, so that it reads back (and its object lives) until shutdown. */
    void keepNestedRef(final RayObjectRef<?> ref) {
        nestedRefs.putIfAbsent(ref.ref.id(), ref);
    }

    /** The ref of that kernel object id serialized by this runtime's job, or null. */
    RayObjectRef<?> nestedRef(final byte[] job, final long id) {
        return java.util.Arrays.equals(job, jobId.getBytes()) ? nestedRefs.get(id) : null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // objects

    @Override
    public <T> ObjectRef<T> put(final T obj) {
        try {
            return new RayObjectRef<>(kernel.put(obj), null, null);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    /** As {@link #put(Object)}: the kernel's objects are owned by the kernel, whatever actor is named. */
    @Override
    public <T> ObjectRef<T> put(final T obj, final BaseActorHandle owner) {
        return put(obj);
    }

    @Override
    public <T> T get(final ObjectRef<T> objectRef) {
        return own(objectRef, "objectRef").get();
    }

    @Override
    public <T> List<T> get(final List<ObjectRef<T>> objectList) {
        final List<T> values = new ArrayList<>(objectList.size());
        for (final ObjectRef<T> ref : objectList) {
            values.add(own(ref, "objectList item").get());
        }
        return values;
    }

    @Override
    public <T> T get(final ObjectRef<T> objectRef, final long timeoutMs) {
        return own(objectRef, "objectRef").get(timeoutMs);
    }

    @Override
    public <T> List<T> get(final List<ObjectRef<T>> objectList, final long timeoutMs) {
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

    /**
     * Waits until numReturns of the refs are ready (their value or their error) or timeoutMs passes. fetchLocal has no
     * meaning on one node: a ready object is local.
     */
    @Override
    public <T> WaitResult<T> wait(final List<ObjectRef<T>> waitList, final int numReturns, final int timeoutMs,
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
            result = kernel.wait(refs, numReturns, Duration.ofMillis(timeoutMs < 0 ? Integer.MAX_VALUE : timeoutMs));
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

    /** Does nothing more than dropping the refs does: the kernel frees an object once no ref reaches it. */
    @Override
    public void free(final List<ObjectRef<?>> objectRefs, final boolean localOnly) {
        for (final ObjectRef<?> ref : objectRefs) {
            own(ref, "objectRefs item");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks

    /**
     * Submits a Ray task. The hot path is kept small (a caller, a ref) so that the JIT inlines it into Ray's
     * {@code TaskCaller.remote()}; options are applied by {@link #applyOptions} only when there are any.
     */
    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef call(final RayFunc func, final Object[] args, final CallOptions options) {
        ownArgs(args);
        try {
            final TaskCaller<Object> caller = RayFunctions.task(kernel, func, args);
            if (taskRetriesSet || options != null && (options.name != null || options.group != null
                || !options.resources.isEmpty())) {
                applyOptions(caller, options);
            }
            return new RayObjectRef<>(caller.remote(), null, func);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    private void applyOptions(final TaskCaller<Object> caller, final CallOptions options) {
        if (options != null) {
            if (options.name != null) {
                caller.setName(options.name);
            }
            if (!options.resources.isEmpty()) {
                caller.setResources(options.resources);
            }
            if (options.group != null) {
                caller.setPlacementGroup(own(options.group).group, options.bundleIndex);
            }
        }
        if (taskRetriesSet) {
            caller.setMaxRetries(settings.taskMaxRetries).setRetryExceptions(settings.taskRetryExceptions);
        }
    }

    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef call(final PyFunction pyFunction, final Object[] args, final CallOptions options) {
        throw crossLanguage("Ray.task(PyFunction " + pyFunction.moduleName + "." + pyFunction.functionName + ")");
    }

    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef call(final CppFunction cppFunction, final Object[] args, final CallOptions options) {
        throw crossLanguage("Ray.task(CppFunction " + cppFunction.functionName + ")");
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors

    /** Submits an actor call; as {@link #call}, a small hot path. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    @Override
    public ObjectRef callActor(final ActorHandle<?> actor, final RayFunc func, final Object[] args,
                               final CallOptions options) {
        final RayActor<?> a = own(actor);
        ownArgs(args);
        try {
            final ActorTaskCaller<Object> caller = RayFunctions.call(a.handle, func, args);
            if (options != null && options.name != null) {
                caller.setName(options.name);
            }
            return new RayObjectRef<>(caller.remote(), a.id, null);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, a.id);
        }
    }

    private static RayActor<?> own(final ActorHandle<?> actor) {
        if (actor instanceof RayActor) {
            return (RayActor<?>) actor;
        }
        throw new IllegalArgumentException("actor " + actor + " is not an actor of this Ray runtime");
    }

    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef callActor(final PyActorHandle pyActor, final PyActorMethod pyActorMethod, final Object[] args) {
        throw crossLanguage("PyActorHandle.task(PyActorMethod " + pyActorMethod.methodName + ")");
    }

    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef callActor(final CppActorHandle cppActor, final CppActorMethod cppActorMethod, final Object[] args) {
        throw crossLanguage("CppActorHandle.task(CppActorMethod " + cppActorMethod.methodName + ")");
    }

    @Override
    public <T> ActorHandle<T> createActor(final RayFunc actorFactoryFunc, final Object[] args,
                                          final ActorCreationOptions options) {
        if (actorFactoryFunc == null) {
            throw new IllegalArgumentException("actorFactoryFunc is null");
        }
        ownArgs(args);
        final ActorId id = RayIds.actorId(nextActor.incrementAndGet(), jobId);
        boolean detached = settings.defaultActorLifetime == ActorLifetime.DETACHED;
        int maxTaskRetries = 0;
        try {
            final ActorCreator<ActorBox> creator = RayFunctions.actor(kernel, actorFactoryFunc, id, args);
            if (options != null) {
                if (options.name != null && !options.name.isEmpty()) {
                    creator.setName(kernelName(options.namespace, options.name));
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
                long concurrency = options.maxConcurrency;
                if (options.concurrencyGroups != null) {
                    for (final ConcurrencyGroup group : options.concurrencyGroups) {
                        if (group instanceof RayConcurrencyGroup) {
                            concurrency += ((RayConcurrencyGroup) group).maxConcurrency();
                        }
                    }
                }
                if (concurrency != 1) {
                    creator.setMaxConcurrency((int) Math.min(concurrency, 1024));
                }
                if (options.maxPendingCalls != -1) {
                    creator.setMaxPendingCalls(options.maxPendingCalls);
                }
                if (options.group != null) {
                    creator.setPlacementGroup(own(options.group).group, options.bundleIndex);
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
            final io.kairos.ActorHandle<ActorBox> handle = creator.remote();
            final RayActor<T> actor = new RayActor<>(id, handle, detached, maxTaskRetries);
            actorsById.put(id, actor);
            actorsByKernelId.put(handle.id(), actor);
            return actor;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, id);
        }
    }

    @Override
    public PyActorHandle createActor(final PyActorClass pyActorClass, final Object[] args,
                                     final ActorCreationOptions options) {
        throw crossLanguage("Ray.actor(PyActorClass " + pyActorClass.moduleName + "." + pyActorClass.className + ")");
    }

    @Override
    public CppActorHandle createActor(final CppActorClass cppActorClass, final Object[] args,
                                      final ActorCreationOptions options) {
        throw crossLanguage("Ray.actor(CppActorClass " + cppActorClass.className + ")");
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends BaseActorHandle> T getActorHandle(final ActorId actorId) {
        return (T) actorsById.get(actorId);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T extends BaseActorHandle> Optional<T> getActor(final String name, final String namespace) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        return kernel.<ActorBox>getActor(kernelName(namespace, name)).map(handle ->
            (T) actorsByKernelId.computeIfAbsent(handle.id(), k ->
                new RayActor<>(RayIds.actorId(nextActor.incrementAndGet(), jobId), handle, false, 0)));
    }

    @Override
    public void killActor(final BaseActorHandle actor, final boolean noRestart) {
        if (!(actor instanceof RayActor)) {
            throw new IllegalArgumentException("actor " + actor + " is not an actor of this Ray runtime");
        }
        try {
            kernel.kill(((RayActor<?>) actor).handle, noRestart);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, actor.getId());
        }
    }

    /**
     * Ends the actor this code runs in, for good (no restart): its pending calls fail with {@code RayActorException},
     * and so does the call that exits. Throws {@link RayIntentionalSystemExitException} to leave the method.
     *
     * @throws IllegalStateException outside an actor of this runtime
     */
    @Override
    public void exitActor() {
        final ActorBox box = ActorBox.current();
        final RayActor<?> actor = box == null ? null : actorsById.get(box.id);
        if (actor == null) {
            throw new IllegalStateException("Ray.exitActor() is called outside an actor" + (box != null
                ? " of this runtime (in a worker JVM, where Ray is not initialized)" : ""));
        }
        kernel.kill(actor.handle, true);
        throw new RayIntentionalSystemExitException("actor " + actor.id + " exits (Ray.exitActor())");
    }

    Collection<RayActor<?>> actors() {
        return actorsById.values();
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups

    @Override
    public PlacementGroup createPlacementGroup(final PlacementGroupCreationOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("creation options are null");
        }
        if (options.strategy == null) {
            throw new IllegalArgumentException("placement group strategy is null");
        }
        final PlacementStrategy strategy;
        switch (options.strategy) {
            case PACK:
                strategy = PlacementStrategy.PACK;
                break;
            case SPREAD:
                strategy = PlacementStrategy.SPREAD;
                break;
            case STRICT_PACK:
                strategy = PlacementStrategy.STRICT_PACK;
                break;
            case STRICT_SPREAD:
                strategy = PlacementStrategy.STRICT_SPREAD;
                break;
            default:
                throw new IllegalArgumentException("placement group strategy " + options.strategy
                    + " is not one of PACK, SPREAD, STRICT_PACK, STRICT_SPREAD");
        }
        final List<Map<String, Double>> bundles = new ArrayList<>();
        if (options.bundles != null) {
            for (final Map<String, Double> bundle : options.bundles) {
                bundles.add(bundle == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(bundle)));
            }
        }
        final boolean named = options.name != null && !options.name.isEmpty();
        try {
            final io.kairos.PlacementGroup group = kernel.createPlacementGroup(
                named ? kernelName(null, options.name) : null, bundles, strategy);
            final RayPlacementGroup pg = new RayPlacementGroup(RayIds.placementGroupId(group.id(), jobId),
                named ? options.name : null, Collections.unmodifiableList(bundles), options.strategy, group);
            groups.put(pg.id, pg);
            return pg;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    @Override
    public PlacementGroup getPlacementGroup(final PlacementGroupId id) {
        return groups.get(id);
    }

    @Override
    public PlacementGroup getPlacementGroup(final String name, final String namespace) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        return kernel.getPlacementGroup(kernelName(namespace, name))
            .map(group -> (PlacementGroup) groups.get(RayIds.placementGroupId(group.id(), jobId)))
            .orElse(null);
    }

    @Override
    public List<PlacementGroup> getAllPlacementGroups() {
        return new ArrayList<>(groups.values());
    }

    @Override
    public void removePlacementGroup(final PlacementGroupId id) {
        final RayPlacementGroup pg = groups.get(id);
        if (pg == null) {
            throw new RayException("placement group " + id + " does not exist");
        }
        try {
            kernel.removePlacementGroup(pg.group);
            pg.removed = true;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    @Override
    public boolean waitPlacementGroupReady(final PlacementGroupId id, final int timeoutSeconds) {
        final RayPlacementGroup pg = groups.get(id);
        if (pg == null) {
            throw new RayException("placement group " + id + " does not exist");
        }
        return pg.wait(timeoutSeconds);
    }

    private RayPlacementGroup own(final PlacementGroup group) {
        if (!(group instanceof RayPlacementGroup)) {
            throw new IllegalArgumentException("placement group " + group + " is not one of this Ray runtime");
        }
        return (RayPlacementGroup) group;
    }

    // ------------------------------------------------------------------------------------------------------------
    // context

    @Override
    public RuntimeContext getRuntimeContext() {
        return context;
    }

    /**
     * The resources the running task or actor call was given: each GPU instance with its share, and for any other
     * resource its amount as one value of id 0. Empty outside a task.
     */
    @Override
    public Map<String, List<ResourceValue>> getAvailableResourceIds() {
        final TaskContext task = TaskContext.current();
        final Map<String, List<ResourceValue>> out = new LinkedHashMap<>();
        if (task == null) {
            return out;
        }
        for (final Map.Entry<String, Double> e : task.resources().entrySet()) {
            if (e.getKey().equals("GPU")) {
                final int[] instances = task.gpuInstances();
                final double[] shares = task.gpuAmounts();
                final List<ResourceValue> values = new ArrayList<>(instances.length);
                for (int i = 0; i < instances.length; i++) {
                    values.add(resourceValue(instances[i], shares[i]));
                }
                out.put("GPU", values);
            } else {
                out.put(e.getKey(), List.of(resourceValue(0, e.getValue())));
            }
        }
        return out;
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    /** The node of the running task, or the kernel's first node outside a task (the driver's). */
    @Override
    public UniqueId getCurrentNodeId() {
        final TaskContext task = TaskContext.current();
        final int index = task == null ? 0 : nodeIds.indexOf(task.nodeId());
        return RayIds.nodeId(Math.max(0, index));
    }

    @Override
    public ConcurrencyGroup createConcurrencyGroup(final String name, final int maxConcurrency,
                                                   final List<RayFunc> funcs) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("concurrency group " + name + ": maxConcurrency " + maxConcurrency
                + " must be >= 1");
        }
        return new RayConcurrencyGroup(name, maxConcurrency, List.copyOf(funcs));
    }

    /** No groups: {@code @DefConcurrencyGroup} annotations on actor classes are not read. */
    @Override
    public List<ConcurrencyGroup> extractConcurrencyGroups(final RayFuncR<?> actorConstructorLambda) {
        return new ArrayList<>();
    }

    @Override
    public RuntimeEnv createRuntimeEnv() {
        return new RayRuntimeEnv();
    }

    @Override
    public RuntimeEnv deserializeRuntimeEnv(final String serializedRuntimeEnv) throws RuntimeEnvException {
        throw new RuntimeEnvException("the Kairos adapter keeps no serialized runtime environments: they have no "
            + "effect on an embedded kernel");
    }

    @Override
    public ParallelActorContext getParallelActorContext() {
        return parallelActors;
    }

    // ------------------------------------------------------------------------------------------------------------

    /** The kernel's name for a Ray name in a namespace (null: this job's): unambiguous, readable in errors. */
    String kernelName(final String namespace, final String name) {
        final String ns = namespace == null || namespace.isEmpty() ? this.namespace : namespace;
        return ns.length() + ":" + ns + "/" + name;
    }

    /** The Ray name in a kernel name made by {@link #kernelName}, or null. */
    String rayName(final String kernelName) {
        if (kernelName == null) {
            return null;
        }
        final int colon = kernelName.indexOf(':');
        try {
            return kernelName.substring(colon + 2 + Integer.parseInt(kernelName.substring(0, colon)));
        } catch (final RuntimeException e) {
            return kernelName;
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
    private static void ownArgs(final Object[] args) {
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

    private void logRuntimeEnv() {
        if (runtimeEnvLogged.compareAndSet(false, true)) {
            RaySettings.LOG.log(Level.INFO, "runtime environments have no effect on an embedded Kairos kernel: tasks "
                + "and actors run in this JVM's environment (or its worker JVMs', ray.job.jvm-options)");
        }
    }

    private static UnsupportedOperationException crossLanguage(final String call) {
        return new UnsupportedOperationException(call + ": cross-language calls are not supported by Kairos, which "
            + "runs Java tasks and actors only");
    }

    private static ResourceValue resourceValue(final long id, final double capacity) {
        try {
            return RESOURCE_VALUE.newInstance(id, capacity);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make io.ray.api.runtimecontext.ResourceValue", e);
        }
    }

    /** ResourceValue's constructor is package-private in Ray's API (its package is open: the class path's). */
    private static Constructor<ResourceValue> resourceValueConstructor() {
        try {
            final Constructor<ResourceValue> c = ResourceValue.class.getDeclaredConstructor(long.class, double.class);
            c.setAccessible(true);
            return c;
        } catch (final ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
