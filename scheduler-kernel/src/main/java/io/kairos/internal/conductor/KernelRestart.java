package io.kairos.internal.conductor;

import io.kairos.internal.object.SpillFiles;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.journal.JournalRecords;
import io.kairos.internal.journal.JournalReplay;
import io.kairos.internal.journal.TaskCodec;
import io.kairos.spi.metadata.MetadataStore;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kernel keeps across restarts and takes back when it starts on a data directory: it submits again the tasks
 * the journal says did not end, creates again the named placement groups and actors the metadata store keeps, and
 * takes back the spilled results of finished tasks ({@link Recovery}). Named actors and groups are kept here as they
 * are created. Used by {@link KernelCore} and the public Kernel only: recovery on the starting thread, keeping on the creating caller's.
 */
public final class KernelRestart {
    private static final String ACTORS_TABLE = "actors";
    private static final String GROUPS_TABLE = "placement-groups";

    private final KernelCore kernel;
    private final MetadataStore metadata;
    private final ResourceRegistry registry;
    /** Encodes named actors for the metadata store (functions written whole); guarded by itself. */
    private final TaskCodec actorCodec = new TaskCodec(KernelJournal.REFS, 0);

    /** @param metadata the data directory's metadata store, or null (nothing is kept then) */
    KernelRestart(final KernelCore kernel, final MetadataStore metadata, final ResourceRegistry registry) {
        this.kernel = kernel;
        this.metadata = metadata;
        this.registry = registry;
    }

    /** Whether named actors and placement groups are kept (the kernel has a metadata store). */
    boolean keeps() {
        return metadata != null;
    }

