package io.kairos.internal.worker;

import java.util.Map;

/**
 * What a running task knows about itself, as the public {@code TaskContext} shows it: built on demand in a worker
 * thread, or set for the task a worker process runs ({@link #IN_PROCESS}).
 */
public record TaskInfo(long taskId, String taskName, String nodeId, int attempt, Map<String, Double> resources,
                       int[] gpuInstances, double[] gpuAmounts) {
    /** The task a worker process's thread runs, or null. */
    public static final ThreadLocal<TaskInfo> IN_PROCESS = new ThreadLocal<>();
}
