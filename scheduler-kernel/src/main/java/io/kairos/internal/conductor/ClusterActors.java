package io.kairos.internal.conductor;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.TaskFailedException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.placement.Bundle;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.kairos.internal.conductor.ClusterLink.ACTOR_ALIVE;
import static io.kairos.internal.conductor.ClusterLink.ACTOR_CALL;
import static io.kairos.internal.conductor.ClusterLink.ACTOR_CREATE;
import static io.kairos.internal.conductor.ClusterLink.ACTOR_DEAD;
import static io.kairos.internal.conductor.ClusterLink.ACTOR_KILL;
import static io.kairos.internal.conductor.ClusterLink.ACTOR_STATE;

/**
 * Actors across cluster members (conductor thread only). An actor of this kernel that a policy placed on another
 * member lives there; here it is a proxy whose calls go to that member in order, and whose life and death that
 * member reports. Actors other members placed here, and this kernel's named actors, take calls from other members.
 * A named actor is published to the control store when it is alive, so other members find it by name; an actor whose
 * member leaves starts again elsewhere within its restarts, and actors hosted for an owner that leaves are killed.
 */
final class ClusterActors {
    private final ClusterLink link;
    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final Cluster cluster;
    private final ClusterWire wire;
    private final ExpandableArrayBuffer out;
    private final Long2ObjectHashMap<TaskSpec> inFlight;
    /** Actors of this kernel living on other members, by this kernel's actor id. */
    private final Long2ObjectHashMap<ActorState> proxies = new Long2ObjectHashMap<>();
    /** Actors here that other members may call: those hosted for them, and this kernel's published named ones. */
    private final Long2ObjectHashMap<ActorState> callable = new Long2ObjectHashMap<>();
    private TaskDispatcher dispatcher;
    private DependencyWaits waits;
    private ActorLifecycle lifecycle;

    ClusterActors(final ClusterLink link, final SchedulerConductor conductor, final ClusterTransport transport,
                  final Cluster cluster, final ClusterWire wire, final Long2ObjectHashMap<TaskSpec> inFlight) {
        this.link = link;
        this.conductor = conductor;
        this.transport = transport;
        this.cluster = cluster;
        this.wire = wire;
        this.out = wire.out;
        this.inFlight = inFlight;
    }

    void link(final TaskDispatcher dispatcher, final DependencyWaits waits, final ActorLifecycle lifecycle) {
        this.dispatcher = dispatcher;
        this.waits = waits;
        this.lifecycle = lifecycle;
    }

    /** A call of a proxy came back (or failed there). */
    void callReturned(final TaskSpec call) {
        lifecycle.onRemoteCallReturned(call);
    }

    /** A member left: this kernel's actors that lived there start again elsewhere, or die. */
    void nodeLeft(final LogicalNode node, final String reason) {
        final List<ActorState> homeless = new ArrayList<>();
        for (final ActorState actor : proxies.values()) {
            if (actor.node == node) {
                homeless.add(actor);
            }
        }
        for (final ActorState actor : homeless) {
            proxies.remove(actor.id);
            lifecycle.remoteActorLost(actor, "its node '" + node.nodeId() + "' left the cluster (" + reason + ")");
        }
    }

    /** An owner left: the actors hosted here for it are killed (Ray ends an owner's actors with it). */
    void ownerLeft(final String nodeId) {
        final List<ActorState> orphans = new ArrayList<>();
        for (final ActorState actor : callable.values()) {
            if (!nodeId.equals(actor.originNode)) {
                continue;
            }
            if (actor.detachedName != null && actor.status != ActorState.Status.DEAD) {
                actor.adopted = true;  // a detached actor outlives its owner: this member holds its name from now on
                actor.originNode = null;
                transport.adoptActor(actor.detachedName, link.localNodeId(), actor.id);
            } else {
                orphans.add(actor);
            }
        }
        for (final ActorState actor : orphans) {
            lifecycle.onKill(new SchedulerConductor.KillCommand(actor, true));
        }
    }

