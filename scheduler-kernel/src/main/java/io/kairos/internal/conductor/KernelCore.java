package io.kairos.internal.conductor;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.PendingCallsLimitExceededException;
import io.kairos.exception.UnschedulableException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.placement.PlacementGroupState;
import io.kairos.internal.worker.FunctionNames;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.metadata.MetadataStore;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The kernel's machinery behind the public {@code Kernel}: it builds tasks, actors and placement groups, offers them
 * to the {@link SchedulerConductor}, waits for objects (a waiting caller helps the conductor when it can), answers
 * queries on the conductor's thread, and closes. Every method is thread-safe; the public API validates its arguments
 * before it calls here.
 */
public final class KernelCore {
    /** How long close waits for an interrupted worker to stop: the close timeout, within these bounds. */
    private static final long INTERRUPT_GRACE_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long INTERRUPT_GRACE_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Duty cycles (or spins, when there is nothing to do) a caller waiting in get helps the conductor with. */
    private static final int HELP_ROUNDS = 256;
    static final long[] NO_DEMAND = new long[0];

    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final SchedulerConductor conductor;
    /** The way into the conductor's command queue. */
    private final ConductorQueue queue;
    private final StoredObjects objects;
    /** Makes the kernel's objects (the public ObjectRefs). */
    private final ObjectFactory factory;
    private final KernelJournal journal;
    private final WorkerProcesses processes;
    private final KernelRestart restart;
    private final long[] defaultTaskDemand;
    /** The transport that joins this kernel to a cluster of kernels, or null. */
    private ClusterTransport clusterTransport;
    private String defaultTaskInfeasible;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<String, ActorState> namedActors;
    private final ConcurrentHashMap<String, GroupState> namedGroups = new ConcurrentHashMap<>();
    private AgentRunner runner;
    private AgentInvoker invoker;
    private AgentRunner journalRunner;
    private Thread owner;
    private IdleStrategy callerIdle;
    private volatile boolean closed;

    /**
     * @param objects the store's objects, or null without a store
     * @param journal where transitions are journaled, or null without a data directory
     * @param metadata the data directory's metadata store, or null (named actors and groups are not kept then)
     * @param firstId  the ids of this kernel's objects, tasks, actors and groups follow it
     * @param factory  makes the kernel's objects
     */
    public KernelCore(final Cluster cluster, final ResourceRegistry registry, final SchedulerConductor conductor,
                      final ConcurrentHashMap<String, ActorState> namedActors, final StoredObjects objects,
                      final KernelJournal journal, final WorkerProcesses processes, final MetadataStore metadata,
                      final long firstId, final ObjectFactory factory) {
        this.factory = factory;
        this.cluster = cluster;
        this.registry = registry;
        this.conductor = conductor;
        this.namedActors = namedActors;
        this.objects = objects;
        this.journal = journal;
        this.processes = processes;
        this.ids.set(firstId);
        this.defaultTaskDemand = registry.demand(Map.of("CPU", 1.0));
        this.defaultTaskInfeasible = cluster.infeasibleReason(defaultTaskDemand);
        this.restart = new KernelRestart(this, metadata, registry);
        this.queue = new ConductorQueue(this, conductor, conductor.commandQueue().capacity());
    }

    /**
     * Sets how the conductor runs: on its runner's thread, or driven by the owner thread through the invoker
     * (INVOKER mode); the journal's agent, or null; and how long a caller waits for room in a full command queue.
     */
    public void runWith(final AgentRunner runner, final AgentInvoker invoker, final Thread owner,
                        final IdleStrategy callerIdle, final AgentRunner journalRunner, final Duration queueTimeout) {
        queue.timeout(queueTimeout.toNanos());
        this.runner = runner;
        this.invoker = invoker;
        this.owner = owner;
        this.callerIdle = callerIdle;
        this.journalRunner = journalRunner;
    }

    public SchedulerConductor conductor() {
        return conductor;
    }

    public Cluster cluster() {
        return cluster;
    }

    /** The store's objects, or null without a store. */
    public StoredObjects objects() {
        return objects;
    }

    public WorkerProcesses processes() {
        return processes;
    }

    public KernelRestart restart() {
        return restart;
    }

    public boolean isClosed() {
        return closed;
    }

