package io.kairos.internal.conductor;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.placement.Bundle;
import io.kairos.spi.kernel.WorkerLauncher;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kairos.internal.conductor.SchedulerConductor.ACTOR_CHAIN_LIMIT;

/**
 * Owns the actors: creation, their ordered calls and call chains, kill and restart, and their workers; each holds
 * its resources while it lives. Conductor thread only.
 */
final class ActorLifecycle {
    final ArrayList<ActorState> actors = new ArrayList<>();
    private final ArrayList<ActorState> dirtyActors = new ArrayList<>();
    private final Map<String, ActorState> namedActors;
    private final SchedulerConductor conductor;
    private final WorkerProcesses processes;
    private final ActorWorkers workers;
    private DependencyWaits waits;
    private TaskDispatcher dispatcher;
    private Transitions transitions;

    ActorLifecycle(final SchedulerConductor conductor, final ResourceRegistry registry, final WorkerLauncher launcher,
                   final WorkerProcesses processes, final Map<String, ActorState> namedActors,
                   final long idleWorkerTimeoutNs) {
        this.conductor = conductor;
        this.processes = processes;
        this.namedActors = namedActors;
        this.workers = new ActorWorkers(conductor, registry, launcher, idleWorkerTimeoutNs);
    }

    /** Tracks a live actor (O(1), as is {@link #untrack}: 10,000s of actors come and go). */
    void track(final ActorState actor) {
        if (actor.slot < 0) {
            actor.slot = actors.size();
            actors.add(actor);
        }
    }

    private void untrack(final ActorState actor) {
        final int slot = actor.slot;
        if (slot < 0) {
            return;
        }
        final ActorState last = actors.remove(actors.size() - 1);
        if (last != actor) {
            actors.set(slot, last);
            last.slot = slot;
        }
        actor.slot = -1;
    }

    void link(final DependencyWaits waits, final TaskDispatcher dispatcher, final Transitions transitions) {
        this.waits = waits;
        this.dispatcher = dispatcher;
        this.transitions = transitions;
    }

    boolean createActor(final TaskSpec creation, final LogicalNode node) {
        return createActor(creation, node, null);
    }

    boolean createActor(final TaskSpec creation, final LogicalNode node, final Bundle bundle) {
        final ActorState actor = creation.actor;
        final ResourceAllocation allocation = bundle != null ? bundle.allocate(creation.demand) : node.allocate(creation.demand);
        if (allocation == null) {
            return false;
        }
        final Worker worker = workers.tryBorrow(node);
        if (worker == null) {  // every worker busy: not now (the dispatcher tries again when one comes back)
            dispatcher.releaseAllocation(node, bundle, allocation);
            workers.creationWaits();
            return false;
        }
        actor.workers.add(worker);
        actor.bundle = bundle;
        actor.node = node;
        actor.allocation = allocation;
        creation.node = node;
        creation.worker = worker;
        creation.state = TaskSpec.State.RUNNING;
        creation.outcome = TaskSpec.OUTCOME_NONE;
        worker.assign(creation);
        return true;
    }

    /** A worker of the actor's node lent to the actor (from the pool, or new). */
    private Worker newActorWorker(final ActorState actor) {
        final Worker worker = workers.borrow(actor.node);
        actor.workers.add(worker);
        return worker;
    }

    /** The actor's workers that no call needs now go back to the pool. */
    private void giveBackIdle(final ActorState actor) {
        Worker idle;
        while ((idle = actor.idleWorkers.poll()) != null) {
            actor.workers.remove(idle);
            workers.giveBack(idle);
        }
    }

    /** The worker of a dead actor's last call back to the pool (it clears any interrupt before its next task). */
    private void giveBack(final ActorState actor, final Worker worker) {
        actor.workers.remove(worker);
        workers.giveBack(worker);
    }

    void onActorCreationReturned(final TaskSpec creation) {
        final ActorState actor = creation.actor;
        final Worker worker = creation.worker;
        creation.worker = null;
        creation.state = TaskSpec.State.DONE;
        if (actor.status == ActorState.Status.DEAD) {
            giveBack(actor, worker);
            releaseActorIfIdle(actor);
            return;
        }
        actor.idleWorkers.push(worker);
        if (creation.outcome == TaskSpec.OUTCOME_DONE && creation.failure == null) {
            transitions.actorState(actor, ActorState.Status.ALIVE);
            markDirty(actor);
            return;
        }
        if (creation.outcome == TaskSpec.OUTCOME_CRASH && actor.restarts < actor.maxRestarts && !conductor.closing) {
            restart(actor);
            return;
        }
        kill(actor, new ActorDiedException(actor.describe() + ": its constructor failed: " + creation.failure,
            creation.failure));
    }

