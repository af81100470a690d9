package io.kairos.data;

import java.util.function.Consumer;

/**
 * How a plan runs: output order, memory budget (bytes), task retries, tasks in flight at most, failed blocks skipped
 * at most, whether it prints its progress, who is told its figures at its end (null: no one).
 */
record RunOptions(boolean preserveOrder, long memoryBudget, int retries, int maxTasksInFlight, long maxErroredBlocks,
                  boolean progress, Consumer<DatasetStats> onStats) {
    RunOptions ordered(final boolean ordered) {
        return new RunOptions(ordered, memoryBudget, retries, maxTasksInFlight, maxErroredBlocks, progress, onStats);
    }

    RunOptions budget(final long bytes) {
        return new RunOptions(preserveOrder, bytes, retries, maxTasksInFlight, maxErroredBlocks, progress, onStats);
    }

    RunOptions retrying(final int times) {
        return new RunOptions(preserveOrder, memoryBudget, times, maxTasksInFlight, maxErroredBlocks, progress,
            onStats);
    }

    RunOptions erroring(final long blocks) {
        return new RunOptions(preserveOrder, memoryBudget, retries, maxTasksInFlight, blocks, progress, onStats);
    }

    RunOptions printing(final boolean on) {
        return new RunOptions(preserveOrder, memoryBudget, retries, maxTasksInFlight, maxErroredBlocks, on, onStats);
    }

    RunOptions reporting(final Consumer<DatasetStats> to) {
        return new RunOptions(preserveOrder, memoryBudget, retries, maxTasksInFlight, maxErroredBlocks, progress, to);
    }
}