    public void ensureOpen() {
        if (closed) {
            throw new KernelClosedException("the kernel is closed");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks and objects

    /** A new object, done at once with value (stored when it is large). */
    public ObjectState put(final Object value) {
        ensureOpen();
        final ObjectState state = factory.create(ids.incrementAndGet(), this);
        state.complete(value, objects);
        return state;
    }

    /** Publishes an object written in place into the store (sealed here): a put without a copy. */
    public ObjectState putStored(final StoredObjects.Incoming incoming) {
        ensureOpen();
        final long id = ids.incrementAndGet();
        final ObjectState state = factory.create(id, this);
        state.completeStored(objects.seal(incoming, id));
        return state;
    }

    /**
     * Submits a task; resources null asks for the default (1 CPU).
     *
     * @throws UnschedulableException if no node can ever hold its resources
     */
    public ObjectState submit(final Object function, final int arity, final Object[] args, final String name,
                              final Map<String, Double> resources, final int maxRetries, final boolean retryExceptions,
                              final SchedulingStrategy strategy, final GroupState group, final int bundleIndex,
                              final boolean isolated) {
        ensureOpen();
        final long[] demand;
        if (resources == null) {
            // a cluster member that joins later may fit it: asked again only while no node does (a benign race)
            if (defaultTaskInfeasible != null
                && (defaultTaskInfeasible = cluster.infeasibleReason(defaultTaskDemand)) != null) {
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
            group, bundleIndex, demand, isolated);
    }

    /** Builds and offers a task with this id and its demand in fixed point (validated by the caller). */
    ObjectState submitWithId(final long id, final Object function, final int arity, final Object[] args,
                             final String name, final int maxRetries, final boolean retryExceptions,
                             final SchedulingStrategy strategy, final GroupState group, final int bundleIndex,
                             final long[] demand, final boolean isolated) {
        final ObjectState result = factory.create(id, this);
        final TaskSpec task = new TaskSpec(name, function, arity, args, demand, strategy, maxRetries,
            retryExceptions, result);
        if (group != null) {
            group.checkBundle(this, bundleIndex, demand, "task '" + nameOf(name, function) + "'");
            task.group = group;
            task.bundleIndex = bundleIndex;
        }
        task.isolated = isolated;
        offer(task);
        return result;
    }

    /**
     * Lineage reconstruction: submits the task that made a lost object again (same function, arguments, resources
     * and retries; a new id) and returns its result, without waiting for it.
     */
    ObjectState reexecute(final TaskSpec task) {
        ensureOpen();
        return submitWithId(ids.incrementAndGet(), task.function, task.arity, task.args, task.explicitName(),
            task.maxRetries, task.retryExceptions, task.strategy, task.group, task.bundleIndex, task.demand,
            task.isolated);
    }

    /** Cancels the task producing target (see the public Kernel.cancel). */
    public void cancel(final ObjectState target, final boolean force) {
        ensureOpen();
        offer(new SchedulerConductor.CancelCommand(target, force));
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors

    /**
     * Creates an actor: its constructor runs as the actor's first task.
     *
     * @throws UnschedulableException   if no node (or bundle) can hold its resources
     * @throws IllegalArgumentException if its name is taken, or it is isolated with a concurrency above 1
     */
    public ActorState createActor(final Object constructor, final int arity, final Object[] args, final String name,
                                  final Map<String, Double> resources, final int maxConcurrency, final int maxRestarts,
                                  final int maxPendingCalls, final SchedulingStrategy strategy, final GroupState group,
                                  final int bundleIndex, final boolean isolated, final ActorOptions options) {
        ensureOpen();
        final boolean python = constructor instanceof io.kairos.internal.worker.PythonFunction;
        if (isolated && maxConcurrency != 1 && !python) {  // a Python worker runs an actor's calls on threads
            throw new IllegalArgumentException("an isolated actor runs one call at a time: maxConcurrency must be 1, was "
                + maxConcurrency);
        }
        final long[] demand = registry.demand(resources != null ? resources : Map.of());
        // a cluster member places actors on any member (those of a placement group in its bundles, on any member)
        final String infeasible = clusterTransport != null ? cluster.infeasibleReason(demand)
            : cluster.infeasibleLocally(demand);
        final long id = ids.incrementAndGet();
        final ActorState actor = new ActorState(id, name, FunctionNames.className(constructor), maxConcurrency,
            maxRestarts, maxPendingCalls);
        actor.configure(options, isolated);
        actor.python(python);
        if (infeasible != null) {
            throw new UnschedulableException(actor.describe() + ": " + infeasible);
        }
        if (group != null) {
            group.checkBundle(this, bundleIndex, demand, actor.describe());
        }
        if (name != null && namedActors.putIfAbsent(name, actor) != null) {
            throw new IllegalArgumentException("actor name '" + name + "' is taken");
        }
        if (name != null && clusterTransport != null) {
            ClusterActors.claim(clusterTransport, name, actor, namedActors);
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
            strategy, 0, false, factory.create(id, this), TaskSpec.Kind.ACTOR_CREATION, actor);
        actor.creation = creation;
        creation.isolated = isolated;
        creation.group = group;
        creation.bundleIndex = bundleIndex;
        offer(creation);
        return actor;
    }

    /**
     * Submits a call of an actor's method; name null names it after the actor when a name is needed (errors).
     *
     * @throws PendingCallsLimitExceededException if the actor has its maximum of pending calls
     */
    public ObjectState submitActorCall(final ActorState actor, final Object method, final int arity,
                                       final Object[] args, final String name, final int concurrencyGroup) {
        ensureOpen();
        if (actor.maxPendingCalls > 0 && actor.pendingCalls.incrementAndGet() > actor.maxPendingCalls) {
            actor.pendingCalls.decrementAndGet();
            throw new PendingCallsLimitExceededException(actor.describe() + " has " + actor.maxPendingCalls
                + " pending calls, its maxPendingCalls");
        } else if (actor.maxPendingCalls <= 0) {
            actor.pendingCalls.incrementAndGet();
        }
        final ObjectState result = factory.create(ids.incrementAndGet(), this);
        final TaskSpec call = new TaskSpec(name, method, arity, args, NO_DEMAND, SchedulingStrategy.DEFAULT, 0, false,
            result, TaskSpec.Kind.ACTOR_CALL, actor);
        call.concurrencyGroup = (short) concurrencyGroup;
        offer(call);
        return result;
    }

    /** The live actor of that name, or null; a cluster member also asks the cluster. */
    public ActorState namedActor(final String name) {
        final ActorState actor = namedActors.get(name);
        if (actor != null && actor.status != ActorState.Status.DEAD) {
            return actor;
        }
        return clusterTransport == null ? null
            : ClusterActors.lookUp(this, clusterTransport, name, actor, namedActors);
    }

    public void kill(final ActorState actor, final boolean noRestart) {
        ensureOpen();
        offer(new SchedulerConductor.KillCommand(actor, noRestart));
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups

    /** The live placement group of that name, or null. */
    public GroupState namedGroup(final String name) {
        return namedGroups.get(name);
    }

    /**
     * Reserves bundles by strategy, asynchronously (see the public Kernel.createPlacementGroup).
     *
     * @throws IllegalArgumentException if the name is taken by a group that has not failed, or for bad bundles
     */
    public GroupState createGroup(final String name, final List<Map<String, Double>> bundles,
                                  final PlacementStrategy strategy) {
        ensureOpen();
        final long id = ids.incrementAndGet();
        final GroupState group = new GroupState(this, PlacementGroupState.create(id, name, strategy, bundles, registry),
            factory.create(id, this));
        final String groupName = group.state.name();
        if (!groupName.isEmpty()) {
            final GroupState existing = namedGroups.putIfAbsent(groupName, group);
            if (existing != null && !(existing.readiness.status() == ObjectState.FAILED  // failed: its name is free
                && namedGroups.replace(groupName, existing, group))) {
                throw new IllegalArgumentException("placement group name '" + groupName + "' is taken");
            }
            if (restart.keeps()) {
                restart.keepGroup(group, bundles);
            }
        }
        offer(new SchedulerConductor.PlacementGroupCommand(group, true));
        return group;
    }

    public void removeGroup(final GroupState group) {
        ensureOpen();
        final String name = group.state.name();
        if (!name.isEmpty() && namedGroups.remove(name, group) && restart.keeps()) {
            restart.forgetGroup(name);
        }
        offer(new SchedulerConductor.PlacementGroupCommand(group, false));
    }

    /** A new object of this kernel with that id, not done. */
    ObjectState newObject(final long id) {
        return factory.create(id, this);
    }

    String registryName(final int resource) {
        return registry.name(resource);
    }

    long[] defaultTaskDemand() {
        return defaultTaskDemand;
    }

    private static String nameOf(final String name, final Object function) {
        return name != null ? name : FunctionNames.taskName(function);
    }

    // ------------------------------------------------------------------------------------------------------------
    // journal

    /** Starts the journal agent's thread (after recovery queued what it journals). */
    void startJournalAgent() {
        AgentRunner.startOnThread(journalRunner, r -> {
            final Thread t = new Thread(r, "kairos-journal");
            t.setDaemon(true);
            return t;
        });
    }

    KernelJournal journal() {
        return journal;
    }

    /**
     * Waits until every transition offered before this call is in the journal.
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

    // ------------------------------------------------------------------------------------------------------------
    // waiting and the conductor's queue

    /** Waits for state to be done; inside a task the task's CPU is given back meanwhile. Returns the status. */
    int awaitDone(final ObjectState state, final long deadlineNanos) {
        return awaitDone(state, deadlineNanos, true);
    }

    /** As {@link #awaitDone(ObjectState, long)}; with fetch false an object another member holds is not pulled. */
    int awaitDone(final ObjectState state, final long deadlineNanos, final boolean fetch) {
        if (fetch) {
            state.want();
        }
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

    private boolean drivesConductor() {
        return invoker != null && Thread.currentThread() == owner;
    }

    /** In INVOKER mode, on the thread that drives the conductor: runs one duty cycle and returns true; else false. */
    boolean driveIfOwner() {
        if (!drivesConductor()) {
            return false;
        }
        invoker.invoke();
        return true;
    }

    boolean invokerMode() {
        return invoker != null;
    }

    private void offer(final Object command) {
        queue.offer(command);
    }

    /** A fixed-point demand from units (validated). */
    long[] demandOf(final Map<String, Double> resources) {
        return registry.demand(resources);
    }

    /** The next id of this kernel's objects, tasks and actors. */
    long nextId() {
        return ids.incrementAndGet();
    }

    /** A new pending object of this kernel. */
    ObjectState newObject() {
        return factory.create(ids.incrementAndGet(), this);
    }

    /** Joins the cluster of kernels (see {@link ClusterLink#join}). */
    public void joinCluster(final ClusterTransport transport, final ValueCodec codec) {
        ClusterLink.join(this, transport, codec);
        clusterTransport = transport;
    }

    /** Runs query on the conductor's thread, with the state it reads, and returns its answer. */
    public <T> T onConductor(final Supplier<T> query) {
        return queue.onConductor(query);
    }

    // ------------------------------------------------------------------------------------------------------------
    // close

    /**
     * Closes (see the public Kernel.close): queued work is cancelled, running tasks get closeTimeout, then an
     * interrupt; threads stop, the journal is appended and closed, the store freed. Idempotent.
     */
    public void close(final Duration closeTimeout, final MetadataStore metadata) {
        if (closed) {
            return;
        }
        closed = true;
        final List<Worker> workers = onConductor(conductor::close);
        for (final Worker worker : workers) {
            worker.stop();
        }
        processes.close();  // a worker thread waiting on a process sees it end
        final long deadline = System.nanoTime() + closeTimeout.toNanos();
        for (final Worker worker : workers) {
            joinDriving(worker.thread, deadline);
            if (worker.thread.isAlive()) {
                worker.thread.interrupt();
                joinDriving(worker.thread, System.nanoTime() + Math.max(INTERRUPT_GRACE_MIN_NANOS,
                    Math.min(INTERRUPT_GRACE_MAX_NANOS, closeTimeout.toNanos())));
            }
            final TaskSpec stuck = worker.running;
            if (worker.thread.isAlive() && stuck != null) {  // it ignores interrupts: its callers must not wait forever
                stuck.result.fail(new KernelClosedException("the kernel closed while task '" + stuck.name()
                    + "' ran; its worker thread " + worker.thread.getName() + " did not stop when interrupted"));
            }
        }
        if (clusterTransport != null) {
            clusterTransport.close();  // a goodbye: the others stop sending work here
        }
        if (runner != null) {
            runner.close();
        } else {
            invoker.invoke();
            invoker.close();
        }
        queue.closeForGood();  // what raced close into the queue fails now, or is refused to its caller
        if (journalRunner != null) {
            journalRunner.close();  // appends what is left and closes the journal (on this thread if never started)
        }
        if (metadata != null) {
            metadata.close();
        }
        if (objects != null) {
            objects.close();
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
}