    void onActorCallReturned(final TaskSpec call) {
        final ActorState actor = call.actor;
        final Worker worker = call.worker;
        call.worker = null;
        actor.running--;
        if (actor.groups != null) {
            actor.groups.running[call.concurrencyGroup]--;
        }
        if (call.chainId != 0 && actor.chained.peekFirst() == call) {
            actor.chained.pollFirst();  // chained calls return in order
        }
        final boolean crashed = call.outcome == TaskSpec.OUTCOME_CRASH;
        if (!call.retrying || !retry(call, actor, crashed)) {
            call.state = TaskSpec.State.DONE;
            waits.doneObjects.add(call.result);
            transitions.finished(call);
        }
        if (!call.lastInChain) {
            return;  // its worker goes on with the next call of the chain
        }
        if (actor.status == ActorState.Status.DEAD) {
            giveBack(actor, worker);
            releaseActorIfIdle(actor);
            return;
        }
        actor.idleWorkers.push(worker);
        if (crashed) {
            if (restartsLeft(actor)) {
                restart(actor);
            } else {
                kill(actor, new ActorDiedException(actor.describe() + " crashed in " + call.name() + ": " + call.failure,
                    call.failure));
            }
            return;
        }
        markDirty(actor);
    }

    private boolean restartsLeft(final ActorState actor) {
        return actor.restarts < actor.maxRestarts && !conductor.closing;
    }

    /**
     * A call that asked to run again (maxTaskRetries) came back: queued again, in submission order, for the restarted
     * actor; or, when the actor will not live on or the call was cancelled, failed.
     *
     * @return true if it was queued again
     */
    private boolean retry(final TaskSpec call, final ActorState actor, final boolean crashed) {
        call.retrying = false;
        call.retryOnRestart = false;
        final boolean lives = crashed ? restartsLeft(actor) && actor.status == ActorState.Status.ALIVE
            : actor.status != ActorState.Status.DEAD && !conductor.closing;
        if (lives && !call.cancelled && !call.result.isDone()) {
            if (crashed) {
                takeBackChained(actor, true);  // those behind it go back behind it
            }
            call.attempts++;
            call.state = TaskSpec.State.READY;
            call.target = null;
            call.failure = null;
            call.cancelRequested = false;
            requeueInOrder(actor.queueOf(call), call);
            return true;
        }
        actor.pendingCalls.decrementAndGet();
        if (crashed) {
            call.result.fail(new TaskFailedException(call.name(), String.valueOf(call.failure), call.failure));
        } else {
            call.result.fail(new ActorDiedException(actor.describe() + " died while " + call.name() + " ran",
                actor.deathCause));
        }
        return false;
    }

    /** Puts a call back in its queue before the calls submitted after it (ids grow in submission order). */
    private void requeueInOrder(final ArrayDeque<TaskSpec> queue, final TaskSpec call) {
        final ArrayDeque<TaskSpec> earlier = new ArrayDeque<>();  // a failure path: rare
        while (!queue.isEmpty() && queue.peekFirst().taskId() < call.taskId()) {
            earlier.push(queue.pollFirst());
        }
        queue.addFirst(call);
        while (!earlier.isEmpty()) {
            queue.addFirst(earlier.pop());
        }
        markDirty(call.actor);
    }

    void onKill(final SchedulerConductor.KillCommand command) {
        final ActorState actor = command.actor;
        if (actor.status == ActorState.Status.DEAD) {
            return;
        }
        if (actor.isProxy()) {  // it lives on another member: that member kills (or restarts) it
            conductor.clusterLink().actors().killRemote(actor, command.noRestart);
            if (command.noRestart || actor.lookedUp) {
                kill(actor, new ActorDiedException(actor.describe() + " was killed", null));
            }
            return;
        }
        final boolean canRestart = !command.noRestart && actor.restarts < actor.maxRestarts && !conductor.closing
            && actor.status != ActorState.Status.PENDING_CREATION;
        if (canRestart) {
            takeBackChained(actor, true);  // before any interrupt: an interrupted call's worker would claim the next
            failRunningCalls(actor, actor.describe() + " was killed and is restarting", true);
            restart(actor);
        } else {
            kill(actor, new ActorDiedException(actor.describe() + " was killed", null));
        }
    }