    /**
     * Asks the member whose node the policy chose to create an actor of this kernel; it lives there from then on,
     * and this kernel keeps a proxy that sends it its calls in order.
     */
    boolean forwardActor(final TaskSpec creation, final LogicalNode node, final Bundle bundle) {
        final ActorState actor = creation.actor;
        if (bundle != null) {
            if (!bundle.fits(creation.demand)) {  // the member holding the bundle keeps its accounts
                return false;
            }
        } else {
            final ResourceAllocation allocation = dispatcher.spareAllocation();
            if (!node.allocate(creation.demand, allocation)) {
                dispatcher.recycle(allocation);
                return false;
            }
            node.forget(allocation);  // the actor holds them there: that member's reports say so from now on
            dispatcher.recycle(allocation);
        }
        int at = 0;
        out.putInt(at, ACTOR_CREATE);
        at += 4;
        out.putLong(at, actor.id);
        at += 8;
        out.putInt(at, actor.maxConcurrency);
        at += 4;
        out.putInt(at, Math.max(0, actor.maxRestarts - actor.restarts));
        at += 4;
        out.putByte(at++, (byte) (creation.isolated ? 1 : 0));
        at = link.putBundle(at, creation.group, bundle);
        at += out.putStringUtf8(at, actor.options.detached && actor.name != null ? actor.name : "");
        out.putInt(at, actor.options.maxTaskRetries);
        at += 4;
        final java.util.Map<String, Integer> groups = actor.options.groups();
        out.putInt(at, groups.size());
        at += 4;
        for (final java.util.Map.Entry<String, Integer> group : groups.entrySet()) {
            at += out.putStringUtf8(at, group.getKey());
            out.putInt(at, group.getValue());
            at += 4;
        }
        at += out.putStringUtf8(at, actor.className);
        at = wire.putDemand(at, creation.demand);
        final int length;
        try {
            length = wire.putCall(at, creation);
        } catch (final RuntimeException e) {
            lifecycle.kill(actor, new ActorDiedException(actor.describe()
                + ": its constructor could not be sent to node '" + node.nodeId() + "': " + e.getMessage(), e));
            return true;
        }
        if (!transport.send(node.nodeId(), out.byteArray(), 0, length)) {
            link.leave(node, "it could not be reached");
            return false;
        }
        actor.hostNode = node.nodeId();
        actor.node = node;
        creation.node = node;
        creation.state = TaskSpec.State.RUNNING;
        creation.outcome = TaskSpec.OUTCOME_NONE;
        proxies.put(actor.id, actor);
        return true;
    }

    /**
     * A proxy's ready calls at the head of queue go to its member, in order; a call whose held arguments are not all
     * on that member waits for them to be pulled here first, holding back the calls behind it.
     */
    int sendQueue(final ActorState actor, final ArrayDeque<TaskSpec> queue) {
        int dispatched = 0;
        TaskSpec call;
        while (actor.status == ActorState.Status.ALIVE && (call = ActorLifecycle.peekReadyCall(queue)) != null) {
            if (call.heldArgs && !actor.hostNode.equals(link.pulls().holderOf(call))) {
                waits.waitForPulls(call);  // waiting, or ready again (looked at anew), or failed (dropped)
                continue;
            }
            queue.poll();
            dispatched += sendCalls(actor, call);
        }
        return dispatched;
    }

    /** A proxy's call goes to its member (the member runs it as its own actor's). */
    int sendCalls(final ActorState actor, final TaskSpec call) {
        int at = 0;
        out.putInt(at, ACTOR_CALL);
        at += 4;
        out.putLong(at, actor.hostActorId);
        at += 8;
        out.putLong(at, call.taskId());
        at += 8;
        out.putInt(at, call.attempts);
        at += 4;
        out.putShort(at, call.concurrencyGroup);
        at += 2;
        final String name = call.explicitName();
        at += out.putStringUtf8(at, name == null ? "" : name);
        final int length;
        try {
            length = wire.putCall(at, call, link.argPulls() != null ? link.exports() : null, actor.hostNode);
        } catch (final RuntimeException e) {
            link.exports().release(call.taskId(), actor.hostNode);
            call.state = TaskSpec.State.RUNNING;
            waits.finish(call, new TaskFailedException(call.name(), "it could not be sent to node '" + actor.hostNode
                + "': " + e.getMessage(), e));
            return 0;
        }
        call.node = actor.node;
        call.state = TaskSpec.State.RUNNING;
        call.outcome = TaskSpec.OUTCOME_NONE;
        inFlight.put(call.taskId(), call);
        dispatcher.started(call);
        if (!transport.send(actor.hostNode, out.byteArray(), 0, length)) {
            inFlight.remove(call.taskId());
            link.exports().release(call.taskId(), actor.hostNode);
            call.result.fail(new ActorDiedException(actor.describe() + " lives on node '"
                + actor.hostNode + "', which cannot be reached; " + call.name() + " did not run", null));
            callReturned(call);
        }
        return 1;
    }

