package io.kairos.internal.conductor;

import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.UnschedulableException;
import io.kairos.internal.cluster.Cluster;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Tasks no member of the cluster can run now, waiting up to {@link ClusterLink#MEMBERS_WAIT_NS} for one that can to
 * join (members come and go, e.g. on a restart); then they fail, naming why no member can run them. Conductor only.
 */
final class MemberWaits {
    private final ArrayList<TaskSpec> waiting = new ArrayList<>();
    private final ArrayList<Long> sinceNs = new ArrayList<>();

    /** The task waits for a member; always true. */
    boolean add(final TaskSpec task, final long nowNs) {
        waiting.add(task);
        sinceNs.add(nowNs);
        return true;
    }

    /** A member joined: the waiting tasks try again. */
    void retry(final TaskDispatcher dispatcher) {
        for (final TaskSpec task : waiting) {
            if (task.state == TaskSpec.State.READY) {
                dispatcher.classOf(task).queue.add(task);
            }
        }
        waiting.clear();
        sinceNs.clear();
    }

    /** The tasks that waited for a member too long fail, naming why no member can run them; returns how many. */
    int failLongWaits(final long nowNs, final Cluster cluster, final DependencyWaits waits) {
        int failed = 0;
        for (int i = waiting.size() - 1; i >= 0; i--) {
            final TaskSpec task = waiting.get(i);
            if (task.state != TaskSpec.State.READY) {
                waiting.remove(i);
                sinceNs.remove(i);
            } else if (nowNs - sinceNs.get(i) > ClusterLink.MEMBERS_WAIT_NS) {
                waiting.remove(i);
                sinceNs.remove(i);
                final String why = cluster.infeasibleReason(task.demand);
                waits.finish(task, new UnschedulableException("task '" + task.name() + "': "
                    + (why != null ? why : "no member could run it") + " (waited "
                    + TimeUnit.NANOSECONDS.toSeconds(ClusterLink.MEMBERS_WAIT_NS) + " s for one to join)"));
                failed++;
            }
        }
        return failed;
    }

    /** Close: the waiting tasks fail. */
    void close(final DependencyWaits waits) {
        for (final TaskSpec task : waiting) {
            if (task.state == TaskSpec.State.READY) {
                waits.finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
            }
        }
        waiting.clear();
        sinceNs.clear();
    }
}