    /**
     * An actor's worker process ended (told by the JDK's process reaper): restart the actor now, as after a crash,
     * if it is idle in that process; a running call finds the process dead and returns as crashed instead.
     */
    void actorProcessExited(final ActorState actor, final WorkerProcesses.RemoteActor remote) {
        if (actor.instance != remote || actor.status != ActorState.Status.ALIVE || actor.running > 0 || conductor.closing) {
            return;
        }
        final String why = remote.process.died(null).getMessage();
        if (actor.restarts < actor.maxRestarts) {
            restart(actor);
        } else {
            kill(actor, new ActorDiedException(actor.describe() + " died: its " + why, null));
        }
    }

    /** Forgets the actor's instance; one in a worker process leaves it (the process ends, or hosts the others). */
    private void dropInstance(final ActorState actor) {
        if (actor.instance instanceof WorkerProcesses.RemoteActor) {
            final WorkerProcesses.RemoteActor remote = (WorkerProcesses.RemoteActor) actor.instance;
            processes.actorGone(remote.process, remote.actorId);
        }
        actor.instance = null;
    }

    /** Runs the constructor again (a new instance); queued calls wait for it. */
    private void restart(final ActorState actor) {
        takeBackChained(actor, true);
        actor.restarts++;
        transitions.actorState(actor, ActorState.Status.RESTARTING);
        dropInstance(actor);
        final TaskSpec creation = actor.creation;
        creation.failure = null;
        creation.outcome = TaskSpec.OUTCOME_NONE;
        creation.attempts++;
        Worker worker = actor.idleWorkers.poll();
        if (worker == null) {
            worker = newActorWorker(actor);
        }
        creation.worker = worker;
        creation.state = TaskSpec.State.RUNNING;
        worker.assign(creation);
    }

    /** One of this kernel's actors is alive on another member: its creation is done, its calls may go. */
    void remoteActorAlive(final ActorState actor) {
        final TaskSpec creation = actor.creation;
        creation.state = TaskSpec.State.DONE;
        if (creation.result.complete(null)) {
            waits.doneObjects.add(creation.result);
        }
        transitions.actorState(actor, ActorState.Status.ALIVE);
        markDirty(actor);
    }

    /** The member one of this kernel's actors lived on left: it is created again elsewhere, or it is dead. */
    void remoteActorLost(final ActorState actor, final String why) {
        if (actor.restarts < actor.maxRestarts && !conductor.closing && !actor.lookedUp) {
            actor.restarts++;
            transitions.actorState(actor, ActorState.Status.RESTARTING);
            actor.hostNode = null;
            actor.node = null;
            final TaskSpec creation = actor.creation;
            creation.state = TaskSpec.State.READY;
            creation.outcome = TaskSpec.OUTCOME_NONE;
            creation.attempts++;
            dispatcher.classOf(creation).queue.add(creation);
            conductor.dispatchNeeded = true;
            return;
        }
        kill(actor, new ActorDiedException(actor.describe() + " died: " + why, null));
    }

    /** A call of an actor living on another member came back (or failed there). */
    void onRemoteCallReturned(final TaskSpec call) {
        call.state = TaskSpec.State.DONE;
        call.actor.pendingCalls.decrementAndGet();
        waits.doneObjects.add(call.result);
        transitions.finished(call);
    }

    /** The actor is dead for good: queued calls fail, running ones are interrupted and fail, resources return. */
    void kill(final ActorState actor, final ActorDiedException cause) {
        actor.deathCause = cause;
        transitions.actorState(actor, ActorState.Status.DEAD);
        if (actor.allocation == null) {
            untrack(actor);  // never placed: nothing to give back later
        }
        dropInstance(actor);
        if (actor.name != null) {
            namedActors.remove(actor.name, actor);
        }
        final TaskSpec creation = actor.creation;
        if (creation.state == TaskSpec.State.READY || creation.state == TaskSpec.State.WAITING_FOR_ARGS) {
            waits.finish(creation, cause);
        } else if (creation.state == TaskSpec.State.RUNNING && creation.worker != null) {
            creation.cancelRequested = true;
            creation.worker.thread.interrupt();
        } else if (creation.state == TaskSpec.State.RUNNING) {
            creation.state = TaskSpec.State.DONE;  // sent to another member, which never answered
        }
        creation.result.fail(cause);
        takeBackChained(actor, false);
        failQueued(actor, actor.calls);
        if (actor.groups != null) {
            for (final ArrayDeque<TaskSpec> queue : actor.groups.queues) {
                failQueued(actor, queue);
            }
        }
        failRunningCalls(actor, actor.describe() + " died", false);
        giveBackIdle(actor);
        releaseActorIfIdle(actor);
    }

