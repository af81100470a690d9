package io.kairos;

import java.util.Map;

/**
 * What a running task knows about itself: {@link #current()} inside a task (null outside). The GPU instances say
 * which device(s) a GPU request was given, e.g. a 0.5 GPU request packed onto instance 0.
 */
public final class TaskContext {
    private final long taskId;
    private final String taskName;
    private final String nodeId;
    private final int attempt;
    private final Map<String, Double> resources;
    private final int[] gpuInstances;
    private final double[] gpuAmounts;

    TaskContext(final long taskId, final String taskName, final String nodeId, final int attempt,
                final Map<String, Double> resources, final int[] gpuInstances, final double[] gpuAmounts) {
        this.taskId = taskId;
        this.taskName = taskName;
        this.nodeId = nodeId;
        this.attempt = attempt;
        this.resources = resources;
        this.gpuInstances = gpuInstances;
        this.gpuAmounts = gpuAmounts;
    }

    /** The context of the task running on this thread, or null outside a task. */
    public static TaskContext current() {
        final Worker worker = Worker.current();
        if (worker == null) {
            return WorkerProcessMain.CONTEXT.get();  // null outside a worker process too
        }
        final TaskSpec task = worker.running;
        return task == null ? null : worker.contextOf(task);
    }

    public long taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    /** The logical node the task runs on. */
    public String nodeId() {
        return nodeId;
    }

    /** 0 for the first run, then 1, 2, ... for retries. */
    public int attempt() {
        return attempt;
    }

    /** The resources the task was given, in units. */
    public Map<String, Double> resources() {
        return resources;
    }

    /** The GPU device instances the task was given (empty without GPUs). */
    public int[] gpuInstances() {
        return gpuInstances.clone();
    }

    /** The share of each instance in {@link #gpuInstances()}, e.g. 0.5. */
    public double[] gpuAmounts() {
        return gpuAmounts.clone();
    }

    @Override
    public String toString() {
        return "TaskContext(" + taskId + ", " + taskName + " on " + nodeId + ", attempt " + attempt + ")";
    }
}