    /** Owner: the member hosting one of this kernel's actors says it is alive there, or dead. */
    void onActorState(final String from, final long ownerActorId, final long hostActorId, final byte state,
                      final String why) {
        final ActorState actor = proxies.get(ownerActorId);
        if (actor == null || !from.equals(actor.hostNode)) {
            return;
        }
        if (state == ACTOR_ALIVE) {
            actor.hostActorId = hostActorId;
            lifecycle.remoteActorAlive(actor);
            publish(actor);
        } else {
            proxies.remove(ownerActorId);
            lifecycle.kill(actor, new ActorDiedException(actor.describe() + " died on node '"
                + from + "': " + why, null));
        }
    }

    /** Owner: kill one of this kernel's actors that lives on another member. */
    void killRemote(final ActorState actor, final boolean noRestart) {
        if (actor.status != ActorState.Status.ALIVE) {
            return;
        }
        out.putInt(0, ACTOR_KILL);
        out.putLong(4, actor.hostActorId);
        out.putByte(12, (byte) (noRestart ? 1 : 0));
        transport.send(actor.hostNode, out.byteArray(), 0, 13);
    }

    /** Claims a new actor's name in the whole cluster (caller's thread); a refusal frees the name here again. */
    static void claim(final ClusterTransport transport, final String name, final ActorState actor,
                      final java.util.Map<String, ActorState> namedActors) {
        try {
            transport.claimActorName(name);
        } catch (final RuntimeException e) {
            namedActors.remove(name, actor);
            throw e;
        }
    }

    /** A named actor of this kernel is alive (here or on another member): others may find it by name. */
    void publish(final ActorState actor) {
        if (actor.name == null || actor.originNode != null) {
            return;
        }
        if (actor.isProxy()) {
            transport.publishActor(actor.name, actor.hostNode, actor.hostActorId);
        } else {
            callable.put(actor.id, actor);
            transport.publishActor(actor.name, link.localNodeId(), actor.id);
        }
    }

