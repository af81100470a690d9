package io.kairos;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.conductor.ActorState;
import io.kairos.internal.conductor.ConductorIdleStrategy;
import io.kairos.internal.conductor.ConductorSettings;
import io.kairos.internal.conductor.KernelCore;
import io.kairos.internal.conductor.KernelJournal;
import io.kairos.internal.conductor.SchedulerConductor;
import io.kairos.internal.journal.JournalReplay;
import io.kairos.internal.object.SpillFiles;
import io.kairos.internal.object.StoredObjects;
import io.kairos.internal.object.ValueCodec;
import io.kairos.internal.policy.CompositeSchedulingPolicy;
import io.kairos.internal.policy.HybridSchedulingPolicy;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.spi.journal.Journal;
import io.kairos.spi.metadata.MetadataStore;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import io.kairos.store.SharedObjectStore;
import io.kairos.store.StorePrefault;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds what a kernel runs on from its concluded context: the cluster of logical nodes, the scheduling policy, the
 * journal agent, the object store (prefaulted in the background) and its spill files, the worker processes, the
 * conductor and how it runs (its own thread, or the embedder's through an invoker), and the {@link KernelCore}.
 */
final class KernelAssembly {
    final KernelCore core;
    /** The conductor's invoker in INVOKER mode, else null. */
    final AgentInvoker invoker;
    /** The store's background prefault, or null (no store, or not prefaulted). */
    final StorePrefault prefault;

    KernelAssembly(final KernelContext context, final Journal openJournal, final JournalReplay replay,
                   final MetadataStore metadata) {
        final ResourceRegistry registry = new ResourceRegistry();
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
        final Cluster cluster = new Cluster(registry, nodes, 0, context.seed());
        final ErrorHandler errors = Throwable::printStackTrace;
        final SchedulingPolicy policy = policy(context);  // may reject a plugin: before anything needs closing
        final KernelJournal journal = openJournal == null ? null : new KernelJournal(openJournal, registry,
            registry.demand(Map.of("CPU", 1.0)), replay.maxFunctionId() + 1, context.nanoClock(), metadata != null);
        final ValueCodec codec = new ValueCodec(context.serializers());
        final SharedObjectStore store = context.objectStoreBytes() == 0 ? null
            : SharedObjectStore.create(context.objectStoreName(), context.objectStoreBytes());
        final StoredObjects objects;
        try {
            objects = store == null ? null : new StoredObjects(store, codec, context.inlineThresholdBytes(),
                spillFiles(context, metadata, replay), context.spillThreshold());
        } catch (final RuntimeException | Error e) {
            if (store != null) {
                store.close();  // e.g. a spill directory that cannot be made: no segment is left in /dev/shm
            }
            throw e;
        }
        if (store != null && context.objectStorePrefault()) {
            // A first touch of a tmpfs page costs more than a put's copy: populate the store now, on a daemon thread
            // that puts never wait for and that the store's close stops (KernelContext.objectStorePrefault).
            this.prefault = store.prefaultInBackground(StorePrefault.CHUNK_BYTES_DEFAULT);
        } else {
            this.prefault = null;
        }
        final WorkerProcesses processes = new WorkerProcesses(objects == null ? null : objects.storeName(),
            context.inlineThresholdBytes(), context.workerClasspath(), context.workerJvmOptions(),
            context.workerProcesses(), context.actorsPerWorkerProcess(),
            () -> PythonPackage.launch(context, store != null));
        final ConcurrentHashMap<String, ActorState> namedActors = new ConcurrentHashMap<>();
        final SchedulerConductor conductor = new SchedulerConductor(new ConductorSettings(context.listeners(),
            context.workerLauncher(), context.commandQueueCapacity(), context.maxWorkersPerNode(),
            context.nanoClock(), context.gpuDevices(), context.gpuNodeId(), context.idleWorkerTimeout(), context.cluster()),
            cluster, registry, policy, namedActors, objects, errors, journal, processes, codec);
        this.core = new KernelCore(cluster, registry, conductor, namedActors, objects, journal, processes, metadata,
            replay != null ? replay.maxId() : 0, ObjectRef::new);
        final IdleStrategy idle = new ConductorIdleStrategy(context.defaultIdleStrategy() ? null
            : context.idleStrategy(), conductor, context.cluster() != null);
        final AgentRunner runner;
        if (context.threadingMode() == ThreadingMode.INVOKER) {
            runner = null;
            this.invoker = new AgentInvoker(errors, null, conductor);
            this.invoker.start();
        } else {
            this.invoker = null;
            runner = new AgentRunner(idle, errors, null, conductor);
            AgentRunner.startOnThread(runner, r -> {
                final Thread t = new Thread(r, "kairos-conductor");
                t.setDaemon(true);
                conductor.thread(t);
                return t;
            });
        }
        final AgentRunner journalRunner = journal == null ? null : new AgentRunner(
            new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1)),  // no spin: it must not take CPU from the work
            errors, null, journal);
        core.runWith(runner, invoker, Thread.currentThread(), context.idleStrategy(), journalRunner,
            context.commandQueueTimeout());
        if (context.cluster() != null) {
            core.joinCluster(context.cluster(), codec);
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

    private static SchedulingPolicy policy(final KernelContext context) {
        final Map<SchedulingStrategy.Kind, SchedulingPolicy> overrides = new EnumMap<>(SchedulingStrategy.Kind.class);
        overrides.put(SchedulingStrategy.Kind.DEFAULT, new HybridSchedulingPolicy(context.spreadThreshold(), 0.2));
        for (final SchedulingPolicy p : context.schedulingPolicies()) {
            overrides.put(p.kind(), p);
        }
        return new CompositeSchedulingPolicy(overrides);
    }
}
