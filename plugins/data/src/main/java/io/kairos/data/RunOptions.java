package io.kairos.data;

/**
 * How a plan runs: output order, memory budget (bytes), task retries, tasks in flight at most, failed blocks skipped
 * at most, whether it prints its progress.
 */
record RunOptions(boolean preserveOrder, long memoryBudget, int retries, int maxTasksInFlight, long maxErroredBlocks,
                  boolean progress) {
    RunOptions ordered(final boolean ordered) {
        return new RunOptions(ordered, memoryBudget, retries, maxTasksInFlight, maxErroredBlocks, progress);
    }

    RunOptions budget(final long bytes) {
        return new RunOptions(preserveOrder, bytes, retries, maxTasksInFlight, maxErroredBlocks, progress);
    }

    RunOptions retrying(final int times) {
        return new RunOptions(preserveOrder, memoryBudget, times, maxTasksInFlight, maxErroredBlocks, progress);
    }

    RunOptions erroring(final long blocks) {
        return new RunOptions(preserveOrder, memoryBudget, retries, maxTasksInFlight, blocks, progress);
    }

    RunOptions printing(final boolean on) {
        return new RunOptions(preserveOrder, memoryBudget, retries, maxTasksInFlight, maxErroredBlocks, on);
    }
}