    /**
     * An actor of this kernel died: its name is free again, in the cluster too; a detached one this kernel leaves
     * behind as it closes keeps its name (its member takes it over).
     */
    void died(final ActorState actor) {
        proxies.remove(actor.id);
        callable.remove(actor.id);
        if (actor.adopted) {
            transport.unpublishActor(actor.detachedName);
        } else if (actor.name != null && actor.originNode == null && !actor.lookedUp
            && !(actor.options.detached && conductor.closing)) {
            transport.unpublishActor(actor.name);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // actors hosted here for other members

    /** Executor: another member's actor is to live here; its constructor runs as this kernel's actor creation. */
    void acceptActor(final TaskSpec creation, final long groupId, final int bundleIndex) {
        if (bundleIndex >= 0) {
            final GroupState held = link.groups().held(creation.actor.originNode, groupId, bundleIndex);
            if (held == null) {
                creation.actor.deathCause = new io.kairos.exception.UnschedulableException(creation.actor.describe()
                    + ": bundle " + bundleIndex + " of placement group " + groupId + " is not reserved on node '"
                    + link.localNodeId() + "'");
                actorState(creation.actor, ActorState.Status.DEAD);
                return;
            }
            creation.group = held;
            creation.bundleIndex = 0;
        }
        callable.put(creation.actor.id, creation.actor);
        waits.onSubmit(creation);
    }

    /** Executor: a call of an actor that lives here, from another member. */
    void acceptActorCall(final String from, final long hostActorId, final long taskId, final int attempt,
                         final short group, final String name, final Object method, final Object[] args,
                         final ObjectState result) {
        final ActorState actor = callable.get(hostActorId);
        if (actor == null || actor.status == ActorState.Status.DEAD) {
            link.refuse(from, taskId, attempt, new ActorDiedException("actor #" + hostActorId
                + " on node '" + link.localNodeId() + "' is dead; " + (name.isEmpty() ? "a call" : name) + " did not run",
                actor != null ? actor.deathCause : null));
            return;
        }
        actor.pendingCalls.incrementAndGet();
        final TaskSpec call = new TaskSpec(name.isEmpty() ? null : name, method, args.length, args, KernelCore.NO_DEMAND,
            SchedulingStrategy.DEFAULT, 0, false, result, TaskSpec.Kind.ACTOR_CALL, actor);
        call.attempts = attempt;
        call.concurrencyGroup = actor.groups == null || group < 0 || group >= actor.groups.queues.length ? 0 : group;
        call.origin = new TaskSpec.Origin(from, taskId, attempt);
        waits.onSubmit(call);
    }

    /** Executor: the actor's owner kills it. */
    void onKillActor(final long hostActorId, final boolean noRestart) {
        final ActorState actor = callable.get(hostActorId);
        if (actor != null) {
            lifecycle.onKill(new SchedulerConductor.KillCommand(actor, noRestart));
        }
    }

    /** Another member's named actor found by name: calls through this proxy go to it (conductor thread). */
    void adoptProxy(final ActorState proxy) {
        final int index = cluster.indexOfNode(proxy.hostNode);
        proxy.node = index >= 0 ? cluster.logicalNode(index) : null;
        proxies.put(proxy.id, proxy);
    }

    /** An actor changed state: a named one of this kernel is published or forgotten, a hosted one reported. */
    void actorState(final ActorState actor, final ActorState.Status status) {
        if (status == ActorState.Status.DEAD) {
            died(actor);
        } else if (status == ActorState.Status.ALIVE && !actor.isProxy()) {
            publish(actor);
        }
        if (actor.originNode == null || status != ActorState.Status.ALIVE && status != ActorState.Status.DEAD) {
            return;
        }
        int at = 0;
        out.putInt(at, ACTOR_STATE);
        at += 4;
        out.putLong(at, actor.originActorId);
        at += 8;
        out.putLong(at, actor.id);
        at += 8;
        out.putByte(at++, status == ActorState.Status.ALIVE ? ACTOR_ALIVE : ACTOR_DEAD);
        at += out.putStringUtf8(at, actor.deathCause != null ? String.valueOf(actor.deathCause.getMessage()) : "");
        transport.send(actor.originNode, out.byteArray(), 0, at);
    }

    /** Another member's named actor, as a proxy here: its calls go to the member it lives on. */
    static ActorState lookUp(final KernelCore core, final ClusterTransport clusterTransport, final String name,
                             final ActorState dead, final java.util.Map<String, ActorState> namedActors) {
        final ClusterTransport.ActorLocation at = clusterTransport.lookupActor(name);
        if (at == null || at.nodeId().equals(core.conductor().clusterLink().localNodeId())) {
            return null;
        }
        final long id = core.nextId();
        final ActorState proxy = new ActorState(id, name, "actor on " + at.nodeId(), 1, 0, 0);
        proxy.hostNode = at.nodeId();
        proxy.hostActorId = at.actorId();
        proxy.lookedUp = true;
        proxy.status = ActorState.Status.ALIVE;
        final TaskSpec creation = new TaskSpec(proxy.describe() + " lookup", null, 0, new Object[0], KernelCore.NO_DEMAND,
            SchedulingStrategy.DEFAULT, 0, false, core.newObject(id), TaskSpec.Kind.ACTOR_CREATION, proxy);
        creation.state = TaskSpec.State.DONE;
        creation.result.complete(null);
        proxy.creation = creation;
        core.onConductor(() -> {
            core.conductor().clusterLink().actors().adoptProxy(proxy);
            return null;
        });
        if (dead != null) {
            namedActors.remove(name, dead);
        }
        final ActorState raced = namedActors.putIfAbsent(name, proxy);
        return raced != null ? raced : proxy;
    }
}
