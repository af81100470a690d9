package io.kairos.internal.conductor;

import io.kairos.internal.journal.JournalRecords;
import io.kairos.spi.kernel.KernelListener;
import org.agrona.ErrorHandler;

/**
 * Reports task, actor and placement-group transitions to the journal and the listeners. Conductor thread only.
 */
final class Transitions {
    private final SchedulerConductor conductor;
    /** Where transitions are journaled; null without a data directory. */
    private final KernelJournal journal;
    private final KernelListener[] listeners;
    private final ErrorHandler errors;

    Transitions(final SchedulerConductor conductor, final KernelJournal journal, final KernelListener[] listeners,
                final ErrorHandler errors) {
        this.conductor = conductor;
        this.journal = journal;
        this.listeners = listeners;
        this.errors = errors;
    }

    void submitted(final TaskSpec task) {
        if (journal != null && task.kind == TaskSpec.Kind.TASK && task.origin == null) {
            journal.submitted(task);
        }
        if (listeners.length != 0 && task.kind != TaskSpec.Kind.ACTOR_CREATION) {
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskSubmitted(task.taskId());
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
    }

    void started(final TaskSpec task) {
        if (journal != null && task.kind == TaskSpec.Kind.TASK && task.origin == null) {
            journal.task(JournalRecords.STARTED, task.taskId(), conductor.nowNs, task.node.index(), task.attempts);
        }
        if (listeners.length != 0) {
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskStarted(task.taskId(), task.node.nodeId(), task.attempts);
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
    }

    void finished(final TaskSpec task) {
        if (task.origin != null) {  // another member's task: its result goes back, its journal is the owner's
            conductor.clusterLink().finished(task);
        } else if (journal != null && task.kind == TaskSpec.Kind.TASK
            && !(conductor.closing && task.result.status() != ObjectState.READY)) {  // stopped by close: runs again on restart
            journal.task(task.cancelled ? JournalRecords.CANCELLED : task.result.status() != ObjectState.FAILED
                ? JournalRecords.FINISHED : JournalRecords.FAILED, task.taskId(), conductor.nowNs, 0, task.attempts);
        }
        if (listeners.length != 0 && task.kind != TaskSpec.Kind.ACTOR_CREATION) {
            final boolean succeeded = task.result.status() != ObjectState.FAILED;  // pending: held by another member
            for (final KernelListener l : listeners) {
                try {
                    l.onTaskFinished(task.taskId(), succeeded);
                } catch (final Throwable t) {
                    errors.onError(t);
                }
            }
        }
    }

    void actorState(final ActorState actor, final ActorState.Status status) {
        actor.status = status;
        final ClusterLink link = conductor.clusterLink();
        if (link != null) {
            link.actors().actorState(actor, status);
        }
        if (journal != null && !conductor.closing) {  // actors ended by close are created again on restart
            journal.actor(actor.id, conductor.nowNs, status);
        }
        for (final KernelListener l : listeners) {
            try {
                l.onActorState(actor.id, status.name());
            } catch (final Throwable t) {
                errors.onError(t);
            }
        }
    }

    void groupState(final GroupState group, final String state) {
        if (journal != null) {
            journal.group(group.id(), conductor.nowNs, state);
        }
        for (final KernelListener l : listeners) {
            try {
                l.onPlacementGroupState(group.id(), state);
            } catch (final Throwable t) {
                errors.onError(t);
            }
        }
    }
}
