package io.kairos.internal.conductor;

import io.kairos.exception.TaskCancelledException;
import io.kairos.exception.TaskFailedException;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Owns the argument waits of submitted tasks and the objects completed in a step, whose dependents it wakes or
 * fails; a task whose arguments are all ready goes to its queue. Conductor thread only.
 */
final class DependencyWaits {
    final ArrayDeque<ObjectState> doneObjects = new ArrayDeque<>();
    private final SchedulerConductor conductor;
    private TaskDispatcher dispatcher;
    private ActorLifecycle lifecycle;
    private Transitions transitions;

    DependencyWaits(final SchedulerConductor conductor) {
        this.conductor = conductor;
    }

    void link(final TaskDispatcher dispatcher, final ActorLifecycle lifecycle, final Transitions transitions) {
        this.dispatcher = dispatcher;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
    }

    void onSubmit(final TaskSpec task) {
        transitions.submitted(task);
        if (conductor.closing) {
            finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
            return;
        }
        int pending = 0;
        for (int i = 0; i < task.arity; i++) {
            if (task.args[i] instanceof ObjectState) {
                final ObjectState arg = (ObjectState) task.args[i];
                final int status = arg.status();
                if (status == ObjectState.FAILED) {
                    finish(task, new TaskFailedException(task.name(), "argument " + i + " failed", arg.error()));
                    return;
                }
                if (status == ObjectState.PENDING) {
                    if (arg.dependents == null) {
                        arg.dependents = new ArrayList<>(2);
                    }
                    arg.dependents.add(task);
                    if (arg.producer != null) {
                        arg.producer.hasDependents = true;
                        if (arg.producer.state == TaskSpec.State.DONE && conductor.clusterLink() != null) {
                            conductor.clusterLink().want(arg);  // done, yet pending: held by another member
                        }
                    }
                    pending++;
                }
            }
        }
        task.pendingArgs = pending;
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            lifecycle.track(task.actor);
        } else if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            if (task.actor.status == ActorState.Status.DEAD) {
                finish(task, lifecycle.actorDied(task.actor, task.name()));
                return;
            }
            task.actor.queueOf(task).add(task);  // submission order, whatever order the arguments resolve in
        }
        if (pending == 0) {
            makeReady(task);
        } else {
            task.state = TaskSpec.State.WAITING_FOR_ARGS;
        }
    }

    /** Marks a task that never ran (or will not run again) done with a failure. */
    void finish(final TaskSpec task, final RuntimeException failure) {
        if (task.kind == TaskSpec.Kind.ACTOR_CALL && task.state != TaskSpec.State.DONE) {
            task.actor.pendingCalls.decrementAndGet();
        }
        task.state = TaskSpec.State.DONE;
        task.target = null;  // a call that never ran must not keep its dead actor's instance reachable
        if (task.result.fail(failure)) {
            doneObjects.add(task.result);
        }
        transitions.finished(task);
    }

    /** Wakes the dependents of every object completed in this step; a failure fails them in turn. */
    void completeDoneObjects() {
        ObjectState done;
        while ((done = doneObjects.poll()) != null) {
            final ArrayList<TaskSpec> dependents = done.dependents;
            if (dependents == null) {
                continue;
            }
            done.dependents = null;
            for (int i = 0, n = dependents.size(); i < n; i++) {
                final TaskSpec task = dependents.get(i);
                if (task.state != TaskSpec.State.WAITING_FOR_ARGS) {
                    continue;
                }
                if (done.status() == ObjectState.FAILED) {
                    finish(task, new TaskFailedException(task.name(), "an argument failed", done.error()));
                } else if (conductor.closing) {
                    finish(task, new TaskCancelledException("kernel closed before task '" + task.name() + "' ran"));
                } else if (--task.pendingArgs == 0) {
                    makeReady(task);
                }
            }
        }
    }

    void makeReady(final TaskSpec task) {
        task.state = TaskSpec.State.READY;
        if (task.kind == TaskSpec.Kind.ACTOR_CALL) {
            lifecycle.markDirty(task.actor);
            return;
        }
        dispatcher.classOf(task).queue.add(task);
        conductor.dispatchNeeded = true;
    }
}
