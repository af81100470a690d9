package io.kairos;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.journal.JournalReplay;
import io.kairos.internal.policy.CompositeSchedulingPolicy;
import io.kairos.internal.placement.PlacementGroupState;
import io.kairos.internal.policy.HybridSchedulingPolicy;
import io.kairos.spi.journal.Journal;
import io.kairos.spi.metadata.MetadataStore;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StoreStats;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An embedded Kairos kernel: Ray's core programming model in this JVM. Submit tasks with {@code task(f, args...)}
 * and {@code remote()}, share values with {@link #put}, read them with {@link ObjectRef#get()}.
 *
 * <pre>{@code
 * try (Kernel kernel = Kernel.start(new KernelContext().cpus(4))) {
 *     ObjectRef<Integer> a = kernel.task(Demo::square, 3).remote();
 *     ObjectRef<Integer> b = kernel.task(Demo::add, a, 4).setMaxRetries(3).remote();
 *     int v = b.get();
 * }
 * }</pre>
 *
 * <p>One conductor owns all scheduling state; this class only validates, builds and offers commands to it, so every
 * method is thread-safe. The conductor runs on its own thread; a caller waiting in get runs its duty cycles while the
 * thread does not (one holder at a time), which on a machine with few cores saves the hand-offs a round trip would
 * otherwise wait for. A process may run several kernels.
 */
public final class Kernel extends TaskCalls implements AutoCloseable {
    private static final long QUERY_TIMEOUT_SECONDS = 30;
    /** How long close waits for an interrupted worker to stop: the close timeout, within these bounds. */
    private static final long INTERRUPT_GRACE_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long INTERRUPT_GRACE_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long[] NO_DEMAND = new long[0];

    private final KernelContext context;
    private final ResourceRegistry registry;
    final Cluster cluster;
    private final SchedulerConductor conductor;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final IdleStrategy callerIdle;
    /** Duty cycles (or spins, when there is nothing to do) a caller waiting in get helps the conductor with. */
    private static final int HELP_ROUNDS = 256;
    private final Thread owner;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<String, ActorState> namedActors = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, PlacementGroup> namedGroups = new ConcurrentHashMap<>();
    final long[] defaultTaskDemand;
    final StoredObjects objects;
    private final String defaultTaskInfeasible;
    private volatile boolean closed;
    final KernelJournal journal;
    private final AgentRunner journalRunner;
    private volatile Recovery recovery = Recovery.NONE;
    /** The worker processes isolated tasks and actors run in. */
    private final WorkerProcesses processes;
    /** The data directory's metadata store, or null. */
    private final MetadataStore metadata;
    /** What is kept across restarts and taken back at start. */
    private final KernelRestart restart;

    private Kernel(final KernelContext context, final Journal openJournal, final JournalReplay replay,
                   final MetadataStore metadata) {
        this.metadata = metadata;
        this.context = context;
        this.registry = new ResourceRegistry();
        this.restart = new KernelRestart(this, metadata, registry);
        for (final KernelContext.NodeSpec spec : context.nodes()) {
            for (final String resource : spec.resources().keySet()) {
                registry.register(resource);
            }
        }
        final List<LogicalNode> nodes = new ArrayList<>();
        for (final KernelContext.NodeSpec spec : context.nodes()) {
            nodes.add(new LogicalNode(nodes.size(), spec.nodeId(), spec.labels(), spec.resources(),
                spec.gpuMemoryByDevice(), registry));
        }
        this.cluster = new Cluster(registry, nodes, 0, context.seed());
        this.defaultTaskDemand = registry.demand(Map.of("CPU", 1.0));
        this.defaultTaskInfeasible = cluster.infeasibleReason(defaultTaskDemand);
        final ErrorHandler errors = Throwable::printStackTrace;
        final SchedulingPolicy policy = policy(context);  // may reject a plugin: before anything needs closing
        if (openJournal != null) {
            ids.set(replay.maxId());
            this.journal = new KernelJournal(openJournal, registry, defaultTaskDemand, replay.maxFunctionId() + 1,
                context.nanoClock(), metadata != null);
        } else {
            this.journal = null;
        }
        final ValueCodec codec = new ValueCodec(context.serializers());
        this.objects = context.objectStoreBytes() == 0 ? null : new StoredObjects(
            SharedObjectStore.create(context.objectStoreName(), context.objectStoreBytes()), codec,
            context.inlineThresholdBytes(), spillFiles(context, metadata, replay), context.spillThreshold());
        if (objects != null) {
            objects.kernel = this;
        }
        this.processes = new WorkerProcesses(objects == null ? null : objects.storeName(),
            context.inlineThresholdBytes(), context.workerClasspath(), context.workerJvmOptions(),
            context.workerProcesses());
        this.conductor = new SchedulerConductor(context, cluster, registry, policy, namedActors, objects, errors,
            journal, processes, codec);
        this.owner = Thread.currentThread();
        this.callerIdle = context.idleStrategy();
        final IdleStrategy idle = new ConductorIdleStrategy(context.defaultIdleStrategy() ? null : context.idleStrategy(),
            conductor);
        if (context.threadingMode() == ThreadingMode.INVOKER) {
            this.runner = null;
            this.invoker = new AgentInvoker(errors, null, conductor);
            this.invoker.start();
        } else {
            this.invoker = null;
            this.runner = new AgentRunner(idle, errors, null, conductor);
            AgentRunner.startOnThread(runner, r -> {
                final Thread t = new Thread(r, "kairos-conductor");
                t.setDaemon(true);
                conductor.thread = t;
                return t;
            });
        }
        this.journalRunner = journal == null ? null : new AgentRunner(
            new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1)),  // no spin: it must not take CPU from the work
            errors, null, journal);
    }

    /**
     * Starts a kernel (concluding the context: defaults filled, every field validated).
     *
     * @throws IllegalArgumentException for a bad context value, naming it
     */
    public static Kernel start(final KernelContext context) {
        context.conclude();
        Journal openJournal = null;
        MetadataStore metadata = null;
        try {
            JournalReplay replay = null;
            final long replayStart = System.nanoTime();
            if (context.dataDirectory() != null) {
                openJournal = context.journalProvider().open(context.dataDirectory().resolve("journal"),
                    context.journalOptions());
                replay = JournalReplay.read(openJournal);
                if (context.metadataProvider() != null) {
                    metadata = context.metadataProvider().open(context.dataDirectory().resolve("metadata"));
                }
            }
            final Kernel kernel = new Kernel(context, openJournal, replay, metadata);
            if (kernel.journal != null) {
                try {
                    kernel.recovery = kernel.restart.recover(replay, replayStart);
                } catch (final RuntimeException | Error e) {
                    kernel.close();
                    throw e;
                }
            }
            return kernel;
        } catch (final RuntimeException | Error e) {
            if (openJournal != null) {
                openJournal.close();
            }
            if (metadata != null) {
                metadata.close();
            }
            if (context.ownsGpuDevices()) {
                context.gpuDevices().close();
            }
            throw e;
        }
    }

    private static SpillFiles spillFiles(final KernelContext context, final MetadataStore metadata,
                                         final JournalReplay replay) {
        final java.util.function.LongPredicate ended = id -> replay != null && replay.finishedTask(id);
        if (context.spillDirectory() != null) {
            return new SpillFiles(context.spillDirectory(), metadata, false, ended);
        }
        if (context.dataDirectory() != null) {
            return new SpillFiles(context.dataDirectory().resolve("spill"), metadata, false, ended);
        }
        try {
            return new SpillFiles(java.nio.file.Files.createTempDirectory("kairos-spill-"), null, true, id -> false);
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException("no temporary directory for spilled objects: " + e.getMessage()
                + " (set KernelContext.spillDirectory)", e);
        }
    }

    /**
     * Lineage reconstruction: submits the task that made a lost object again (same function, arguments, resources
     * and retries; a new id) and waits for its value.
     */
    Object reexecute(final TaskSpec task) {
        final ObjectRef<Object> again = submitWithId(ids.incrementAndGet(), task.function, task.arity, task.args,
            task.explicitName(), task.maxRetries, task.retryExceptions, task.strategy, task.group, task.bundleIndex,
            task.demand, task.isolated);
        return again.get();
    }

    /** Starts the journal agent's thread (after recovery queued what it journals). */
    void startJournalAgent() {
        AgentRunner.startOnThread(journalRunner, r -> {
            final Thread t = new Thread(r, "kairos-journal");
            t.setDaemon(true);
            return t;
        });
    }

    /** The pids of the kernel's worker processes (idle, running a task or hosting an actor). */
    public List<Long> workerProcessIds() {
        return processes.pids();
    }

    /** What object spilling did so far (all zero without an object store). */
    public SpillStats spillStats() {
        return objects == null ? new SpillStats(0, 0, 0, 0, 0, 0, 0, 0) : objects.spillStats();
    }

    /**
     * The kernel's durable key-value store, in the data directory's metadata store.
     *
     * @throws IllegalStateException if the kernel has no metadata store
     */
    public KeyValueStore kv() {
        ensureOpen();
        if (metadata == null) {
            throw new IllegalStateException("the kernel has no metadata store: set KernelContext.dataDirectory and put "
                + "a metadata plugin (kairos-metadata-lmdb) on the class path, or give one with metadata(provider)");
        }
        return new KeyValueStore(metadata, "");
    }

    /**
     * What the kernel found in its journal when it started: the tasks it submitted again and their results. Empty
     * without a data directory or on a new one.
     */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Waits until every task submitted (and every transition made) before this call is in the journal, so that a
     * crash from now on cannot lose it.
     *
     * @throws IllegalStateException if the kernel has no data directory
     * @throws GetTimeoutException   if the journal did not catch up within the timeout
     */
    public void syncJournal(final Duration timeout) {
        ensureOpen();
        if (journal == null) {
            throw new IllegalStateException("the kernel has no journal: set KernelContext.dataDirectory");
        }
        final long target = onConductor(journal::offered);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (journal.appended() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new GetTimeoutException("the journal appended " + journal.appended() + " of " + target
                    + " records within " + timeout);
            }
            if (drivesConductor()) {
                invoker.invoke();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
    }

    private static SchedulingPolicy policy(final KernelContext context) {
        final Map<SchedulingStrategy.Kind, SchedulingPolicy> overrides = new EnumMap<>(SchedulingStrategy.Kind.class);
        overrides.put(SchedulingStrategy.Kind.DEFAULT, new HybridSchedulingPolicy(context.spreadThreshold(), 0.2));
        for (final SchedulingPolicy p : context.schedulingPolicies()) {
            overrides.put(p.kind(), p);
        }
        return new CompositeSchedulingPolicy(overrides);
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks

    @Override
    <R> TaskCaller<R> newTask(final Object function, final int arity, final Object[] args) {
        if (function == null) {
            throw new IllegalArgumentException("function is null");
        }
        checkArgs(args, arity);
        return new TaskCaller<>(this, function, arity, args);
    }

    <R> ObjectRef<R> submit(final Object function, final int arity, final Object[] args, final String name,
                            final Map<String, Double> resources, final int maxRetries, final boolean retryExceptions,
                            final SchedulingStrategy strategy, final PlacementGroup group, final int bundleIndex,
                            final Boolean isolated) {
        ensureOpen();
        final long[] demand;
        if (resources == null) {
            if (defaultTaskInfeasible != null) {
                throw new UnschedulableException("task '" + nameOf(name, function) + "': " + defaultTaskInfeasible);
            }
            demand = defaultTaskDemand;
        } else {
            demand = registry.demand(resources);
            final String infeasible = cluster.infeasibleReason(demand);
            if (infeasible != null) {
                throw new UnschedulableException("task '" + nameOf(name, function) + "': " + infeasible);
            }
        }
        return submitWithId(ids.incrementAndGet(), function, arity, args, name, maxRetries, retryExceptions, strategy,
            group, bundleIndex, demand, isolated != null ? isolated : context.isolated());
    }

    /** Builds and offers a task with this id and its demand in fixed point (validated by the caller). */
    <R> ObjectRef<R> submitWithId(final long id, final Object function, final int arity, final Object[] args,
                                  final String name, final int maxRetries, final boolean retryExceptions,
                                  final SchedulingStrategy strategy, final PlacementGroup group, final int bundleIndex,
                                  final long[] demand, final boolean isolated) {
        final ObjectRef<R> result = new ObjectRef<>(id, this);
        final TaskSpec task = new TaskSpec(name, function, arity, args, demand, strategy, maxRetries,
            retryExceptions, result);
        if (group != null) {
            checkBundle(group, bundleIndex, demand, "task '" + nameOf(name, function) + "'");
            task.group = group;
            task.bundleIndex = bundleIndex;
        }
        task.isolated = isolated;
        offer(task);
        return result;
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors

    @Override
    <A> ActorCreator<A> newActor(final Object constructor, final int arity, final Object[] args) {
        if (constructor == null) {
            throw new IllegalArgumentException("constructor is null");
        }
        checkArgs(args, arity);
        return new ActorCreator<>(this, constructor, arity, args);
    }

    @SuppressWarnings("unchecked")
    <A> ActorHandle<A> createActor(final Object constructor, final int arity, final Object[] args, final String name,
                                   final Map<String, Double> resources, final int maxConcurrency, final int maxRestarts,
                                   final int maxPendingCalls, final SchedulingStrategy strategy,
                                   final PlacementGroup group, final int bundleIndex, final Boolean isolatedOption) {
        ensureOpen();
        final boolean isolated = isolatedOption != null ? isolatedOption : context.isolated();
        if (isolated && maxConcurrency != 1) {
            throw new IllegalArgumentException("an isolated actor runs one call at a time: maxConcurrency must be 1, was "
                + maxConcurrency);
        }
        final long[] demand = registry.demand(resources != null ? resources : Map.of());
        final String infeasible = cluster.infeasibleReason(demand);
        final long id = ids.incrementAndGet();
        final ActorState actor = new ActorState(id, name, className(constructor), maxConcurrency, maxRestarts,
            maxPendingCalls);
        if (infeasible != null) {
            throw new UnschedulableException(actor.describe() + ": " + infeasible);
        }
        if (group != null) {
            checkBundle(group, bundleIndex, demand, actor.describe());
        }
        if (name != null && namedActors.putIfAbsent(name, actor) != null) {
            throw new IllegalArgumentException("actor name '" + name + "' is taken");
        }
        if (name != null && restart.keeps() && group == null && strategy.kind() == SchedulingStrategy.Kind.DEFAULT) {
            try {
                restart.keepActor(actor, constructor, arity, args, resources == null ? null : demand, isolated);
            } catch (final RuntimeException e) {
                namedActors.remove(name, actor);
                throw e;
            }
        }
        final TaskSpec creation = new TaskSpec(actor.describe() + " constructor", constructor, arity, args, demand,
            strategy, 0, false, new ObjectState(id), TaskSpec.Kind.ACTOR_CREATION, actor);
        actor.creation = creation;
        creation.isolated = isolated;
        creation.group = group;
        creation.bundleIndex = bundleIndex;
        offer(creation);
        return new ActorHandle<>(this, actor);
    }

    <R> ObjectRef<R> submitActorCall(final ActorState actor, final Object method, final int arity, final Object[] args,
                                     final String name) {
        ensureOpen();
        checkArgs(args, arity);
        if (actor.maxPendingCalls > 0 && actor.pendingCalls.incrementAndGet() > actor.maxPendingCalls) {
            actor.pendingCalls.decrementAndGet();
            throw new PendingCallsLimitExceededException(actor.describe() + " has " + actor.maxPendingCalls
                + " pending calls, its maxPendingCalls");
        } else if (actor.maxPendingCalls <= 0) {
            actor.pendingCalls.incrementAndGet();
        }
        final long id = ids.incrementAndGet();
        final ObjectRef<R> result = new ObjectRef<>(id, this);
        offer(new TaskSpec(name, method, arity, args, NO_DEMAND, SchedulingStrategy.DEFAULT, 0, false, result,
            TaskSpec.Kind.ACTOR_CALL, actor));
        return result;
    }

    /** The live actor of that name, if any. */
    @SuppressWarnings("unchecked")
    public <A> Optional<ActorHandle<A>> getActor(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        final ActorState actor = namedActors.get(name);
        return actor == null || actor.status == ActorState.Status.DEAD
            ? Optional.empty() : Optional.of(new ActorHandle<>(this, actor));
    }

    /**
     * Kills an actor: its running calls are interrupted and fail, and it is restarted if it has restarts left and
     * noRestart is false; otherwise it is dead and its queued calls fail with {@link ActorDiedException}.
     */
    public void kill(final ActorHandle<?> handle, final boolean noRestart) {
        if (handle == null) {
            throw new IllegalArgumentException("handle is null");
        }
        ensureOpen();
        offer(new SchedulerConductor.KillCommand(handle.state, noRestart));
    }

    private static String nameOf(final String name, final Object function) {
        return name != null ? name : FunctionNames.taskName(function);
    }

    private static String className(final Object constructor) {
        return FunctionNames.className(constructor);
    }

    private void checkArgs(final Object[] args, final int arity) {
        for (int i = 0; i < arity; i++) {
            if (args[i] instanceof ObjectRef && ((ObjectRef<?>) args[i]).kernel() != this) {
                throw new IllegalArgumentException("argument " + i + " is an ObjectRef of another kernel");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups

    /**
     * The live placement group of that name, if any (named groups are kept across restarts with a metadata store).
     */
    public Optional<PlacementGroup> getPlacementGroup(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        return Optional.ofNullable(namedGroups.get(name));
    }

    /** Reserves bundles of resources by strategy; see {@link PlacementGroup}. */
    public PlacementGroup createPlacementGroup(final List<Map<String, Double>> bundles, final PlacementStrategy strategy) {
        return createPlacementGroup(null, bundles, strategy);
    }

    /**
     * Reserves bundles of resources by strategy, asynchronously: {@link PlacementGroup#ready} waits for it. A named
     * group ({@link #getPlacementGroup}) is created again after a restart when the kernel has a metadata store, and so
     * are the tasks queued in it.
     *
     * @throws IllegalArgumentException if the name is taken by a group that has not failed; for an empty bundle list,
     *                                  an empty bundle, an unknown resource or more than 1,000 bundles (the message
     *                                  names the bundle and the limit)
     */
    public PlacementGroup createPlacementGroup(final String name, final List<Map<String, Double>> bundles,
                                               final PlacementStrategy strategy) {
        ensureOpen();
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is null");
        }
        final long id = ids.incrementAndGet();
        final PlacementGroup group = new PlacementGroup(this,
            PlacementGroupState.create(id, name, strategy, bundles, registry), new ObjectState(id));
        if (!group.name().isEmpty()) {
            final PlacementGroup existing = namedGroups.putIfAbsent(group.name(), group);
            if (existing != null && !(existing.readiness.status() == ObjectState.FAILED  // failed: its name is free
                && namedGroups.replace(group.name(), existing, group))) {
                throw new IllegalArgumentException("placement group name '" + group.name() + "' is taken");
            }
            if (restart.keeps()) {
                restart.keepGroup(group, bundles);
            }
        }
        offer(new SchedulerConductor.PlacementGroupCommand(group, true));
        return group;
    }

    /**
     * Removes a placement group: tasks queued for it fail, its actors are killed, and its resources return to
     * their nodes once the tasks running in it finish.
     */
    public void removePlacementGroup(final PlacementGroup group) {
        if (group == null) {
            throw new IllegalArgumentException("placement group is null");
        }
        if (group.kernel != this) {
            throw new IllegalArgumentException("placement group " + group.id() + " belongs to another kernel");
        }
        ensureOpen();
        if (!group.name().isEmpty() && namedGroups.remove(group.name(), group) && restart.keeps()) {
            restart.forgetGroup(group.name());
        }
        offer(new SchedulerConductor.PlacementGroupCommand(group, false));
    }

    void checkBundle(final PlacementGroup group, final int bundleIndex, final long[] demand, final String who) {
        if (group.kernel != this) {
            throw new IllegalArgumentException(who + ": placement group " + group.id() + " belongs to another kernel");
        }
        final int from = bundleIndex < 0 ? 0 : bundleIndex;
        final int to = bundleIndex < 0 ? group.bundleCount() - 1 : bundleIndex;
        String reason = null;
        for (int b = from; b <= to; b++) {
            reason = exceeds(demand, group.state.bundleDemand(b), b);
            if (reason == null) {
                return;
            }
        }
        throw new UnschedulableException(who + ": " + (bundleIndex < 0 ? "no bundle of placement group " + group.id()
            + " can hold it; e.g. " : "") + reason);
    }

    private String exceeds(final long[] demand, final long[] bundle, final int index) {
        for (int r = 0; r < demand.length; r++) {
            final long held = r < bundle.length ? bundle[r] : 0;
            if (demand[r] > held) {
                return "bundle " + index + " holds " + registry.name(r) + " " + ResourceRegistry.format(held)
                    + ", asked for " + ResourceRegistry.format(demand[r]);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // objects

    /** Stores a value and returns its ref, ready at once. */
    public <T> ObjectRef<T> put(final T value) {
        ensureOpen();
        final ObjectRef<T> ref = new ObjectRef<>(ids.incrementAndGet(), this);
        ref.complete(value, objects);
        return ref;
    }

    /**
     * The shared object store's counters, or null when the kernel runs without one; large objects live there,
     * readable by any process that attaches to {@link #objectStoreName()}.
     */
    public StoreStats objectStoreStats() {
        return objects == null ? null : objects.stats();
    }

    /** The shared object store's name (attach with SharedObjectStore.attach), or null without a store. */
    public String objectStoreName() {
        return objects == null ? null : objects.storeName();
    }

    /** The values of refs, in order, waiting as long as it takes. */
    public <T> List<T> get(final List<ObjectRef<T>> refs) {
        final List<T> values = new ArrayList<>(checkRefs(refs).size());
        for (final ObjectRef<T> ref : refs) {
            values.add(ref.get());
        }
        return values;
    }

    /** The values of refs, in order, all within timeout. */
    public <T> List<T> get(final List<ObjectRef<T>> refs, final Duration timeout) {
        final long deadline = deadline(timeout, "timeout");
        final List<T> values = new ArrayList<>(checkRefs(refs).size());
        for (final ObjectRef<T> ref : refs) {
            final long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            values.add(ref.get(Duration.ofNanos(Math.max(0, remaining))));
        }
        return values;
    }

    /**
     * Waits until numReturns of refs are done or timeout passes, then says which are ready, as Ray's
     * {@code ray.wait}: ready holds at most numReturns refs, in the order given.
     */
    public <T> WaitResult<T> wait(final List<ObjectRef<T>> refs, final int numReturns, final Duration timeout) {
        checkRefs(refs);
        if (numReturns < 0 || numReturns > refs.size()) {
            throw new IllegalArgumentException("numReturns " + numReturns + " is outside 0.." + refs.size());
        }
        final long deadline = deadline(timeout, "timeout");
        for (int round = 0; ; round++) {
            int done = 0;
            ObjectRef<T> firstPending = null;
            for (final ObjectRef<T> ref : refs) {
                if (ref.isReady()) {
                    done++;
                } else if (firstPending == null) {
                    firstPending = ref;
                }
            }
            if (done >= numReturns || firstPending == null || System.nanoTime() - deadline >= 0) {
                break;
            }
            // Wait on the first pending ref for a bounded slice, then look at them all again.
            final long slice = Math.min(deadline - System.nanoTime(), TimeUnit.MICROSECONDS.toNanos(Math.min(1000, 10L << Math.min(round, 6))));
            awaitDone(firstPending.state(), System.nanoTime() + Math.max(0, slice));
        }
        final List<ObjectRef<T>> ready = new ArrayList<>(Math.min(numReturns, refs.size()));
        final List<ObjectRef<T>> unready = new ArrayList<>(refs.size());
        for (final ObjectRef<T> ref : refs) {
            if (ready.size() < numReturns && ref.isReady()) {
                ready.add(ref);
            } else {
                unready.add(ref);
            }
        }
        return new WaitResult<>(ready, unready);
    }

    /**
     * Cancels the task producing ref: a queued or waiting task is removed and its ref fails with
     * {@link TaskCancelledException}; a running one is interrupted, and with force its ref fails at once whatever
     * the task then does. Cancelling a done or put object does nothing.
     */
    public void cancel(final ObjectRef<?> ref, final boolean force) {
        if (ref == null) {
            throw new IllegalArgumentException("ref is null");
        }
        if (ref.kernel() != this) {
            throw new IllegalArgumentException("ref belongs to another kernel");
        }
        ensureOpen();
        offer(new SchedulerConductor.CancelCommand(ref.state(), force));
    }

    /** Each logical node's total and available resources, read on the conductor (a consistent snapshot). */
    public List<NodeInfo> resources() {
        ensureOpen();
        return onConductor(() -> {
            final List<NodeInfo> infos = new ArrayList<>();
            for (int i = 0; i < cluster.nodeCount(); i++) {
                final LogicalNode node = cluster.logicalNode(i);
                infos.add(new NodeInfo(node.nodeId(), node.labels(), node.totals(), node.available(),
                    conductor.workerCount(i)));
            }
            return infos;
        });
    }

    /** The conductor's invoker, to drive it from the embedder's thread in {@link ThreadingMode#INVOKER}. */
    public AgentInvoker invoker() {
        if (invoker == null) {
            throw new IllegalStateException("invoker() is for ThreadingMode.INVOKER; this kernel runs "
                + context.threadingMode());
        }
        return invoker;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes: no new work is taken, queued and waiting tasks are cancelled, running tasks get the close timeout to
     * finish and are then interrupted, every thread is stopped. A task that ignores the interrupt keeps its thread
     * (a daemon) but its result fails with {@link KernelClosedException}, so no caller waits for it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final List<Worker> workers = onConductor(conductor::close);
        for (final Worker worker : workers) {
            worker.stop();
        }
        processes.close();  // a worker thread waiting on a process sees it end
        final long deadline = System.nanoTime() + context.closeTimeout().toNanos();
        for (final Worker worker : workers) {
            joinDriving(worker.thread, deadline);
            if (worker.thread.isAlive()) {
                worker.thread.interrupt();
                joinDriving(worker.thread, System.nanoTime() + Math.max(INTERRUPT_GRACE_MIN_NANOS,
                    Math.min(INTERRUPT_GRACE_MAX_NANOS, context.closeTimeout().toNanos())));
            }
            final TaskSpec stuck = worker.running;
            if (worker.thread.isAlive() && stuck != null) {  // it ignores interrupts: its callers must not wait forever
                stuck.result.fail(new KernelClosedException("the kernel closed while task '" + stuck.name()
                    + "' ran; its worker thread " + worker.thread.getName() + " did not stop when interrupted"));
            }
        }
        if (runner != null) {
            runner.close();
        } else {
            invoker.invoke();
            invoker.close();
        }
        if (journalRunner != null) {
            journalRunner.close();  // appends what is left and closes the journal (on this thread if never started)
        }
        if (metadata != null) {
            metadata.close();
        }
        if (objects != null) {
            objects.close();
        }
        if (context.ownsGpuDevices()) {
            context.gpuDevices().close();
        }
    }

    @Override
    public String toString() {
        return "Kernel{" + context.threadingMode() + ", nodes=" + cluster.nodeCount() + (closed ? ", closed" : "") + '}';
    }

    // ------------------------------------------------------------------------------------------------------------
    // internals shared with ObjectRef and the conductor

    /** Waits for state to be done; inside a task the task's CPU is given back meanwhile. Returns the status. */
    int awaitDone(final ObjectState state, final long deadlineNanos) {
        final Worker worker = Worker.current();
        final TaskSpec task = worker != null ? worker.running : null;
        if (task != null) {
            conductor.offerFromWorker(new Worker.WorkerEvent(task, true));
        }
        try {
            if (drivesConductor()) {
                callerIdle.reset();
                while (!state.isDone() && (deadlineNanos == Long.MAX_VALUE || deadlineNanos - System.nanoTime() > 0)) {
                    callerIdle.idle(invoker.invoke());
                }
                return state.status();
            }
            final TaskSpec producer = state.producer;
            if (task == null && runner != null && !closed && producer != null) {
                // while the conductor has not taken the task yet, take and dispatch it here rather than wait for the
                // conductor's thread; once it has, helping would only move the conductor's state between cores.
                // producer.state is the conductor's: read racily here, a stale null costs one idle help cycle
                for (int i = 0; i < HELP_ROUNDS && producer.state == null; i++) {
                    if (conductor.help() == 0) {
                        if (deadlineNanos != Long.MAX_VALUE && deadlineNanos - System.nanoTime() <= 0) {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                }
            }
            return state.parkUntilDone(deadlineNanos);
        } finally {
            if (task != null) {
                conductor.offerFromWorker(new Worker.WorkerEvent(task, false));
            }
        }
    }

    /** A deadline on System.nanoTime() for timeout; Long.MAX_VALUE when it is too far to matter. */
    static long deadline(final Duration timeout, final String field) {
        if (timeout == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(field + " " + timeout + " is negative");
        }
        final long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        final long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - Math.max(0, now) - 1 ? Long.MAX_VALUE : now + nanos;
    }

    private boolean drivesConductor() {
        return invoker != null && Thread.currentThread() == owner;
    }

    private void offer(final Object command) {
        while (!conductor.offer(command)) {
            if (drivesConductor()) {
                invoker.invoke();
            } else {
                Thread.onSpinWait();
            }
            ensureOpen();
        }
    }

    private <T> T onConductor(final Supplier<T> query) {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Runnable command = () -> {
            try {
                future.complete(query.get());
            } catch (final Throwable t) {
                future.completeExceptionally(t);
            }
        };
        while (!conductor.offer(command)) {
            if (drivesConductor()) {
                invoker.invoke();
            } else {
                Thread.onSpinWait();
            }
        }
        try {
            if (drivesConductor()) {
                while (!future.isDone()) {
                    invoker.invoke();
                }
            }
            return future.get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new KairosException("the conductor did not answer within " + QUERY_TIMEOUT_SECONDS + " s", e);
        }
    }

    private void joinDriving(final Thread thread, final long deadlineNanos) {
        while (thread.isAlive() && deadlineNanos - System.nanoTime() > 0) {
            if (drivesConductor()) {
                invoker.invoke();
                Thread.onSpinWait();
            } else {
                try {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private <T> List<ObjectRef<T>> checkRefs(final List<ObjectRef<T>> refs) {
        if (refs == null) {
            throw new IllegalArgumentException("refs is null");
        }
        for (int i = 0; i < refs.size(); i++) {
            final ObjectRef<T> ref = refs.get(i);
            if (ref == null) {
                throw new IllegalArgumentException("refs[" + i + "] is null");
            }
            if (ref.kernel() != this) {
                throw new IllegalArgumentException("refs[" + i + "] belongs to another kernel");
            }
        }
        return refs;
    }

    private void ensureOpen() {
        if (closed) {
            throw new KernelClosedException("the kernel is closed");
        }
    }

    /** Wraps the configured idle strategy so that a submitter can wake a parked conductor. */
    /**
     * The conductor's idle strategy: tells callers and workers when the conductor parks, so that they unpark it only
     * then. By default it spins (pausing between polls), yields, then parks from 1 us doubling to 1 ms (as Agrona's
     * backoff) and raises the flag in the park phase only; around a strategy set by the embedder it raises the flag on
     * every idle call.
     */
    private static final class ConductorIdleStrategy implements IdleStrategy {
        private static final int SPINS = 64;
        /**
         * CPU pauses per spin: an empty queue polled in a tight loop takes the cache line of the slot the next
         * submission is written to away from its producer on every poll; pausing between polls kept whole JMH forks
         * out of a mode at a third of the throughput (tasks_async forks 1.3-6.0 M/s before, 3.7-5.3 M/s after).
         */
        private static final int PAUSES = 16;
        private static final int YIELDS = 16;
        private static final long MIN_PARK_NS = 1_000;
        private static final long MAX_PARK_NS = 1_000_000;

        private final IdleStrategy delegate;
        private final SchedulerConductor conductor;
        private int idles;
        private long parkNs = MIN_PARK_NS;

        /** @param delegate the embedder's strategy, or null for the default backoff */
        ConductorIdleStrategy(final IdleStrategy delegate, final SchedulerConductor conductor) {
            this.delegate = delegate;
            this.conductor = conductor;
        }

        @Override
        public void idle(final int workCount) {
            if (workCount > 0) {
                reset();
                return;
            }
            idle();
        }

        @Override
        public void idle() {
            if (delegate != null) {
                conductor.sleeping(true);
                if (!conductor.hasCommands()) {
                    delegate.idle(0);
                }
                conductor.sleeping(false);
                return;
            }
            if (idles < SPINS) {
                idles++;
                for (int k = 0; k < PAUSES; k++) {
                    Thread.onSpinWait();
                }
            } else if (idles < SPINS + YIELDS) {
                idles++;
                Thread.yield();
            } else {
                conductor.sleeping(true);
                if (!conductor.hasCommands()) {
                    LockSupport.parkNanos(parkNs);
                    parkNs = Math.min(parkNs << 1, MAX_PARK_NS);
                }
                conductor.sleeping(false);
            }
        }

        @Override
        public void reset() {
            if (delegate != null) {
                delegate.reset();
            }
            idles = 0;
            parkNs = MIN_PARK_NS;
        }
    }
}