    private void failQueued(final ActorState actor, final ArrayDeque<TaskSpec> queue) {
        TaskSpec call;
        while ((call = queue.poll()) != null) {
            if (call.state == TaskSpec.State.READY || call.state == TaskSpec.State.WAITING_FOR_ARGS) {
                waits.finish(call, actorDied(actor, call.name()));
            }
        }
    }

    /**
     * Interrupts the actor's running calls and fails them, or, when the actor restarts and a call has retries left
     * (maxTaskRetries), marks it to run again: its worker hands it back unfinished.
     */
    private void failRunningCalls(final ActorState actor, final String why, final boolean restarting) {
        for (final Worker worker : actor.workers) {
            final TaskSpec running = worker.running;
            if (running != null && running.kind == TaskSpec.Kind.ACTOR_CALL && running.state == TaskSpec.State.RUNNING) {
                if (!retryAfterRestart(running, actor, restarting)
                    && running.result.fail(new ActorDiedException(why + " while " + running.name() + " ran", actor.deathCause))) {
                    waits.doneObjects.add(running.result);
                }
                running.cancelRequested = true;  // after retryOnRestart: the worker reads them in this order
                worker.thread.interrupt();
            }
        }
        for (final TaskSpec claimed : actor.chained) {  // a worker took them but may not have begun: they fail
            if (!retryAfterRestart(claimed, actor, restarting)
                && claimed.result.fail(new ActorDiedException(why + " before " + claimed.name() + " ran", actor.deathCause))) {
                waits.doneObjects.add(claimed.result);
            }
            claimed.cancelRequested = true;
        }
    }

    private static boolean retryAfterRestart(final TaskSpec call, final ActorState actor, final boolean restarting) {
        if (restarting && !call.cancelled && call.attempts < actor.options.maxTaskRetries) {
            call.retryOnRestart = true;
            return true;
        }
        return false;
    }

    private void releaseActorIfIdle(final ActorState actor) {
        if (actor.allocation != null && actor.running == 0 && actor.creation.worker == null) {
            dispatcher.releaseAllocation(actor.node, actor.bundle, actor.allocation);
            actor.allocation = null;
            actor.bundle = null;
            conductor.dispatchNeeded = true;
            untrack(actor);
        }
    }

    ActorDiedException actorDied(final ActorState actor, final String callName) {
        return new ActorDiedException(actor.describe() + " is dead; " + callName + " did not run", actor.deathCause);
    }

    void markDirty(final ActorState actor) {
        if (!actor.dirty) {
            actor.dirty = true;
            dirtyActors.add(actor);
        }
    }

    int dispatchActorCalls() {
        workers.wakeWaiting(this);
        if (dirtyActors.isEmpty()) {
            return workers.stopIdle();
        }
        int dispatched = 0;
        for (int i = 0; i < dirtyActors.size(); i++) {
            final ActorState actor = dirtyActors.get(i);
            actor.dirty = false;
            if (actor.isProxy()) {  // it lives on another member: its calls go there in order, that member runs them
                dispatched += conductor.clusterLink().actors().sendQueue(actor, actor.calls);
                if (actor.groups != null) {
                    for (int g = 1; g < actor.groups.queues.length; g++) {
                        dispatched += conductor.clusterLink().actors().sendQueue(actor, actor.groups.queues[g]);
                    }
                }
                continue;
            }
            if (actor.groups != null) {
                dispatched += dispatchGroups(actor, actor.groups);
                giveBackIdle(actor);
                continue;
            }
            while (actor.status == ActorState.Status.ALIVE && actor.running < actor.maxConcurrency
                && peekReadyCall(actor.calls) != null) {
                final Worker worker = borrowWorker(actor);
                if (worker == null) {
                    break;
                }
                final TaskSpec call = actor.calls.poll();
                prime(call, actor, worker);
                call.chainId = 0;
                if (actor.maxConcurrency == 1) {
                    dispatched += chainAfter(call, actor, worker);  // they run in order on this worker anyway
                }
                dispatched++;
                worker.assign(call);
            }
            giveBackIdle(actor);
        }
        dirtyActors.clear();
        waits.completeDoneObjects();
        return dispatched;
    }

