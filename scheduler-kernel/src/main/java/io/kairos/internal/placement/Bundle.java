package io.kairos.internal.placement;

import io.kairos.internal.cluster.InstanceLedger;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;

import java.util.IdentityHashMap;
import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.GPU;

/**
 * One bundle of a created placement group: resources reserved on a {@link LogicalNode} (held as one node
 * {@link ResourceAllocation}, so its GPU instances are specific), and a ledger of the tasks running inside it.
 *
 * <p>Tasks in the bundle take their resources out of the reservation, never out of the node: amounts come off what
 * the bundle has left; a fractional GPU demand goes on one of the bundle's GPU instances within the share the bundle
 * holds of it, best fit (least left that fits, ties to the first instance); k whole GPUs take k of the bundle's whole
 * instances that no task uses. The task's allocation names the node and those node instances, as a node allocation
 * does, and goes back through {@link #release}, never {@link LogicalNode#release}. The bundle is an
 * {@link InstanceLedger} over its reservation, the same ledger a node keeps.
 *
 * <p>Thread-safety: none; owned by the conductor. {@link #allocate(long[], ResourceAllocation)} and
 * {@link #release} allocate nothing.
 */
public final class Bundle extends InstanceLedger {
    private final LogicalNode node;
    private final int index;
    private final ResourceAllocation reservation;
    private final Map<ResourceAllocation, Boolean> tasks = new IdentityHashMap<>();
    private boolean returned;

    private Bundle(final LogicalNode node, final int index, final ResourceAllocation reservation) {
        super(reservation);
        this.node = node;
        this.index = index;
        this.reservation = reservation;
    }

    /**
     * Reserves the demand on the node, if it fits there now.
     *
     * @param index the bundle's position in its placement group
     * @return the bundle, or null (the node unchanged) if the demand does not fit
     */
    public static Bundle reserve(final LogicalNode node, final int index, final long[] demand) {
        if (node == null) {
            throw new IllegalArgumentException("node must not be null");
        }
        if (index < 0) {
            throw new IllegalArgumentException("bundle index must be >= 0, was " + index);
        }
        if (demand == null) {
            throw new IllegalArgumentException("bundle " + index + " demand must not be null");
        }
        final ResourceAllocation reservation = node.allocate(demand);
        return reservation == null ? null : new Bundle(node, index, reservation);
    }

    public LogicalNode node() {
        return node;
    }

    public int index() {
        return index;
    }

    /** The node allocation holding the reservation: its amounts and specific GPU instances. Do not release it. */
    public ResourceAllocation reservation() {
        return reservation;
    }

    /** The fixed-point amount of a resource the bundle reserved. */
    public long reserved(final int resource) {
        return total(resource);
    }

    /** How many tasks hold part of the bundle now. */
    public int taskCount() {
        return tasks.size();
    }

    /** Whether {@link #returnToNode()} has given the reservation back. */
    public boolean isReturned() {
        return returned;
    }

    /** Whether a task's demand fits what the bundle has left now; false once returned. */
    @Override
    public boolean fits(final long[] demand) {
        return !returned && super.fits(demand);
    }

    /**
     * Why a task's demand can never fit the bundle, e.g. "bundle 1 on node-0 reserved GPU: 0.5, the task asks for
     * 1.0"; null if it can.
     */
    public String infeasibleReason(final long[] demand, final ResourceRegistry registry) {
        if (feasible(demand)) {
            return null;
        }
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted > 0 && lacks(r, wanted)) {
                final String name = r < registry.count() ? registry.name(r) : "resource #" + r;
                return "bundle " + index + " on " + node.nodeId() + " reserved " + name + ": "
                    + ResourceRegistry.format(reserved(r))
                    + (r == GPU ? " on " + instanceCount() + " instance(s)" : "")
                    + ", the task asks for " + ResourceRegistry.format(wanted);
            }
        }
        return "bundle " + index + " on " + node.nodeId() + " can never hold the demand";
    }

    @Override
    protected void checkCanAllocate() {
        if (returned) {
            throw new IllegalStateException("bundle " + index + " on " + node.nodeId() + " was returned to its node");
        }
    }

    @Override
    protected void allocated(final ResourceAllocation allocation) {
        tasks.put(allocation, Boolean.TRUE);
    }

    @Override
    protected void releasing(final ResourceAllocation allocation) {
        tasks.remove(allocation);
    }

    @Override
    protected boolean holds(final ResourceAllocation allocation) {
        return allocation != null && tasks.containsKey(allocation) && allocation.held();
    }

    @Override
    protected String where() {
        return "in bundle " + index + " on " + node.nodeId();
    }

    /**
     * Gives the reservation back to the node.
     *
     * @throws IllegalStateException if a task still holds part of the bundle, or it was returned already
     */
    public void returnToNode() {
        if (returned) {
            throw new IllegalStateException("bundle " + index + " on " + node.nodeId() + " was returned already");
        }
        if (!tasks.isEmpty()) {
            throw new IllegalStateException("bundle " + index + " on " + node.nodeId() + " still has " + tasks.size()
                + " task(s) holding part of it; release them first");
        }
        if (node.isRemote()) {
            node.releaseAtMostTotal(reservation);  // another member's node: its reports may have counted it already
        } else {
            node.release(reservation);
        }
        returned = true;
    }

    /**
     * The node left the cluster and the reservation with it: the bundle holds nothing from now on (its tasks have
     * been returned, or run again elsewhere), and nothing goes back to the node.
     */
    public void lose() {
        tasks.clear();
        returned = true;
    }

    @Override
    public String toString() {
        return "Bundle(" + index + " on " + node.nodeId() + ", " + describe("reserved") + ", tasks=" + tasks.size()
            + (returned ? ", returned" : "") + ")";
    }
}
