package io.kairos;

import io.kairos.internal.conductor.KernelRestart;
import io.kairos.internal.conductor.ObjectState;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kernel found in its journal when it started on a data directory that had one: the tasks submitted before the
 * restart that had not ended are submitted again with their ids, and {@link #tasks()} holds their results.
 *
 * <p>A task counts as ended when its FINISHED (or FAILED, CANCELLED) record is in the journal: the kernel appends it
 * after the task's result is complete, so a task that completed just before a crash may run again (at least once);
 * a task whose end is in the journal never runs again. A task that cannot be run again (its function or an argument
 * cannot be made again, or an argument object was lost with the old process) has a failed result saying why, and is
 * listed in {@link #unrecoverable()}. Tasks the kernel's close stopped before they ended run again too.
 *
 * <p>With a metadata plugin, named actors are created again as well ({@link #actors()}), unless the journal says they
 * died.
 */
public final class Recovery {
    static final Recovery NONE = new Recovery(0, 0, Map.of(), Map.of(), List.of(), List.of(), List.of(), Duration.ZERO);

    /** The public view of what recovery did: each result's state wrapped in an ObjectRef. */
    static Recovery of(final KernelRestart.Recovered recovered) {
        return new Recovery(recovered.records(), recovered.endedBefore(), refs(recovered.tasks()),
            refs(recovered.kept()), recovered.unrecoverable(), recovered.actors(), recovered.groups(),
            recovered.replayTime());
    }

    private static Map<Long, ObjectRef<?>> refs(final Map<Long, ObjectState> states) {
        final Map<Long, ObjectRef<?>> refs = new LinkedHashMap<>();
        states.forEach((id, state) -> refs.put(id, (ObjectRef<?>) state));  // the kernel's objects are ObjectRefs
        return refs;
    }

    private final long records;
    private final int endedBefore;
    private final Map<Long, ObjectRef<?>> tasks;
    private final Map<Long, ObjectRef<?>> results;
    private final List<String> unrecoverable;
    private final List<String> actors;
    private final List<String> groups;
    private final Duration replayTime;

    Recovery(final long records, final int endedBefore, final Map<Long, ObjectRef<?>> tasks,
             final Map<Long, ObjectRef<?>> results, final List<String> unrecoverable, final List<String> actors, final List<String> groups,
             final Duration replayTime) {
        this.records = records;
        this.endedBefore = endedBefore;
        this.tasks = Collections.unmodifiableMap(tasks);
        this.results = Collections.unmodifiableMap(results);
        this.unrecoverable = List.copyOf(unrecoverable);
        this.actors = List.copyOf(actors);
        this.groups = List.copyOf(groups);
        this.replayTime = replayTime;
    }

    /**
     * How many journal records were read.
     *
     * @return the record count, 0 without a journal
     */
    public long records() {
        return records;
    }

    /**
     * How many tasks the journal says ended before the restart (they are not run again).
     *
     * @return the task count
     */
    public int endedBefore() {
        return endedBefore;
    }

    /**
     * The result of every task submitted again (and of those that could not be), by task id, oldest first.
     *
     * @return task id to result, unmodifiable
     */
    public Map<Long, ObjectRef<?>> tasks() {
        return tasks;
    }

    /**
     * The named actors created again (their constructors run again: state kept in fields is not restored; get them
     * with {@link Kernel#getActor}).
     *
     * @return the actors' names, unmodifiable; empty without a metadata plugin
     */
    public List<String> actors() {
        return actors;
    }

    /**
     * The named placement groups created again (get them with {@link Kernel#getPlacementGroup}).
     *
     * @return the groups' names, unmodifiable
     */
    public List<String> placementGroups() {
        return groups;
    }

    /**
     * The results of tasks that finished before the restart and had been spilled to disk, by task id: readable with
     * get (from their spill files), and freed as any object when unreachable. Results that were in memory are gone;
     * those tasks are not run again.
     *
     * @return task id to result, unmodifiable
     */
    public Map<Long, ObjectRef<?>> results() {
        return results;
    }

    /**
     * What could not be made again, and why.
     *
     * @return one line each, e.g. "task 12 'Demo::square': why" or "actor 'x': why"; unmodifiable
     */
    public List<String> unrecoverable() {
        return unrecoverable;
    }

    /**
     * How long reading the journal and submitting the tasks again took.
     *
     * @return the time, {@link Duration#ZERO} without a journal
     */
    public Duration time() {
        return replayTime;
    }

    @Override
    public String toString() {
        return "Recovery{records=" + records + ", endedBefore=" + endedBefore + ", resubmitted="
            + (tasks.size() - unrecoverable.size()) + ", actors=" + actors.size() + ", unrecoverable="
            + unrecoverable.size() + ", time=" + replayTime
            + '}';
    }
}
