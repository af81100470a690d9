package io.kairos;

import io.kairos.internal.conductor.Worker;
import io.kairos.internal.worker.TaskInfo;

import java.util.Map;

/**
 * What a running task knows about itself: {@link #current()} inside a task (null outside). The GPU instances say
 * which device(s) a GPU request was given, e.g. a 0.5 GPU request packed onto instance 0.
 */
public final class TaskContext {
    private final TaskInfo info;

    private TaskContext(final TaskInfo info) {
        this.info = info;
    }

    /**
     * The context of the task running on this thread.
     *
     * @return the context, or null outside a task
     */
    public static TaskContext current() {
        TaskInfo info = Worker.currentTaskInfo();
        if (info == null) {
            info = TaskInfo.IN_PROCESS.get();  // null outside a worker process too
        }
        return info == null ? null : new TaskContext(info);
    }

    /**
     * The task's id.
     *
     * @return the id, unique within its kernel
     */
    public long taskId() {
        return info.taskId();
    }

    /**
     * The task's name.
     *
     * @return the name given with {@code setName}, else the function's
     */
    public String taskName() {
        return info.taskName();
    }

    /**
     * The logical node the task runs on.
     *
     * @return the node's id
     */
    public String nodeId() {
        return info.nodeId();
    }

    /**
     * Which run of the task this is.
     *
     * @return 0 for the first run, then 1, 2, ... for retries
     */
    public int attempt() {
        return info.attempt();
    }

    /**
     * The resources the task was given.
     *
     * @return resource name to amount, in the resource's units
     */
    public Map<String, Double> resources() {
        return info.resources();
    }

    /**
     * The GPU device instances the task was given.
     *
     * @return a copy of the instance indexes, empty without GPUs
     */
    public int[] gpuInstances() {
        return info.gpuInstances().clone();
    }

    /**
     * The share of each instance in {@link #gpuInstances()}.
     *
     * @return a copy of the shares, one per instance, in (0, 1], e.g. 0.5
     */
    public double[] gpuAmounts() {
        return info.gpuAmounts().clone();
    }

    @Override
    public String toString() {
        return "TaskContext(" + info.taskId() + ", " + info.taskName() + " on " + info.nodeId() + ", attempt " + info.attempt() + ")";
    }
}
