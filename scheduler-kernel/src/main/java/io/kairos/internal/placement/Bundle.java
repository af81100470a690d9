package io.kairos.internal.placement;

import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * One bundle of a created placement group: resources reserved on a {@link LogicalNode} (held as one node
 * {@link ResourceAllocation}, so its GPU instances are specific), and a ledger of the tasks running inside it.
 *
 * <p>Tasks in the bundle take their resources out of the reservation, never out of the node: amounts come off what
 * the bundle has left; a fractional GPU demand goes on one of the bundle's GPU instances within the share the bundle
 * holds of it, best fit (least left that fits, ties to the first instance); k whole GPUs take k of the bundle's whole
 * instances that no task uses. The task's allocation names the node and those node instances, as a node allocation
 * does, and goes back through {@link #release}, never {@link LogicalNode#release}.
 *
 * <p>Thread-safety: none; owned by the conductor. {@link #allocate(long[], ResourceAllocation)} and
 * {@link #release} allocate nothing.
 */
public final class Bundle {
    private final LogicalNode node;
    private final int index;
    private final ResourceAllocation reservation;
    private final long[] reserved;
    private final long[] available;
    private final int[] gpuInstance;
    private final long[] gpuShare;
    private final long[] gpuLeft;
    private final Map<ResourceAllocation, Boolean> tasks = new IdentityHashMap<>();
    private final long[] grantAmounts;
    private final int[] grantInstances;
    private final long[] grantGpu;
    private boolean returned;

    private Bundle(final LogicalNode node, final int index, final ResourceAllocation reservation) {
        this.node = node;
        this.index = index;
        this.reservation = reservation;
        this.reserved = reservation.amounts().clone();
        this.available = reserved.clone();
        final int gpus = reservation.gpuInstanceCount();
        gpuInstance = new int[gpus];
        gpuShare = new long[gpus];
        for (int i = 0; i < gpus; i++) {
            gpuInstance[i] = reservation.gpuInstance(i);
            gpuShare[i] = reservation.gpuAmount(i);
        }
        gpuLeft = gpuShare.clone();
        grantAmounts = new long[reserved.length];
        grantInstances = new int[Math.max(gpus, 1)];
        grantGpu = new long[Math.max(gpus, 1)];
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
        return resource >= 0 && resource < reserved.length ? reserved[resource] : 0;
    }

    /** The fixed-point amount of a resource still free for tasks in the bundle. */
    public long available(final int resource) {
        return resource >= 0 && resource < available.length ? available[resource] : 0;
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
    public boolean fits(final long[] demand) {
        if (returned) {
            return false;
        }
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            if (r >= available.length) {
                return false;
            }
            if (r == GPU) {
                if (!GpuPacking.fits(gpuLeft, gpuLeft.length, wanted)) {
                    return false;
                }
            } else if (available[r] < wanted) {
                return false;
            }
        }
        return true;
    }

    /** Whether a task's demand could ever fit the bundle, were no task running in it. */
    public boolean feasible(final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            if (r >= reserved.length) {
                return false;
            }
            if (r == GPU) {
                if (!GpuPacking.fits(gpuShare, gpuShare.length, wanted)) {
                    return false;
                }
            } else if (reserved[r] < wanted) {
                return false;
            }
        }
        return true;
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
            final boolean lacking = wanted > 0
                && (reserved(r) < wanted || r == GPU && !GpuPacking.fits(gpuShare, gpuShare.length, wanted));
            if (lacking) {
                final String name = r < registry.count() ? registry.name(r) : "resource #" + r;
                return "bundle " + index + " on " + node.nodeId() + " reserved " + name + ": "
                    + ResourceRegistry.format(reserved(r)) + (r == GPU ? " on " + gpuInstance.length + " instance(s)" : "")
                    + ", the task asks for " + ResourceRegistry.format(wanted);
            }
        }
        return "bundle " + index + " on " + node.nodeId() + " can never hold the demand";
    }

    /** Allocates a task's demand out of the bundle if it fits now, else returns null. */
    public ResourceAllocation allocate(final long[] demand) {
        final ResourceAllocation allocation = new ResourceAllocation(reserved.length);
        return allocate(demand, allocation) ? allocation : null;
    }

    /**
     * Allocates a task's demand out of the bundle into a reusable allocation if it fits now.
     *
     * @return false, leaving bundle and allocation unchanged, if it does not fit
     * @throws IllegalStateException if the bundle was returned to its node or the allocation is still held
     */
    public boolean allocate(final long[] demand, final ResourceAllocation into) {
        if (returned) {
            throw new IllegalStateException("bundle " + index + " on " + node.nodeId() + " was returned to its node");
        }
        if (into.held()) {
            throw new IllegalStateException("allocation is already held on node " + into.node() + "; release it first");
        }
        if (!fits(demand)) {
            return false;
        }
        Arrays.fill(grantAmounts, 0);
        int gpus = 0;
        final int n = Math.min(demand.length, available.length);
        for (int r = 0; r < n; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            if (r == GPU) {
                gpus = allocateGpu(wanted);
            } else {
                available[r] -= wanted;
                grantAmounts[r] = wanted;
            }
        }
        node.beginSubAllocation(into, grantAmounts, grantInstances, grantGpu, gpus);
        tasks.put(into, Boolean.TRUE);
        return true;
    }

    /**
     * Returns what a task's allocation holds to the bundle (its CPU excepted if given back while blocked).
     *
     * @throws IllegalStateException if the allocation is not held in this bundle (e.g. released twice)
     */
    public void release(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "release");
        final long[] amounts = allocation.amounts();
        final int n = Math.min(amounts.length, available.length);
        for (int r = 0; r < n; r++) {
            if (r == GPU || (r == CPU && allocation.cpuReleased())) {
                continue;
            }
            available[r] += amounts[r];
        }
        for (int i = 0; i < allocation.gpuInstanceCount(); i++) {
            final long amount = allocation.gpuAmount(i);
            gpuLeft[position(allocation.gpuInstance(i))] += amount;
            available[GPU] += amount;
        }
        tasks.remove(allocation);
        node.endSubAllocation(allocation);
    }

    /** Gives a task's CPU back to the bundle while the task waits in get; does nothing if already given back. */
    public void releaseCpuWhileBlocked(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "release CPU of");
        if (!allocation.cpuReleased()) {
            available[CPU] += allocation.amount(CPU);
            node.markSubAllocationCpuReleased(allocation, true);
        }
    }

    /**
     * Takes a task's CPU out of the bundle again after it stops waiting, even if that oversubscribes the bundle
     * (its available CPU may go negative, as a node's may); does nothing if the CPU was not given back.
     */
    public void reacquireCpuAfterBlocked(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "reacquire CPU of");
        if (allocation.cpuReleased()) {
            available[CPU] -= allocation.amount(CPU);
            node.markSubAllocationCpuReleased(allocation, false);
        }
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
        node.release(reservation);
        returned = true;
    }

    private int allocateGpu(final long wanted) {
        if (wanted < SCALE) {
            final int best = GpuPacking.bestFit(gpuLeft, gpuLeft.length, wanted);
            gpuLeft[best] -= wanted;
            available[GPU] -= wanted;
            grantInstances[0] = gpuInstance[best];
            grantGpu[0] = wanted;
            grantAmounts[GPU] = wanted;
            return 1;
        }
        final long needed = GpuPacking.wholeInstances(wanted);
        int taken = 0;
        for (int i = 0; i < gpuLeft.length && taken < needed; i++) {
            if (gpuLeft[i] == SCALE) {
                gpuLeft[i] = 0;
                available[GPU] -= SCALE;
                grantInstances[taken] = gpuInstance[i];
                grantGpu[taken] = SCALE;
                taken++;
            }
        }
        grantAmounts[GPU] = needed * SCALE;
        return taken;
    }

    private int position(final int instance) {
        for (int i = 0; i < gpuInstance.length; i++) {
            if (gpuInstance[i] == instance) {
                return i;
            }
        }
        throw new IllegalStateException("GPU instance " + instance + " is not in bundle " + index);
    }

    private void checkHeldHere(final ResourceAllocation allocation, final String action) {
        if (allocation == null || !tasks.containsKey(allocation)) {
            throw new IllegalStateException("cannot " + action + " an allocation that is not held in bundle " + index
                + " on " + node.nodeId() + ": " + allocation);
        }
    }

    @Override
    public String toString() {
        return "Bundle(" + index + " on " + node.nodeId() + ", reserved=" + Arrays.toString(reserved) + ", available="
            + Arrays.toString(available) + ", tasks=" + tasks.size() + (returned ? ", returned" : "") + ")";
    }
}
