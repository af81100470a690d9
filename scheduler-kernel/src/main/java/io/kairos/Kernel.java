package io.kairos;

import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.TaskCancelledException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.conductor.ActorState;
import io.kairos.internal.conductor.GroupState;
import io.kairos.internal.conductor.KernelCore;
import io.kairos.internal.conductor.ObjectState;
import io.kairos.internal.journal.JournalReplay;
import io.kairos.internal.setup.JvmFlagsCheck;
import io.kairos.spi.journal.Journal;
import io.kairos.spi.metadata.MetadataStore;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StorePrefault;
import io.kairos.store.StoreStats;
import org.agrona.concurrent.AgentInvoker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
    private final KernelContext context;
    private final KernelCore core;
    private final AgentInvoker invoker;
    private volatile Recovery recovery = Recovery.NONE;
    /** The data directory's metadata store, or null. */
    private final MetadataStore metadata;
    /** The store's background prefault, or null. */
    private final StorePrefault prefault;

    private Kernel(final KernelContext context, final MetadataStore metadata, final KernelAssembly parts) {
        this.context = context;
        this.metadata = metadata;
        this.core = parts.core;
        this.invoker = parts.invoker;
        this.prefault = parts.prefault;
    }

    /**
     * Starts a kernel (concluding the context: defaults filled, every field validated).
     *
     * @param context the configuration, concluded by this call
     * @return the running kernel, to close when done
     * @throws IllegalArgumentException for a bad context value, naming it
     * @throws IllegalStateException    when this JVM lacks a flag the kernel needs (the message lists them and where
     *                                  to add them; the journal and metadata plugins name theirs when they open)
     */
    public static Kernel start(final KernelContext context) {
        JvmFlagsCheck.check();  // before anything reaches for Agrona: a clear error, not IllegalAccessError
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
            if (context.objectStoreBytes() != 0) {
                // crashed kernels' segments (this user's, owner gone): tmpfs pages are freed only by an unlink
                SharedObjectStore.removeStaleSegments();
            }
            final Kernel kernel = new Kernel(context, metadata, new KernelAssembly(context, openJournal, replay, metadata));
            if (openJournal != null) {
                try {
                    kernel.recovery = Recovery.of(kernel.core.restart().recover(replay, replayStart));
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

    /**
     * The pids of the kernel's worker processes (idle, running a task or hosting an actor).
     *
     * @return the pids, empty when no worker process runs
     */
    public List<Long> workerProcessIds() {
        return core.processes().pids();
    }

    /**
     * What object spilling did so far.
     *
     * @return the counters, all zero without an object store
     */
    public SpillStats spillStats() {
        if (core.objects() == null) {
            return new SpillStats(0, 0, 0, 0, 0, 0, 0, 0, 0, null);
        }
        final long[] c = core.objects().spillCounters();
        return new SpillStats(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], core.objects().lastSpillFailure());
    }

    /**
     * The kernel's durable key-value store, in the data directory's metadata store.
     *
     * @return the store of the default namespace ""
     * @throws IllegalStateException if the kernel has no metadata store
     * @throws KernelClosedException if the kernel is closed
     */
    public KeyValueStore kv() {
        core.ensureOpen();
        if (metadata == null) {
            throw new IllegalStateException("the kernel has no metadata store: set KernelContext.dataDirectory and put "
                + "a metadata plugin (kairos-metadata-lmdb) on the class path, or give one with metadata(provider)");
        }
        return new KeyValueStore(metadata, "");
    }

    /**
     * What the kernel found in its journal when it started: the tasks it submitted again and their results. Empty
     * without a data directory or on a new one.
     *
     * @return what was recovered; never null
     */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Waits until every task submitted (and every transition made) before this call is in the journal, so that a
     * crash from now on cannot lose it.
     *
     * @param timeout how long to wait at most, not null or negative
     * @throws IllegalStateException if the kernel has no data directory
     * @throws GetTimeoutException   if the journal did not catch up within the timeout
     */
    public void syncJournal(final Duration timeout) {
        core.syncJournal(timeout);
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks

    @Override
    <R> TaskCaller<R> newTask(final Object function, final int arity, final Object[] args) {
        if (function == null) {
            throw new IllegalArgumentException("function is null");
        }
        return new TaskCaller<>(this, function, arity, ownedArgs(args, arity));
    }

    <R> ObjectRef<R> submit(final Object function, final int arity, final Object[] args, final String name,
                            final Map<String, Double> resources, final int maxRetries, final boolean retryExceptions,
                            final SchedulingStrategy strategy, final PlacementGroup group, final int bundleIndex,
                            final Boolean isolated) {
        return ref(core.submit(function, arity, args, name, resources, maxRetries, retryExceptions,
            strategy, groupOf(group), bundleIndex, isolated != null ? isolated : context.isolated()));
    }

    /**
     * The arguments, checked: an ObjectRef among them must be this kernel's (the machinery resolves it as the
     * object's state, which it is).
     *
     * @throws IllegalArgumentException for an ObjectRef of another kernel
     */
    Object[] ownedArgs(final Object[] args, final int arity) {
        for (int i = 0; i < arity; i++) {
            if (args[i] instanceof ObjectRef && ((ObjectRef<?>) args[i]).owner() != core) {
                throw new IllegalArgumentException("argument " + i + " is an ObjectRef of another kernel");
            }
        }
        return args;
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors

    @Override
    <A> ActorCreator<A> newActor(final Object constructor, final int arity, final Object[] args) {
        if (constructor == null) {
            throw new IllegalArgumentException("constructor is null");
        }
        return new ActorCreator<>(this, constructor, arity, ownedArgs(args, arity));
    }

    <A> ActorHandle<A> createActor(final Object constructor, final int arity, final Object[] args, final String name,
                                   final Map<String, Double> resources, final int maxConcurrency, final int maxRestarts,
                                   final int maxPendingCalls, final SchedulingStrategy strategy, final PlacementGroup group,
                                   final int bundleIndex, final Boolean isolated, final io.kairos.internal.conductor.ActorOptions options) {
        return new ActorHandle<>(this, core.createActor(constructor, arity, args, name, resources, maxConcurrency,
            maxRestarts, maxPendingCalls, strategy, groupOf(group), bundleIndex,
            isolated != null ? isolated : context.isolated(), options));
    }

    <R> ObjectRef<R> submitActorCall(final ActorState actor, final Object method, final int arity, final Object[] args,
                                     final String name, final int concurrencyGroup) {
        return ref(core.submitActorCall(actor, method, arity, ownedArgs(args, arity), name, concurrencyGroup));
    }

    /**
     * The live actor of that name, if any.
     *
     * @param name the name given with {@link ActorCreator#setName}, not null
     * @param <A>  the actor's class, as the caller expects it (not checked)
     * @return the actor's handle, or empty if no live actor has that name
     * @throws IllegalArgumentException if name is null
     */
    public <A> Optional<ActorHandle<A>> getActor(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        final ActorState actor = core.namedActor(name);
        return actor == null ? Optional.empty() : Optional.of(new ActorHandle<>(this, actor));
    }

    /**
     * Kills an actor: its running calls are interrupted and fail, and it is restarted if it has restarts left and
     * noRestart is false; otherwise it is dead and its queued calls fail with
     * {@link io.kairos.exception.ActorDiedException}.
     *
     * @param handle    the actor, not null
     * @param noRestart true to kill it for good, whatever restarts it has left
     * @throws IllegalArgumentException if handle is null
     */
    public void kill(final ActorHandle<?> handle, final boolean noRestart) {
        if (handle == null) {
            throw new IllegalArgumentException("handle is null");
        }
        core.kill(handle.state, noRestart);
    }

    // ------------------------------------------------------------------------------------------------------------
    // placement groups

    /**
     * The live placement group of that name, if any (named groups are kept across restarts with a metadata store).
     *
     * @param name the name given at creation, not null
     * @return the group, or empty if no live group has that name
     * @throws IllegalArgumentException if name is null
     */
    public Optional<PlacementGroup> getPlacementGroup(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        final GroupState group = core.namedGroup(name);
        return group == null ? Optional.empty() : Optional.of(handleOf(group));
    }

    /**
     * Reserves bundles of resources by strategy, as an unnamed group; see
     * {@link #createPlacementGroup(String, List, PlacementStrategy)}.
     *
     * @param bundles  the bundles, each a map of resource name to amount (in the resource's units)
     * @param strategy how the bundles are spread over nodes, not null
     * @return the group, not yet reserved
     * @throws IllegalArgumentException as for the named form
     */
    public PlacementGroup createPlacementGroup(final List<Map<String, Double>> bundles, final PlacementStrategy strategy) {
        return createPlacementGroup(null, bundles, strategy);
    }

    /**
     * Reserves bundles of resources by strategy, asynchronously: {@link PlacementGroup#ready} waits for it. A named
     * group ({@link #getPlacementGroup}) is created again after a restart when the kernel has a metadata store, and so
     * are the tasks queued in it.
     *
     * @param name     the group's name, or null for an unnamed group
     * @param bundles  the bundles, each a map of resource name to amount (in the resource's units); 1 to 1,000
     * @param strategy how the bundles are spread over nodes, not null
     * @return the group, not yet reserved
     * @throws KernelClosedException    if the kernel is closed
     * @throws IllegalArgumentException if the name is blank or taken by a group that has not failed; for no bundles,
     *                                  an empty bundle, an unknown resource or more than 1,000 bundles (the message
     *                                  names the bundle and the limit)
     */
    public PlacementGroup createPlacementGroup(final String name, final List<Map<String, Double>> bundles,
                                               final PlacementStrategy strategy) {
        core.ensureOpen();
        if (strategy == null) {
            throw new IllegalArgumentException("strategy is null");
        }
        return handleOf(core.createGroup(name, bundles, strategy));
    }

    /**
     * Removes a placement group: tasks queued for it fail, its actors are killed, and its resources return to
     * their nodes once the tasks running in it finish.
     *
     * @param group the group, of this kernel
     * @throws IllegalArgumentException if group is null or another kernel's
     */
    public void removePlacementGroup(final PlacementGroup group) {
        if (group == null) {
            throw new IllegalArgumentException("placement group is null");
        }
        if (group.kernel != this) {
            throw new IllegalArgumentException("placement group " + group.id() + " belongs to another kernel");
        }
        core.removeGroup(group.group);
    }

    private PlacementGroup handleOf(final GroupState group) {
        return (PlacementGroup) group.handle(g -> new PlacementGroup(this, g));
    }

    private GroupState groupOf(final PlacementGroup group) {
        return group == null ? null : group.group;
    }

    // ------------------------------------------------------------------------------------------------------------
    // objects

    /**
     * Stores a value and returns its ref, ready at once.
     *
     * @param value the value; serialized when it goes to the shared store
     * @param <T>   the value's type
     * @return the value's ref
     */
    public <T> ObjectRef<T> put(final T value) {
        return ref(core.put(value));
    }

    /**
     * The background prefault of the kernel's object store ({@link KernelContext#objectStorePrefault(boolean)}): how
     * far it got, and a way to wait for it (e.g. before measuring puts).
     *
     * @return the prefault, or empty when the kernel has no store or does not prefault it
     */
    public Optional<StorePrefault> objectStorePrefault() {
        return Optional.ofNullable(prefault);
    }

    /**
     * The shared object store's counters, or null when the kernel runs without one; large objects live there,
     * readable by any process that attaches to {@link #objectStoreName()}.
     *
     * @return the counters, or null without an object store
     */
    public StoreStats objectStoreStats() {
        return core.objects() == null ? null : core.objects().stats();
    }

    /**
     * The shared object store's name.
     *
     * @return the name to attach with SharedObjectStore.attach, or null without a store
     */
    public String objectStoreName() {
        return core.objects() == null ? null : core.objects().storeName();
    }

    /**
     * The values of refs, in order, waiting as long as it takes.
     *
     * @param refs the refs, none null
     * @param <T>  the values' type
     * @return the values, in the order of refs
     * @throws IllegalArgumentException if refs or one of them is null
     * @throws io.kairos.exception.TaskFailedException if a producing task failed, as {@link ObjectRef#get()}
     */
    public <T> List<T> get(final List<ObjectRef<T>> refs) {
        final List<T> values = new ArrayList<>(checkRefs(refs).size());
        for (final ObjectRef<T> ref : refs) {
            values.add(ref.get());
        }
        return values;
    }

    /**
     * The values of refs, in order, all within timeout.
     *
     * @param refs    the refs, none null
     * @param timeout how long to wait for them all at most, not null or negative
     * @param <T>     the values' type
     * @return the values, in the order of refs
     * @throws GetTimeoutException      if they are not all ready in time
     * @throws IllegalArgumentException if refs or one of them is null, or timeout is null or negative
     * @throws io.kairos.exception.TaskFailedException if a producing task failed, as {@link ObjectRef#get()}
     */
    public <T> List<T> get(final List<ObjectRef<T>> refs, final Duration timeout) {
        final long deadline = io.kairos.internal.conductor.Deadlines.of(timeout, "timeout");
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
     *
     * @param refs       the refs, none null
     * @param numReturns how many to wait for, 0 to refs.size()
     * @param timeout    how long to wait at most, not null or negative
     * @param <T>        the values' type
     * @return the ready and the unready refs; ready may hold fewer than numReturns if timeout passed
     * @throws IllegalArgumentException if refs or one of them is null, numReturns is outside 0..refs.size(), or
     *                                  timeout is null or negative
     */
    public <T> WaitResult<T> wait(final List<ObjectRef<T>> refs, final int numReturns, final Duration timeout) {
        return wait(refs, numReturns, timeout, true);
    }

    /**
     * {@link #wait(List, int, Duration)} with Ray's {@code fetch_local}: with fetchLocal false, on a cluster of
     * kernels, an object whose task is done and whose value another member holds ({@link ObjectRef#isHeldElsewhere})
     * counts as ready and is not pulled here: for a program that hands results on to tasks (which run where their
     * arguments are) without reading them itself. With true (the three-argument form) such objects are pulled, all
     * together, and count once they are here.
     *
     * @param refs       the refs, none null
     * @param numReturns how many to wait for, 0 to refs.size()
     * @param timeout    how long to wait at most, not null or negative
     * @param fetchLocal whether objects held by other members must be pulled here to count as ready
     * @param <T>        the values' type
     * @return the ready and the unready refs; ready may hold fewer than numReturns if timeout passed
     * @throws IllegalArgumentException as the three-argument form
     */
    public <T> WaitResult<T> wait(final List<ObjectRef<T>> refs, final int numReturns, final Duration timeout,
                                  final boolean fetchLocal) {
        checkRefs(refs);
        if (numReturns < 0 || numReturns > refs.size()) {
            throw new IllegalArgumentException("numReturns " + numReturns + " is outside 0.." + refs.size());
        }
        return WaitResult.await(refs, numReturns, io.kairos.internal.conductor.Deadlines.of(timeout, "timeout"),
            fetchLocal);
    }

    /**
     * Cancels the task producing ref: a queued or waiting task is removed and its ref fails with
     * {@link TaskCancelledException}; a running one is interrupted, and with force its ref fails at once whatever
     * the task then does. Cancelling a done or put object does nothing.
     *
     * @param ref   the ref of the task's result
     * @param force true to fail the ref at once even if the running task ignores the interrupt
     * @throws IllegalArgumentException if ref is null or another kernel's
     */
    public void cancel(final ObjectRef<?> ref, final boolean force) {
        if (ref == null) {
            throw new IllegalArgumentException("ref is null");
        }
        if (ref.owner() != core) {
            throw new IllegalArgumentException("ref belongs to another kernel");
        }
        core.cancel(ref, force);
    }

    /**
     * Each logical node's total and available resources, read on the conductor (a consistent snapshot).
     *
     * @return one entry per logical node, in the order configured
     * @throws KernelClosedException if the kernel is closed
     */
    public List<NodeInfo> resources() {
        core.ensureOpen();
        final Cluster cluster = core.cluster();
        return core.onConductor(() -> {
            final List<NodeInfo> infos = new ArrayList<>();
            for (int i = 0; i < cluster.nodeCount(); i++) {
                final LogicalNode node = cluster.logicalNode(i);
                infos.add(new NodeInfo(node.nodeId(), node.labels(), node.totals(), node.available(),
                    core.conductor().workerCount(i)));
            }
            return infos;
        });
    }

    /**
     * The conductor's invoker, to drive it from the embedder's thread in {@link ThreadingMode#INVOKER}.
     *
     * @return the invoker; call its {@code invoke()} in the embedder's loop
     * @throws IllegalStateException in any other threading mode
     */
    public AgentInvoker invoker() {
        if (invoker == null) {
            throw new IllegalStateException("invoker() is for ThreadingMode.INVOKER; this kernel runs "
                + context.threadingMode());
        }
        return invoker;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * Closes: no new work is taken, queued and waiting tasks are cancelled, running tasks get the close timeout to
     * finish and are then interrupted, every thread is stopped. A task that ignores the interrupt keeps its thread
     * (a daemon) but its result fails with {@link KernelClosedException}, so no caller waits for it. Idempotent.
     */
    @Override
    public void close() {
        if (core.isClosed()) {
            return;
        }
        core.close(context.closeTimeout(), metadata);
        if (context.ownsGpuDevices()) {
            context.gpuDevices().close();
        }
    }

    @Override
    public String toString() {
        return "Kernel{" + context.threadingMode() + ", nodes=" + core.cluster().nodeCount()
            + (core.isClosed() ? ", closed" : "") + '}';
    }

    // ------------------------------------------------------------------------------------------------------------
    // shared with the API's other classes

    /** A deadline on System.nanoTime() for timeout; Long.MAX_VALUE when it is too far to matter. */
    static long deadline(final Duration timeout, final String field) {
        return io.kairos.internal.conductor.Deadlines.of(timeout, field);
    }

    KernelCore core() {
        return core;
    }

    /** The kernel's objects are its ObjectRefs (its ObjectFactory makes them). */
    @SuppressWarnings("unchecked")
    private static <T> ObjectRef<T> ref(final ObjectState state) {
        return (ObjectRef<T>) state;
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
            if (ref.owner() != core) {
                throw new IllegalArgumentException("refs[" + i + "] belongs to another kernel");
            }
        }
        return refs;
    }
}
