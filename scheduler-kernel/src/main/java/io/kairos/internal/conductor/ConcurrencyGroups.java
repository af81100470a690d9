package io.kairos.internal.conductor;

import java.util.ArrayDeque;

/**
 * The concurrency groups of one actor, as Ray has them: each group runs at most its limit of calls at once, whatever
 * the other groups run; group 0 is the default one (the actor's maxConcurrency), where calls bound to no group go. Each
 * group has its queue, so a full group holds back only its own calls. Conductor thread only.
 */
final class ConcurrencyGroups {
    final int[] limits;
    final int[] running;
    final ArrayDeque<TaskSpec>[] queues;

    /** Groups for an actor whose default group queues in defaultQueue with the limit defaultLimit. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrencyGroups(final ActorOptions options, final int defaultLimit, final ArrayDeque<TaskSpec> defaultQueue) {
        final int n = options.groupNames.length + 1;
        limits = new int[n];
        running = new int[n];
        queues = new ArrayDeque[n];
        limits[0] = defaultLimit;
        queues[0] = defaultQueue;
        for (int i = 1; i < n; i++) {
            limits[i] = options.groupLimits[i - 1];
            queues[i] = new ArrayDeque<>();
        }
    }

    /** All the groups' limits together: what the actor may run at once. */
    int total() {
        int sum = 0;
        for (final int limit : limits) {
            sum += limit;
        }
        return sum;
    }
}
