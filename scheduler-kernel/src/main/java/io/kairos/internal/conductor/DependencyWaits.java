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
        final int pending = awaitArgs(task, true);
        if (pending < 0) {
            return;
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

    /**
     * Makes the task a dependent of each of its pending arguments and returns how many there are, or -1 after failing
     * it for a failed one. With locality (at submission), an argument another member holds that the task can read
     * where it is counts as ready ({@link #canRunWhereHeld}); without (its held arguments could not be read there),
     * every pending argument held elsewhere is pulled, now or as soon as it is held.
     */
    private int awaitArgs(final TaskSpec task, final boolean locality) {
        final ClusterLink link = conductor.clusterLink();
        int pending = 0;
        for (int i = 0; i < task.arity; i++) {
            if (!(task.args[i] instanceof ObjectState)) {
                continue;
            }
            final ObjectState arg = (ObjectState) task.args[i];
            final int status = arg.status();
            if (status == ObjectState.FAILED) {
                finish(task, new TaskFailedException(task.name(), "argument " + i + " failed", arg.error()));
                return -1;
            }
            if (status != ObjectState.PENDING) {
                continue;
            }
            final TaskSpec producer = arg.producer;
            if (producer != null) {
                producer.hasDependents = true;
            }
            if (link != null && (!locality || producer != null && producer.state == TaskSpec.State.DONE)) {
                final String holder = locality ? link.pulls().holder(arg) : null;  // done, yet pending: held elsewhere
                if (holder != null && canRunWhereHeld(task, holder)) {
                    task.heldArgs = true;  // it may run there
                    continue;
                }
                link.want(arg);
            }
            if (arg.dependents == null) {
                arg.dependents = new ArrayList<>(2);
            }
            arg.dependents.add(task);
            pending++;
        }
        return pending;
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

    /**
     * Ray's locality: whether a task may take an object another member holds as ready, to run on that member with it
     * read in place there: a plain task of this kernel placed by the default policy (the dispatcher sends it there if
     * that member has room when it is its turn, else it waits for a pull), or a call of an actor that lives there.
     */
    static boolean canRunWhereHeld(final TaskSpec task, final String holder) {
        if (task.kind == TaskSpec.Kind.TASK) {
            return task.origin == null && task.group == null
                && task.strategy.kind() == io.kairos.spi.scheduling.SchedulingStrategy.Kind.DEFAULT;
        }
        return task.kind == TaskSpec.Kind.ACTOR_CALL && holder.equals(task.actor.hostNode);
    }

    /**
     * An object came back held by another member: its dependents that can run where it is take it as ready
     * ({@link #canRunWhereHeld}).
     *
     * @return whether no dependent is left that needs it pulled here
     */
    boolean takeWhereHeld(final ObjectState object, final String holder) {
        final ArrayList<TaskSpec> dependents = object.dependents;
        if (dependents == null) {
            return true;
        }
        int kept = 0;
        for (int i = 0, n = dependents.size(); i < n; i++) {
            final TaskSpec task = dependents.get(i);
            if (task.state != TaskSpec.State.WAITING_FOR_ARGS) {
                continue;
            }
            if (!canRunWhereHeld(task, holder)) {
                dependents.set(kept++, task);
                continue;
            }
            task.heldArgs = true;
            if (--task.pendingArgs == 0) {
                makeReady(task);
            }
        }
        if (kept == 0) {
            object.dependents = null;
            return true;
        }
        dependents.subList(kept, dependents.size()).clear();
        return false;
    }

    /**
     * A task that took held objects as ready cannot run where they are (that member has no room now, they are on
     * different members, or one was pulled or lost since): it waits for its pending arguments here, as any task,
     * and those held elsewhere are pulled.
     */
    void waitForPulls(final TaskSpec task) {
        task.heldArgs = false;
        final int pending = awaitArgs(task, false);
        if (pending < 0) {
            return;
        }
        if (pending == 0) {
            makeReady(task);
        } else {
            task.pendingArgs = pending;
            task.state = TaskSpec.State.WAITING_FOR_ARGS;
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
