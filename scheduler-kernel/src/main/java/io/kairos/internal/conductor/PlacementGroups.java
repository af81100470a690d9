package io.kairos.internal.conductor;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.UnschedulableException;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.placement.Bundle;
import io.kairos.internal.placement.PlacementGroupScheduler;
import io.kairos.internal.placement.PlacementGroupState;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Owns the placement groups: bundles reserved all together, pending creations and removals; tasks in a bundle take
 * from its reservation. Conductor thread only.
 */
final class PlacementGroups {
    private final SchedulerConductor conductor;
    private final Cluster cluster;
    private final PlacementGroupScheduler groupScheduler = new PlacementGroupScheduler();
    private final ArrayList<GroupState> pendingGroups = new ArrayList<>();
    final ArrayList<GroupState> removingGroups = new ArrayList<>();
    private DependencyWaits waits;
    private TaskDispatcher dispatcher;
    private ActorLifecycle lifecycle;
    private Transitions transitions;
    /** Placement across cluster members; null when this kernel is not a member of a cluster. */
    private ClusterGroups clusterGroups;

    PlacementGroups(final SchedulerConductor conductor, final Cluster cluster) {
        this.conductor = conductor;
        this.cluster = cluster;
    }

    void link(final DependencyWaits waits, final TaskDispatcher dispatcher, final ActorLifecycle lifecycle,
              final Transitions transitions) {
        this.waits = waits;
        this.dispatcher = dispatcher;
        this.lifecycle = lifecycle;
        this.transitions = transitions;
        final ClusterLink link = conductor.clusterLink();
        if (link != null) {
            this.clusterGroups = link.groups();
            clusterGroups.link(this);
        }
    }

    PlacementGroupScheduler scheduler() {
        return groupScheduler;
    }

    void onCreateGroup(final GroupState group) {
        if (conductor.closing) {
            group.state.markFailed("the kernel closed");
            group.readiness.fail(new KernelClosedException("the kernel closed before placement group " + group.id()
                + " was reserved"));
            return;
        }
        if (!tryCreate(group)) {
            pendingGroups.add(group);
        }
    }

    /** Places and reserves; true when the group is done waiting (created or failed for good). */
    private boolean tryCreate(final GroupState group) {
        if (clusterGroups != null) {
            return clusterGroups.tryCreate(group);
        }
        if (groupScheduler.create(group.state, cluster)) {
            return created(group);
        }
        return group.state.status() == PlacementGroupState.Status.FAILED && failed(group);
    }

    /** Every bundle is reserved: the group is ready. */
    boolean created(final GroupState group) {
        group.readiness.complete(Boolean.TRUE);
        transitions.groupState(group, "CREATED");
        conductor.dispatchNeeded = true;
        return true;
    }

    /** The group was marked FAILED: whoever waits for it learns why. */
    boolean failed(final GroupState group) {
        group.readiness.fail(new UnschedulableException(group.state.failureReason()));
        transitions.groupState(group, "FAILED");
        conductor.dispatchNeeded = true;  // tasks queued for it fail now
        return true;
    }

    int placePendingGroups() {
        int created = 0;
        for (int i = 0; i < pendingGroups.size(); i++) {
            if (tryCreate(pendingGroups.get(i))) {
                pendingGroups.remove(i--);
                created++;
            }
        }
        return created;
    }

    void onRemoveGroup(final GroupState group) {
        if (group.removing) {
            return;
        }
        group.removing = true;
        conductor.dispatchNeeded = true;  // its queued tasks fail at the next pass
        if (group.state.status() == PlacementGroupState.Status.PENDING) {
            pendingGroups.remove(group);
            if (clusterGroups != null) {
                clusterGroups.cancel(group);
            }
            group.state.markFailed("removed before it was reserved");
            group.readiness.fail(new KairosException("placement group " + group.id() + " was removed before it was reserved"));
            return;
        }
        for (final ActorState actor : new ArrayList<>(lifecycle.actors)) {
            if (actor.creation.group == group && actor.status != ActorState.Status.DEAD) {
                lifecycle.kill(actor, new ActorDiedException(actor.describe() + ": its placement group " + group.id()
                    + " was removed", null));
            }
        }
        removingGroups.add(group);
        finishRemovals();
    }

    /** Returns the bundles of groups being removed once no task holds any part of them. */
    void finishRemovals() {
        for (int i = 0; i < removingGroups.size(); i++) {
            final GroupState group = removingGroups.get(i);
            boolean idle = true;
            for (final Bundle bundle : group.state.bundles()) {
                idle &= bundle.taskCount() == 0;
            }
            if (idle) {
                if (group.state.status() == PlacementGroupState.Status.CREATED) {
                    if (clusterGroups != null && !group.hosted()) {
                        clusterGroups.removed(group);
                    }
                    groupScheduler.remove(group.state);
                    if (!group.hosted()) {
                        transitions.groupState(group, "REMOVED");
                    }
                }
                removingGroups.remove(i--);
                conductor.dispatchNeeded = true;
            }
        }
    }

    int dispatchInGroup(final TaskDispatcher.SchedulingClass schedulingClass, final int limit) {
        final ArrayDeque<TaskSpec> queue = schedulingClass.queue;
        final GroupState group = schedulingClass.group;
        int dispatched = 0;
        TaskSpec task;
        while (dispatched < limit && (task = queue.peek()) != null) {
            if (task.state != TaskSpec.State.READY) {
                queue.poll();
                continue;
            }
            final PlacementGroupState.Status status = group.state.status();
            if (group.removing || status == PlacementGroupState.Status.REMOVED
                || status == PlacementGroupState.Status.FAILED) {
                queue.poll();
                waits.finish(task, new UnschedulableException(task.name() + ": placement group " + group.id()
                    + (group.removing ? " was removed" : " failed: " + group.state.failureReason())));
                continue;
            }
            if (status != PlacementGroupState.Status.CREATED) {
                break;  // not reserved yet
            }
            final Bundle bundle = group.bundleFor(task.bundleIndex, task.demand);
            if (bundle == null || !bundle.fits(task.demand)) {
                break;
            }
            queue.poll();
            final boolean started;
            if (bundle.node().isRemote()) {
                final ClusterLink link = conductor.clusterLink();
                started = task.kind == TaskSpec.Kind.ACTOR_CREATION ? link.actors().forwardActor(task, bundle.node(), bundle)
                    : link.forward(task, bundle.node(), bundle);
            } else {
                started = task.kind == TaskSpec.Kind.ACTOR_CREATION
                    ? lifecycle.createActor(task, bundle.node(), bundle) : dispatcher.start(task, bundle.node(), bundle);
            }
            if (!started) {
                queue.addFirst(task);
                break;
            }
            dispatched++;
        }
        return dispatched;
    }

    /** Close: the groups not reserved yet fail. */
    void close() {
        for (final GroupState group : pendingGroups) {
            group.state.markFailed("the kernel closed");
            group.readiness.fail(new KernelClosedException("the kernel closed before placement group " + group.id()
                + " was reserved"));
        }
        pendingGroups.clear();
    }
}