    /** Forgets a named placement group that was removed. */
    void forgetGroup(final String name) {
        metadata.delete(GROUPS_TABLE, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Submits again the tasks the journal says were submitted and did not end, with their ids (oldest first, so a
     * task's argument produced by another recovered task refers to its new result); those that cannot be made again
     * get a failed result and an UNRECOVERABLE record.
     */
    /** What recovery did: the public Recovery, with the results' states (the kernel wraps them in ObjectRefs). */
    public record Recovered(long records, int endedBefore, Map<Long, ObjectState> tasks, Map<Long, ObjectState> kept,
                            List<String> unrecoverable, List<String> actors, List<String> groups, Duration replayTime) {
    }

    public Recovered recover(final JournalReplay replay, final long startNs) {
        final Map<Long, ObjectState> results = new LinkedHashMap<>();
        final List<String> unrecoverable = new ArrayList<>();
        final List<TaskCodec.Submitted> toRun = new ArrayList<>();
        final List<long[]> demands = new ArrayList<>();
        final List<GroupState> taskGroups = new ArrayList<>();
        final ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : KernelCore.class.getClassLoader();
        final List<String> groups = metadata == null ? List.of() : recoverGroups(replay, unrecoverable);
        final Map<Long, ObjectState> kept = new LinkedHashMap<>();  // spilled results of finished tasks
        if (kernel.objects() != null) {
            for (final Map.Entry<Long, SpillFiles.Location> entry : new java.util.TreeMap<>(kernel.objects().retained())
                .entrySet()) {
                final ObjectState ref = kernel.newObject(entry.getKey());
                ref.completeStored(kernel.objects().spilled(entry.getValue()));
                kept.put(entry.getKey(), ref);
            }
        }
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        for (final byte[] record : replay.pending()) {
            view.wrap(record);
            final long id = view.getLong(JournalRecords.ID_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
            String why;
            TaskCodec.Submitted task = null;
            long[] demand = null;
            try {
                if (view.getInt(JournalRecords.TYPE_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN)
                    == JournalRecords.UNREPLAYABLE) {
                    throw new IllegalStateException(TaskCodec.readStringBody(view));
                }
                task = TaskCodec.readSubmitted(view, replay.functions(), loader);
                why = resolveRefs(task, results, kept, replay);
                if (why == null) {
                    demand = task.resources() == null ? kernel.defaultTaskDemand() : registry.demand(task.resources());
                    why = kernel.cluster().infeasibleReason(demand);
                }
                if (why == null && task.group() != null) {
                    final GroupState group = kernel.namedGroup(task.group());
                    why = group == null ? "its placement group '" + task.group() + "' is gone" : null;
                    if (group != null) {
                        group.checkBundle(kernel, task.bundleIndex(), demand, "task " + id);
                    }
                }
            } catch (final RuntimeException e) {
                why = e.getMessage();
            }
            if (why == null) {
                toRun.add(task);
                demands.add(demand);
                taskGroups.add(task.group() == null ? null : kernel.namedGroup(task.group()));
                results.put(id, null);  // filled below, in order
            } else {
                final String name = task != null && task.name() != null ? " '" + task.name() + "'" : "";
                unrecoverable.add("task " + id + name + ": " + why);
                kernel.journal().appendUnrecoverable(id, why);
                final ObjectState failed = kernel.newObject(id);
                failed.fail(new TaskFailedException("task " + id + name,
                    "it was submitted before the kernel restarted and cannot be run again: " + why, null));
                results.put(id, failed);
            }
        }
        kernel.startJournalAgent();
        for (int t = 0; t < toRun.size(); t++) {
            final TaskCodec.Submitted task = toRun.get(t);
            final Object[] args = task.args();
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof TaskCodec.Ref) {
                    final long object = ((TaskCodec.Ref) args[i]).objectId();
                    args[i] = results.containsKey(object) ? results.get(object) : kept.get(object);
                }
            }
            results.put(task.taskId(), kernel.submitWithId(task.taskId(), task.function(), args.length, args, task.name(),
                task.maxRetries(), task.retryExceptions(), SchedulingStrategy.DEFAULT, taskGroups.get(t),
                task.bundleIndex(), demands.get(t), task.isolated()));
        }
        final List<String> actors = metadata == null ? List.of() : recoverActors(replay, unrecoverable);
        return new Recovered(replay.records(), replay.endedTasks(), results, kept, unrecoverable, actors, groups,
            Duration.ofNanos(System.nanoTime() - startNs));
    }


    /** Keeps a named placement group in the metadata store: id, strategy, bundles by resource name. */
    void keepGroup(final GroupState group, final List<Map<String, Double>> bundles) {
        try {
            final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            final java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
            out.writeLong(group.id());
            out.writeInt(group.state().strategy().ordinal());
            out.writeInt(bundles.size());
            for (final Map<String, Double> bundle : bundles) {
                out.writeInt(bundle.size());
                for (final Map.Entry<String, Double> r : bundle.entrySet()) {
                    out.writeUTF(r.getKey());
                    out.writeDouble(r.getValue());
                }
            }
            out.flush();
            metadata.put(GROUPS_TABLE, group.state().name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                bytes.toByteArray());
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);  // a byte array stream does not fail
        }
    }

    /** Creates again the named placement groups the metadata store keeps, unless the journal says they ended. */
    private List<String> recoverGroups(final JournalReplay replay, final List<String> unrecoverable) {
        final Map<String, byte[]> stored = new LinkedHashMap<>();
        metadata.scan(GROUPS_TABLE, new byte[0], (key, value) ->
            stored.put(new String(key, java.nio.charset.StandardCharsets.UTF_8), value));
        final List<String> created = new ArrayList<>();
        for (final Map.Entry<String, byte[]> entry : stored.entrySet()) {
            final String name = entry.getKey();
            try {
                final java.io.DataInputStream in = new java.io.DataInputStream(
                    new java.io.ByteArrayInputStream(entry.getValue()));
                final long oldId = in.readLong();
                final String state = replay.state(oldId);
                if ("REMOVED".equals(state) || "FAILED".equals(state)) {
                    metadata.delete(GROUPS_TABLE, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    continue;
                }
                final PlacementStrategy strategy = PlacementStrategy.values()[in.readInt()];
                final List<Map<String, Double>> bundles = new ArrayList<>();
                for (int b = in.readInt(); b > 0; b--) {
                    final Map<String, Double> bundle = new LinkedHashMap<>();
                    for (int r = in.readInt(); r > 0; r--) {
                        bundle.put(in.readUTF(), in.readDouble());
                    }
                    bundles.add(bundle);
                }
                kernel.createGroup(name, bundles, strategy);
                created.add(name);
            } catch (final java.io.IOException | RuntimeException e) {
                unrecoverable.add("placement group '" + name + "': " + e.getMessage());
                metadata.delete(GROUPS_TABLE, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return created;
    }

    /** Creates again the named actors the metadata store keeps, unless the journal says they died. */
    private List<String> recoverActors(final JournalReplay replay, final List<String> unrecoverable) {
        final Map<String, byte[]> stored = new LinkedHashMap<>();
        metadata.scan(ACTORS_TABLE, new byte[0], (key, value) ->
            stored.put(new String(key, java.nio.charset.StandardCharsets.UTF_8), value));
        final List<String> created = new ArrayList<>();
        final ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader() : KernelCore.class.getClassLoader();
        for (final Map.Entry<String, byte[]> entry : stored.entrySet()) {
            final String name = entry.getKey();
            try {
                final KeptActor kept = KeptActor.read(entry.getValue());
                if ("DEAD".equals(replay.state(kept.id))) {
                    metadata.delete(ACTORS_TABLE, entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    continue;
                }
                final TaskCodec.Submitted spec = TaskCodec.readSubmitted(
                    new UnsafeBuffer(entry.getValue(), kept.constructorOffset,
                        entry.getValue().length - kept.constructorOffset), Map.of(), loader);
                for (final Object arg : spec.args()) {
                    if (arg instanceof TaskCodec.Ref) {
                        throw new IllegalStateException("a constructor argument is object "
                            + ((TaskCodec.Ref) arg).objectId() + ", lost with the old process");
                    }
                }
                kernel.createActor(spec.function(), spec.args().length, spec.args(), name, spec.resources(),
                    kept.maxConcurrency, kept.maxRestarts, kept.maxPendingCalls, SchedulingStrategy.DEFAULT, null, -1,
                    spec.isolated(), kept.options);
                created.add(name);
            } catch (final RuntimeException e) {
                unrecoverable.add("actor '" + name + "': " + e.getMessage());
                metadata.delete(ACTORS_TABLE, entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return created;
    }

    /** Keeps a named actor in the metadata store, so that a restarted kernel creates it again with its options. */
    void keepActor(final ActorState actor, final Object constructor, final int arity, final Object[] args,
                           final long[] demand, final boolean isolated) {
        final byte[] value;
        synchronized (actorCodec) {
            final int length = actorCodec.encodeSubmitted(actor.id, 0, null, constructor, arity, args, demand,
                registry::name, 0, false, isolated, null, -1, null);
            final org.agrona.MutableDirectBuffer encoded = actorCodec.buffer();
            if (encoded.getInt(JournalRecords.TYPE_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN) != JournalRecords.SUBMITTED) {
                throw new IllegalArgumentException(actor.describe() + " cannot be kept across restarts: "
                    + TaskCodec.readStringBody(encoded));
            }
            value = KeptActor.write(actor, encoded, length);
        }
        metadata.put(ACTORS_TABLE, actor.name.getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
    }

    /**
     * Null if every reference argument names a task recovered before this one or a kept (spilled) result, else why
     * not.
     */
    private static String resolveRefs(final TaskCodec.Submitted task, final Map<Long, ObjectState> results,
                                      final Map<Long, ObjectState> kept, final JournalReplay replay) {
        final Object[] args = task.args();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof TaskCodec.Ref) {
                final long object = ((TaskCodec.Ref) args[i]).objectId();
                if (!results.containsKey(object) && !kept.containsKey(object)) {
                    return "argument " + i + " is object " + object + ", which "
                        + (replay.endedTask(object) ? "its task made before the restart" : "was put before the restart")
                        + " and was lost with the old process (only spilled results of finished tasks are kept)";
                }
            }
        }
        return null;
    }
}