    /** An idle worker of the actor, or one borrowed from its node's pool; null (and a wait) when none is free. */
    private Worker borrowWorker(final ActorState actor) {
        Worker worker = actor.idleWorkers.poll();
        if (worker == null) {
            worker = workers.tryBorrow(actor.node);
            if (worker == null) {
                workers.waits(actor);  // dirty again when a worker comes back or may be started
                return null;
            }
            actor.workers.add(worker);
        }
        return worker;
    }

    /** An actor with concurrency groups: each group starts its ready calls up to its own limit, in its own order. */
    private int dispatchGroups(final ActorState actor, final ConcurrencyGroups groups) {
        int dispatched = 0;
        for (int g = 0; g < groups.queues.length; g++) {
            while (actor.status == ActorState.Status.ALIVE && groups.running[g] < groups.limits[g]
                && peekReadyCall(groups.queues[g]) != null) {
                final Worker worker = borrowWorker(actor);
                if (worker == null) {
                    return dispatched;
                }
                final TaskSpec call = groups.queues[g].poll();
                groups.running[g]++;
                prime(call, actor, worker);
                call.chainId = 0;
                dispatched++;
                worker.assign(call);
            }
        }
        return dispatched;
    }

    /** Takes the head call if it is ready (in order: a call whose arguments are pending holds back the rest). */
    private static TaskSpec nextReadyCall(final ArrayDeque<TaskSpec> queue) {
        return peekReadyCall(queue) == null ? null : queue.poll();
    }

    /** The head call if it is ready, left queued; drops the cancelled ones before it. */
    static TaskSpec peekReadyCall(final ArrayDeque<TaskSpec> queue) {
        TaskSpec call;
        while ((call = queue.peek()) != null && call.state == TaskSpec.State.DONE) {
            queue.poll();  // cancelled while queued
        }
        return call == null || call.state != TaskSpec.State.READY ? null : call;
    }

    private void prime(final TaskSpec call, final ActorState actor, final Worker worker) {
        actor.running++;
        call.target = actor.instance;
        call.node = actor.node;
        call.worker = worker;
        call.state = TaskSpec.State.RUNNING;
        call.outcome = TaskSpec.OUTCOME_NONE;
        call.chainNext = null;
        call.lastInChain = true;
        transitions.started(call);
    }

    /**
     * Links the ready calls queued behind head into a chain its worker runs one after another, each claimable by
     * that chain only, so that kill, restart and cancel can take back those not started yet.
     */
    private int chainAfter(final TaskSpec head, final ActorState actor, final Worker worker) {
        TaskSpec previous = head;
        int chained = 0;
        TaskSpec call;
        while (chained < ACTOR_CHAIN_LIMIT && (call = nextReadyCall(actor.calls)) != null) {
            if (chained == 0) {
                head.chainId = dispatcher.nextChainId();
            }
            prime(call, actor, worker);
            call.chainId = head.chainId;
            call.offerToChain(head.chainId);
            previous.chainNext = call;
            previous = call;
            actor.chained.add(call);
            chained++;
        }
        return chained;
    }

    /** Takes back the chained calls no worker started: requeued in order (restart) or failed (death). */
    void takeBackChained(final ActorState actor, final boolean requeue) {
        for (final java.util.Iterator<TaskSpec> it = actor.chained.descendingIterator(); it.hasNext();) {
            final TaskSpec call = it.next();
            if (!call.takeBack(call.chainId)) {
                continue;  // started: it returns through the worker
            }
            it.remove();
            actor.running--;
            call.worker = null;
            if (requeue) {
                call.state = TaskSpec.State.READY;
                actor.calls.addFirst(call);
            } else {
                waits.finish(call, actorDied(actor, call.name()));
            }
        }
    }

    /** Close: every live actor is killed. Adds the workers of all actors (the pool's, before any stops). */
    void close(final List<Worker> all) {
        all.addAll(workers.all);
        for (final ActorState actor : new ArrayList<>(actors)) {
            if (actor.status != ActorState.Status.DEAD) {
                kill(actor, new ActorDiedException(actor.describe() + ": the kernel closed", null));
            }
        }
    }
}
