package io.kairos.ray;

import io.kairos.Kernel;
import io.kairos.TaskOptions;
import io.ray.api.ActorHandle;
import io.ray.api.BaseActorHandle;
import io.ray.api.CppActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.PyActorHandle;
import io.ray.api.WaitResult;
import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.exception.RayIntentionalSystemExitException;
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
import io.ray.api.options.CallOptions;
import io.ray.api.options.PlacementGroupCreationOptions;
import io.ray.api.parallelactor.ParallelActorContext;
import io.ray.api.placementgroup.PlacementGroup;
import io.ray.api.runtime.RayRuntime;
import io.ray.api.runtimecontext.ResourceValue;
import io.ray.api.runtimecontext.RuntimeContext;
import io.ray.api.runtimeenv.RuntimeEnv;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

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
 *   <li>without {@code ray.address}, one node in this JVM; with it, the program joins a Kairos cluster as a driver
 *       (see {@link RaySettings}); tasks and actors run on the kernels' worker threads, an actor with JVM options in a
 *       worker JVM;</li>
 *   <li>detached actors: on one machine an embedded kernel lives as long as its {@code Ray.init()}, so a detached
 *       actor lives until {@code Ray.shutdown()} or its kill, as a non-detached one does (there is one job per
 *       kernel); on a cluster ({@code ray.address}) it outlives the driver on the node it lives on, found by name from
 *       other drivers, until killed or until that node leaves;</li>
 *   <li>{@code setMaxTaskRetries}: as Ray's, a call its actor's death interrupted (an {@code Error} thrown by a
 *       method, its worker JVM's death, a kill without {@code noRestart}) runs again on the restarted actor, before the
 *       calls queued behind it; an exception of the method itself is never retried (an actor placed on another
 *       member of a cluster has neither retries nor groups there, only their total limit);</li>
 *   <li>{@code setJvmOptions}: the actor runs in a worker JVM of its own; the JVM options of worker JVMs are the
 *       kernel's ({@code ray.job.jvm-options}), per-actor options that differ are logged and not applied;</li>
 *   <li>concurrency groups: as Ray's, each group runs at most its own limit of calls at once, whatever the others run
 *       (see {@link RayConcurrencyGroup}), declared with {@code setConcurrencyGroups} or with the annotations
 *       {@code @DefConcurrencyGroup} / {@code @UseConcurrencyGroup} ({@link RayConcurrencyAnnotations});</li>
 *   <li>{@code free}: the kernel frees an object once no ref reaches it (the JVM's collector tells it); free adds
 *       nothing to that;</li>
 *   <li>refs inside values ({@code Ray.put(List.of(ref))}, a task returning refs): a small value keeps its refs as
 *       they are; a ref serialized inside a large value (the shared store) is kept by this runtime until
 *       {@code Ray.shutdown()}, where Ray would free it with the outer object (the kernel's public API has no way to
 *       tie one object's life to another's); it resolves in this JVM and, with {@code ref.get()}, in the kernel's
 *       worker JVMs while the call that received it runs (the worker asks the kernel over its pipe);</li>
 *   <li>an infeasible task (a resource no node has enough of) fails at {@code remote()} with a {@code RayException}
 *       naming the resource, where Ray would keep it pending with a warning;</li>
 *   <li>runtime environments are accepted and have no effect; cross-language calls (Python, C++) throw
 *       {@code UnsupportedOperationException} naming the call;</li>
 *   <li>in a worker JVM Ray is not initialized: code that runs there (an isolated actor) cannot call {@code Ray.*}
 *       (a ref it received is read with {@code ref.get()}, not {@code Ray.get}), nor send a received ref on.</li>
 * </ul>
 *
 * <p>This class is the entry point and the submit path ({@code call}, {@code callActor}: no objects beyond the
 * kernel's caller and the ref); it hands objects to {@code RayObjects}, actor creation and lookup to
 * {@code RayActors}, placement groups to {@code RayPlacementGroups} and the runtime context, nodes and resource ids to
 * {@code RayRuntimeContext}.
 */
public final class KairosRayRuntime implements RayRuntime {
    private static final AtomicInteger JOBS = new AtomicInteger();

    final Kernel kernel;
    final RaySettings settings;
    final JobId jobId;
    private final String namespace;
    /** A task's options when the Ray program gives none: built once (the retries are this runtime's settings). */
    private final TaskOptions defaultTaskOptions;
    final RayObjects objects;
    final RayActors actors;
    private final RayPlacementGroups placementGroups;
    private final RayRuntimeContext context;
    private final ParallelActors parallelActors;

    private KairosRayRuntime(final Kernel kernel, final RaySettings settings) {
        this.kernel = kernel;
        this.settings = settings;
        this.jobId = settings.jobId;
        this.namespace = settings.namespace;
        this.defaultTaskOptions = TaskOptions.DEFAULT.withMaxRetries(settings.taskMaxRetries)
            .withRetryExceptions(settings.taskRetryExceptions);
        this.objects = new RayObjects(kernel, jobId);
        this.actors = new RayActors(this);
        this.placementGroups = new RayPlacementGroups(this);
        this.context = new RayRuntimeContext(this);
        this.parallelActors = new ParallelActors(this);
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
        actors.clear();
        placementGroups.clear();
        objects.clear();
    }

    // ------------------------------------------------------------------------------------------------------------
    // objects (RayObjects)

    @Override
    public <T> ObjectRef<T> put(final T obj) {
        return objects.put(obj);
    }

    /** As {@link #put(Object)}: the kernel's objects are owned by the kernel, whatever actor is named. */
    @Override
    public <T> ObjectRef<T> put(final T obj, final BaseActorHandle owner) {
        return objects.put(obj);
    }

    @Override
    public <T> T get(final ObjectRef<T> objectRef) {
        return objects.get(objectRef);
    }

    @Override
    public <T> List<T> get(final List<ObjectRef<T>> objectList) {
        return objects.get(objectList);
    }

    @Override
    public <T> T get(final ObjectRef<T> objectRef, final long timeoutMs) {
        return objects.get(objectRef, timeoutMs);
    }

    @Override
    public <T> List<T> get(final List<ObjectRef<T>> objectList, final long timeoutMs) {
        return objects.get(objectList, timeoutMs);
    }

    /**
     * Waits until numReturns of the refs are ready (their value or their error) or timeoutMs passes. With fetchLocal
     * false, on a cluster, an object another node holds counts as ready without being pulled here (on one node every
     * ready object is local).
     */
    @Override
    public <T> WaitResult<T> wait(final List<ObjectRef<T>> waitList, final int numReturns, final int timeoutMs,
                                  final boolean fetchLocal) {
        return objects.wait(waitList, numReturns, timeoutMs, fetchLocal);
    }

    /** Does nothing more than dropping the refs does: the kernel frees an object once no ref reaches it. */
    @Override
    public void free(final List<ObjectRef<?>> objectRefs, final boolean localOnly) {
        objects.free(objectRefs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks

    /**
     * Submits a Ray task through the kernel's builder-free submit: the kernel's function, Ray's argument array as it is
     * and options built once, so that the path stays small enough for the JIT to inline into Ray's
     * {@code TaskCaller.remote()}; options are built per call only when the program gives any.
     */
    @SuppressWarnings("rawtypes")
    @Override
    public ObjectRef call(final RayFunc func, final Object[] args, final CallOptions options) {
        // only fields of options are read here (it is passed on only when the program gave options): inlined into
        // Ray's TaskCaller.remote(), Ray's per-call options objects then need not be allocated at all
        if (options == null || options.name == null && options.group == null && options.resources.isEmpty()) {
            return submit(func, args, defaultTaskOptions);
        }
        return submit(func, args, taskOptions(options));
    }

    private ObjectRef<Object> submit(final RayFunc func, final Object[] args, final TaskOptions taskOptions) {
        RayObjects.ownArgs(args);
        try {
            return new RayObjectRef<>(kernel.submit(RayFunctions.task(func, args.length), args, taskOptions), null,
                func);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    /** The kernel's options for a Ray task's options (made per call: a task given options is not the hot path). */
    private TaskOptions taskOptions(final CallOptions options) {
        try {
            TaskOptions o = defaultTaskOptions;
            if (options.name != null) {
                o = o.withName(options.name);
            }
            if (!options.resources.isEmpty()) {
                o = o.withResources(options.resources);
            }
            if (options.group != null) {
                o = o.withPlacementGroup(RayPlacementGroups.own(options.group).group, options.bundleIndex);
            }
            return o;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
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
    // actors (calls here, the rest in RayActors)

    /** Submits an actor call; as {@link #call}, a small hot path. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    @Override
    public ObjectRef callActor(final ActorHandle<?> actor, final RayFunc func, final Object[] args,
                               final CallOptions options) {
        // as call: only fields of options are read, so that Ray's per-call options objects need not be allocated
        return submitCall(RayActors.own(actor), func, args, options == null ? null : options.name,
            options == null ? null : options.concurrencyGroupName);
    }

    private ObjectRef<Object> submitCall(final RayActor<?> a, final RayFunc func, final Object[] args, final String name,
                                         final String givenGroup) {
        RayObjects.ownArgs(args);
        try {
            final String group = a.groupOf(func, givenGroup);
            return new RayObjectRef<>(a.handle.submit(RayFunctions.call(func, args.length), args, name,
                group.isEmpty() ? null : group), a.id, null);
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, a.id);
        }
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
        return actors.create(actorFactoryFunc, args, options);
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
        return (T) actors.get(actorId);
    }

    @Override
    public <T extends BaseActorHandle> Optional<T> getActor(final String name, final String namespace) {
        return actors.named(name, namespace);
    }

    @Override
    public void killActor(final BaseActorHandle actor, final boolean noRestart) {
        actors.kill(actor, noRestart);
    }

    /**
     * Ends the actor this code runs in, for good (no restart): its pending calls fail with {@code RayActorException},
     * and so does the call that exits. Throws {@link RayIntentionalSystemExitException} to leave the method.
     *
     * @throws IllegalStateException outside an actor of this runtime
     */
    @Override
    public void exitActor() {
        actors.exitCurrent();
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups (RayPlacementGroups)

    @Override
    public PlacementGroup createPlacementGroup(final PlacementGroupCreationOptions options) {
        return placementGroups.create(options);
    }

    @Override
    public PlacementGroup getPlacementGroup(final PlacementGroupId id) {
        return placementGroups.get(id);
    }

    @Override
    public PlacementGroup getPlacementGroup(final String name, final String namespace) {
        return placementGroups.named(name, namespace);
    }

    @Override
    public List<PlacementGroup> getAllPlacementGroups() {
        return placementGroups.all();
    }

    @Override
    public void removePlacementGroup(final PlacementGroupId id) {
        placementGroups.remove(id);
    }

    @Override
    public boolean waitPlacementGroupReady(final PlacementGroupId id, final int timeoutSeconds) {
        return placementGroups.waitReady(id, timeoutSeconds);
    }

    // ------------------------------------------------------------------------------------------------------------
    // context (RayRuntimeContext)

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
        return context.availableResourceIds();
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    /** The node of the running task, or the kernel's first node outside a task (the driver's). */
    @Override
    public UniqueId getCurrentNodeId() {
        return context.getCurrentNodeId();
    }

    @Override
    public ConcurrencyGroup createConcurrencyGroup(final String name, final int maxConcurrency,
                                                   final List<RayFunc> funcs) {
        return RayConcurrencyGroup.of(name, maxConcurrency, funcs);
    }

    /** The groups of the actor class's {@code @DefConcurrencyGroup} annotations, read once per class. */
    @Override
    public List<ConcurrencyGroup> extractConcurrencyGroups(final RayFuncR<?> actorConstructorLambda) {
        return RayConcurrencyAnnotations.of(actorConstructorLambda);
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
    // names

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

    private static UnsupportedOperationException crossLanguage(final String call) {
        return new UnsupportedOperationException(call + ": cross-language calls are not supported by Kairos, which "
            + "runs Java tasks and actors only");
    }
}

