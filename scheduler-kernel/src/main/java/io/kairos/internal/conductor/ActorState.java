package io.kairos.internal.conductor;

import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.placement.Bundle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One actor: its options (immutable), what callers count, and what the conductor owns. */
public final class ActorState {
    public enum Status { PENDING_CREATION, ALIVE, RESTARTING, DEAD }

    final long id;
    final String name;
    final String className;
    /** A Python actor (its methods are called by name in a Python worker). */
    private boolean python;
    final int maxConcurrency;
    final int maxRestarts;
    final int maxPendingCalls;
    final AtomicInteger pendingCalls = new AtomicInteger();
    /** Retries, named groups (set before the actor is offered to the conductor). */
    ActorOptions options = ActorOptions.NONE;
    /** Its concurrency groups, or null when it has none (set with options). */
    ConcurrencyGroups groups;
    volatile Status status = Status.PENDING_CREATION;
    volatile Object instance;

    // --- conductor ---
    TaskSpec creation;
    int restarts;
    int running;
    final ArrayDeque<TaskSpec> calls = new ArrayDeque<>();
    /** Calls handed to a worker behind a chain's head and not returned yet, in order. */
    final ArrayDeque<TaskSpec> chained = new ArrayDeque<>();
    /** The workers lent to it now (running its calls, or idle until the conductor's next dispatch gives them back). */
    final List<Worker> workers = new ArrayList<>(1);
    final ArrayDeque<Worker> idleWorkers = new ArrayDeque<>(2);
    LogicalNode node;
    ResourceAllocation allocation;
    Bundle bundle;
    Throwable deathCause;
    boolean dirty;
    /** Its index among the conductor's live actors, or -1 (see ActorLifecycle#track). */
    int slot = -1;
    /** Whether it has a ready call and waits for a worker of the pool (ActorWorkers#waits). */
    boolean waitsForWorker;

    // --- cluster: an actor that lives on another member (this is its proxy), or one hosted here for another ---
    /** The member the actor lives on when this is a proxy for it; null for an actor of this kernel. */
    String hostNode;
    /** Its id on that member (known once it is alive there). */
    long hostActorId;
    /** The member that created this actor here (it owns it); null when this kernel did. */
    String originNode;
    /** The actor's id at that member. */
    long originActorId;
    /** A proxy made by a lookup of another member's named actor (its owner, not this kernel, publishes the name). */
    boolean lookedUp;
    /** Host: the name of a detached actor hosted here, which this member claims once the actor's owner has left. */
    String detachedName;
    /** Host: this member holds that name now (the owner left). */
    boolean adopted;

    ActorState(final long id, final String name, final String className, final int maxConcurrency,
               final int maxRestarts, final int maxPendingCalls) {
        this.id = id;
        this.name = name;
        this.className = className;
        this.maxConcurrency = maxConcurrency;
        this.maxRestarts = maxRestarts;
        this.maxPendingCalls = maxPendingCalls;
    }

    /**
     * Gives the actor its options (before it is offered to the conductor).
     *
     * @throws IllegalArgumentException if the actor is isolated and has concurrency groups (one call at a time)
     */
    void configure(final ActorOptions options, final boolean isolated) {
        if (options == null) {
            return;
        }
        if (isolated && options.hasGroups()) {
            throw new IllegalArgumentException(describe() + ": an isolated actor runs one call at a time: it cannot "
                + "have concurrency groups");
        }
        this.options = options;
        this.groups = options.hasGroups() ? new ConcurrencyGroups(options, maxConcurrency, calls) : null;
    }

    /**
     * The index of a named concurrency group, as an actor call carries it.
     *
     * @param group the group's name, not null
     * @return its index, 1 and up
     * @throws IllegalArgumentException if the actor has no group of that name
     */
    public int groupIndex(final String group) {
        return options.groupIndex(group, describe());
    }

    /** The queue a call waits in: its group's, or the actor's one queue. */
    ArrayDeque<TaskSpec> queueOf(final TaskSpec call) {
        return groups == null ? calls : groups.queues[call.concurrencyGroup];
    }

    public long id() {
        return id;
    }

    /** The actor's name, or null. */
    public String name() {
        return name;
    }

    public Status status() {
        return status;
    }

    /** The node it lives on while alive (another member's on a cluster), or null; read from any thread. */
    public String nodeId() {
        final LogicalNode n = node;
        return status == Status.ALIVE && n != null ? n.nodeId() : null;
    }

    /** Whether it lives on another member of the cluster (this is its proxy). */
    boolean isProxy() {
        return hostNode != null;
    }

    public boolean isPython() {
        return python;
    }

    /** Whether this handle knows the actor's kind: not a proxy found by name (its host checks each call instead). */
    public boolean kindKnown() {
        return !lookedUp;
    }

    void python(final boolean python) {
        this.python = python;
    }

    public String describe() {
        return "actor " + (name != null ? "'" + name + "' " : "") + "(" + className + " #" + id + ")";
    }
}
