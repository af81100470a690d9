package io.kairos.internal.conductor;

import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.kernel.WorkerLauncher;
import io.kairos.spi.scheduling.FixedPoint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-process threads that actors run on, a pool per node. An actor borrows a worker to run its constructor or
 * its calls and gives it back as soon as it has no ready call left, so an idle actor holds no thread, a new actor
 * starts no thread when one is idle, and a killed actor leaves none behind. (Before, every actor started a thread of
 * its own and kept it until it died: ~200 µs a thread start here, and 10,000 idle actors were 10,000 threads, each
 * spinning and yielding before it parked, on 2 cores.) A worker given back goes to the top of its node's stack, so a
 * busy actor usually gets the same thread again; but an actor's calls are not bound to one thread (they run one at
 * a time, in order, each seeing what the one before wrote: every hand-over goes through the conductor).
 *
 * <p>The pool starts a worker at once while it has fewer than {@value #SOFT_PER_CPU} per CPU of the node (plus
 * {@value #SOFT_EXTRA}); beyond that, while every worker is busy, one more every {@value #GROW_NS} ns in which none
 * came back, so a burst of 10,000 new actors waits a few microseconds for a worker instead of starting 10,000
 * threads, and actors whose calls block (for as long as they like, maybe on each other) still get threads: no
 * deadlock, as before. It shrinks back to the node's CPUs once workers have been idle for the idle-worker timeout.
 * Conductor thread only.
 */
final class ActorWorkers {
    private final SchedulerConductor conductor;
    private final ResourceRegistry registry;
    private final WorkerLauncher launcher;
    private final long idleTimeoutNs;
    /** Idle workers by node index, the most recently idle first. */
    @SuppressWarnings("unchecked")
    private ArrayDeque<Worker>[] idle = new ArrayDeque[0];
    /** Every live worker of the pool, busy or idle. */
    final List<Worker> all = new ArrayList<>();
    /** Workers started at once, per CPU of the node, before the pool grows only with time. */
    static final int SOFT_PER_CPU = 2;
    static final int SOFT_EXTRA = 2;
    /** Beyond the soft size: one more worker per this many ns in which no worker came back. */
    static final long GROW_NS = 200_000;
    private int started;
    private long nextIdleCheckNs;
    /** When a worker last came back or was started. */
    private long lastProgressNs;
    /** Actors with ready calls that found no worker: marked dirty again when one comes back or may be started. */
    private final ArrayList<ActorState> waiting = new ArrayList<>();
    /** Whether an actor creation found no worker: the dispatcher tries again at the same moments. */
    private boolean creationsWait;

    ActorWorkers(final SchedulerConductor conductor, final ResourceRegistry registry, final WorkerLauncher launcher,
                 final long idleTimeoutNs) {
        this.conductor = conductor;
        this.registry = registry;
        this.launcher = launcher;
        this.idleTimeoutNs = idleTimeoutNs;
        this.nextIdleCheckNs = conductor.nowNs + idleTimeoutNs;
    }

    /** An idle worker of the node, or a new one if the pool may grow now; else null (see the class comment). */
    Worker tryBorrow(final LogicalNode node) {
        final Worker worker = idle(node.index()).poll();
        if (worker != null) {
            return worker;
        }
        if (all.size() >= SOFT_PER_CPU * keep(node) + SOFT_EXTRA && conductor.nowNs - lastProgressNs < GROW_NS) {
            return null;
        }
        return borrow(node);
    }

    /** An actor creation found no worker: the dispatcher tries it again when one comes back or may be started. */
    void creationWaits() {
        creationsWait = true;
    }

    /** An actor with a ready call found no worker. */
    void waits(final ActorState actor) {
        if (!actor.waitsForWorker) {
            actor.waitsForWorker = true;
            waiting.add(actor);
        }
    }

    /**
     * When a worker came back, or the pool may grow: the actors that waited for a worker are dirty again (the
     * caller dispatches them) and the dispatcher runs again for waiting creations.
     */
    void wakeWaiting(final ActorLifecycle lifecycle) {
        if (waiting.isEmpty() && !creationsWait) {
            return;
        }
        if (conductor.nowNs - lastProgressNs < GROW_NS && !hasIdle()) {
            return;
        }
        for (int i = 0; i < waiting.size(); i++) {
            final ActorState actor = waiting.get(i);
            actor.waitsForWorker = false;
            lifecycle.markDirty(actor);
        }
        waiting.clear();
        if (creationsWait) {
            creationsWait = false;
            conductor.dispatchNeeded = true;
        }
    }

    private boolean hasIdle() {
        for (final ArrayDeque<Worker> workers : idle) {
            if (workers != null && !workers.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** An idle worker of the node, or a new one (a restart: it must not wait). */
    Worker borrow(final LogicalNode node) {
        final Worker worker = idle(node.index()).poll();
        if (worker != null) {
            return worker;
        }
        lastProgressNs = conductor.nowNs;
        final Worker fresh = new Worker(conductor, node, registry, -(++started), launcher);
        all.add(fresh);
        fresh.start();
        return fresh;
    }

    /** An idle worker back to its node's pool. */
    void giveBack(final Worker worker) {
        worker.idleSinceNs = conductor.nowNs;
        lastProgressNs = conductor.nowNs;
        idle(worker.node.index()).push(worker);
    }

    /** A worker that must not serve another actor (its actor died under it: it may carry an interrupt): it stops. */
    void discard(final Worker worker) {
        all.remove(worker);
        worker.stop();
    }

    /** Stops the workers idle for the timeout beyond each node's CPUs, when a check is due; how many stopped. */
    int stopIdle() {
        if (conductor.nowNs - nextIdleCheckNs < 0) {
            return 0;
        }
        nextIdleCheckNs = conductor.nowNs + idleTimeoutNs;
        int stopped = 0;
        for (final ArrayDeque<Worker> workers : idle) {
            Worker oldest;
            while (workers != null && (oldest = workers.peekLast()) != null
                && workers.size() > keep(oldest.node)
                && conductor.nowNs - oldest.idleSinceNs >= idleTimeoutNs) {
                workers.pollLast();
                discard(oldest);
                stopped++;
            }
        }
        return stopped;
    }

    /** Idle workers a node keeps however long they idle: its CPUs, rounded up, at least one. */
    private static int keep(final LogicalNode node) {
        return Math.max(1, (int) Math.ceil(FixedPoint.toUnits(node.total(ResourceRegistry.CPU))));
    }

    private ArrayDeque<Worker> idle(final int node) {
        if (node >= idle.length) {
            idle = Arrays.copyOf(idle, Math.max(node + 1, idle.length * 2));
        }
        ArrayDeque<Worker> workers = idle[node];
        if (workers == null) {
            workers = new ArrayDeque<>();
            idle[node] = workers;
        }
        return workers;
    }
}
