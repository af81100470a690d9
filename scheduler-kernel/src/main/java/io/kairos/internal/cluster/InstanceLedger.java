package io.kairos.internal.cluster;

import java.util.Arrays;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU_MEMORY;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * A fixed-point resource ledger with GPU instances, the base of a {@link LogicalNode} (its totals, GPUs as instances
 * 0..n-1 of capacity 1.0 each) and of a placement group bundle (a sub-ledger over what its reservation on a node holds:
 * amounts, and the node's GPU instances with the share of each it holds).
 *
 * <p>Amounts are by resource index: the totals and what is available now. GPU placement ({@link GpuPacking}): a
 * fractional demand (below 1) goes on one instance, best fit (least left that fits, ties to the first instance), so
 * fractions pack and whole instances stay free; k whole GPUs take the first k instances with their whole capacity
 * free. Allocations name the node and the node-local ids of the instances they use; a sub-ledger's allocations leave
 * the node's own availability untouched.
 *
 * <p>GPU memory ({@code GPU_memory}, bytes) is accounted per instance: a node's instances have what their devices
 * have (or the total split evenly, the first taking the remainder), a bundle's instances hold the memory its reservation took on each. A
 * request's GPU_memory is needed, and taken, on each instance it takes; with no GPU share it takes one instance's
 * memory only (the one with the least left that has it). The node-level amount is the sum over instances.
 *
 * <p>Demand arrays may be shorter or longer than the ledger's resource count: missing entries are 0, and a positive
 * demand for a resource the ledger lacks never fits. Non-positive entries are ignored.
 *
 * <p>Subclasses say which allocations they hold ({@link #holds}) and may veto or track allocations
 * ({@link #checkCanAllocate}, {@link #allocated}, {@link #releasing}). Thread-safety: none; owned by the conductor.
 * Nothing here allocates except {@link #allocate(long[])}, the constructors and the messages.
 */
public abstract class InstanceLedger {
    private final int node;
    private final long[] total;
    private final long[] available;
    /** The node-local id of the instance at each position; null when position and id are the same (a node). */
    private final int[] instanceIds;
    private final long[] capacity;
    private final long[] free;
    /** GPU memory by instance position: what each has, what is left. */
    private final long[] memCapacity;
    private final long[] memFree;
    /** Whether every instance has capacity 1.0, so the totals alone decide feasibility. */
    private final boolean wholeCapacities;
    private final int[] taken;

    /**
     * A node's ledger over these totals (owned by the ledger from now on), its GPUs (a whole number) as instances
     * 0..n-1 of capacity 1.0 each, with this GPU memory each (adding up to the GPU_memory total).
     */
    InstanceLedger(final int node, final long[] total, final long[] instanceMemory) {
        this(node, total, null, fullInstances((int) (total[GPU] / SCALE)), instanceMemory);
    }

    /**
     * A sub-ledger over what a held node allocation holds: its amounts as totals, its GPU instances with their shares
     * as capacities.
     */
    protected InstanceLedger(final ResourceAllocation held) {
        this(held.node(), held.amounts().clone(), gpuIds(held), gpuShares(held), gpuMemories(held));
    }

    private InstanceLedger(final int node, final long[] total, final int[] instanceIds, final long[] capacity,
                           final long[] memCapacity) {
        this.node = node;
        this.total = total;
        this.available = total.clone();
        this.instanceIds = instanceIds;
        this.capacity = capacity;
        this.free = capacity.clone();
        this.memCapacity = memCapacity;
        this.memFree = memCapacity.clone();
        boolean whole = true;
        for (final long c : capacity) {
            whole &= c == SCALE;
        }
        this.wholeCapacities = whole;
        this.taken = new int[Math.max(capacity.length, 1)];
    }

    private static long[] fullInstances(final int count) {
        final long[] capacity = new long[count];
        Arrays.fill(capacity, SCALE);
        return capacity;
    }

    private static long[] gpuMemories(final ResourceAllocation held) {
        final long[] memory = new long[held.gpuInstanceCount()];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = held.gpuMemory(i);
        }
        return memory;
    }

    private static int[] gpuIds(final ResourceAllocation held) {
        final int[] ids = new int[held.gpuInstanceCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = held.gpuInstance(i);
        }
        return ids;
    }

    private static long[] gpuShares(final ResourceAllocation held) {
        final long[] shares = new long[held.gpuInstanceCount()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = held.gpuAmount(i);
        }
        return shares;
    }

    // ---- what a subclass says about the allocations it holds ----

    /** Whether the allocation is held out of this ledger. */
    protected abstract boolean holds(ResourceAllocation allocation);

    /** Where the ledger's allocations are held, for messages, e.g. "on node-0" or "in bundle 1 on node-0". */
    protected abstract String where();

    /** Throws IllegalStateException if the ledger may not allocate at all any more; nothing by default. */
    protected void checkCanAllocate() {
    }

    /** Called after an allocation was made out of the ledger; nothing by default. */
    protected void allocated(final ResourceAllocation allocation) {
    }

    /** Called when a held allocation is released, before it is marked released; nothing by default. */
    protected void releasing(final ResourceAllocation allocation) {
    }

    /** The index of the cluster this ledger's node is in, when it keeps one (a large cluster); told of changes. */
    UtilizationIndex follower;

    /** After the amounts available changed (allocated, released, CPU given back or taken again). */
    private void changed() {
        if (follower != null) {
            follower.update(node, this);
        }
    }

    /** How many resources the ledger has entries for. */
    protected final int resourceCount() {
        return total.length;
    }

    /** The fixed-point total of a resource (0 for resources beyond the ledger). */
    public final long total(final int resource) {
        return resource >= 0 && resource < total.length ? total[resource] : 0;
    }

    /** The fixed-point amount of a resource available now (0 for resources beyond the ledger). */
    public final long available(final int resource) {
        return resource >= 0 && resource < available.length ? available[resource] : 0;
    }

    /** How many GPU instances the ledger has. */
    protected final int instanceCount() {
        return free.length;
    }

    /** The fixed-point capacity still free on the GPU instance at this position. */
    protected final long instanceFree(final int position) {
        return free[position];
    }

    /** The GPU memory of the instance that has the most, nothing allocated. */
    protected final long largestInstanceMemory() {
        long largest = 0;
        for (final long m : memCapacity) {
            largest = Math.max(largest, m);
        }
        return largest;
    }

    /** The fixed-point GPU memory of the GPU instance at this position, nothing allocated. */
    protected final long instanceMemory(final int position) {
        return memCapacity[position];
    }

    /** The fixed-point GPU memory still free on the GPU instance at this position. */
    protected final long instanceMemoryFree(final int position) {
        return memFree[position];
    }

    /** Whether the demand fits what is available now. */
    public boolean fits(final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted <= 0 || r == GPU || r == GPU_MEMORY) {
                continue;
            }
            if (r >= available.length || available[r] < wanted) {
                return false;
            }
        }
        final long gpu = demand.length > GPU ? demand[GPU] : 0;
        final long memory = demand.length > GPU_MEMORY ? demand[GPU_MEMORY] : 0;
        if (gpu <= 0 && memory <= 0) {
            return true;
        }
        return GpuPacking.fits(free, memFree, free.length, Math.max(gpu, 0), Math.max(memory, 0));
    }

    /** Whether the demand could ever fit, with nothing allocated. */
    public final boolean feasible(final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted > 0 && lacks(r, wanted)) {
                return false;
            }
        }
        final long memory = demand.length > GPU_MEMORY ? demand[GPU_MEMORY] : 0;
        return memory <= 0
            || GpuPacking.fits(capacity, memCapacity, capacity.length, Math.max(demand[GPU], 0), memory);
    }

    /** Whether a positive amount of one resource can never fit, with nothing allocated. */
    protected final boolean lacks(final int resource, final long wanted) {
        // With whole capacities, total >= demand also covers "a fraction needs one instance" and "k.x needs k+1".
        if (resource == GPU_MEMORY) {
            return largestInstanceMemory() < wanted;  // needed on one device
        }
        return total(resource) < wanted
            || resource == GPU && !wholeCapacities && !GpuPacking.fits(capacity, capacity.length, wanted);
    }

    /** Allocates the demand if it fits now, else returns null. */
    public final ResourceAllocation allocate(final long[] demand) {
        final ResourceAllocation allocation = new ResourceAllocation(total.length);
        return allocate(demand, allocation) ? allocation : null;
    }

    /**
     * Allocates the demand into a reusable allocation if it fits now.
     *
     * @return false, leaving ledger and allocation unchanged, if it does not fit
     * @throws IllegalStateException if the ledger may not allocate ({@link #checkCanAllocate}) or the allocation is
     *                               still held
     */
    public final boolean allocate(final long[] demand, final ResourceAllocation into) {
        checkCanAllocate();
        if (into.held()) {
            throw new IllegalStateException("allocation is already held on node " + into.node() + "; release it first");
        }
        if (!fits(demand)) {
            return false;
        }
        into.begin(node, total.length);
        final int n = Math.min(demand.length, available.length);
        for (int r = 0; r < n; r++) {
            final long wanted = demand[r];
            if (wanted <= 0 || r == GPU || r == GPU_MEMORY) {
                continue;
            }
            available[r] -= wanted;
            into.set(r, wanted);
        }
        final long gpu = demand.length > GPU ? Math.max(demand[GPU], 0) : 0;
        final long memory = demand.length > GPU_MEMORY ? Math.max(demand[GPU_MEMORY], 0) : 0;
        if (gpu > 0 || memory > 0) {
            allocateGpu(gpu, memory, into);
        }
        allocated(into);
        changed();
        return true;
    }

    /**
     * Returns what the allocation holds (its CPU excepted if it was given back while blocked).
     *
     * @throws IllegalStateException if it is not held out of this ledger (e.g. released twice)
     */
    public final void release(final ResourceAllocation allocation) {
        checkHeld(allocation, "release");
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
            final int position = position(allocation.gpuInstance(i));
            free[position] += amount;
            memFree[position] += allocation.gpuMemory(i);
            available[GPU] += amount;
        }
        releasing(allocation);
        allocation.released();
        changed();
    }

    /**
     * Lets go of an allocation without giving its amounts back: the ledger of another cluster member's node, whose
     * availability its own reports set ({@link #overwriteAvailable}), so what its work returns shows in its next one.
     */
    public final void forget(final ResourceAllocation allocation) {
        checkHeld(allocation, "forget");
        releasing(allocation);
        allocation.released();
    }

    /**
     * Gives an allocation back to the ledger of another member's node, no amount above what the node has: its own
     * reports may have counted the release already ({@link #overwriteAvailable}).
     */
    public final void releaseAtMostTotal(final ResourceAllocation allocation) {
        release(allocation);
        for (int r = 0; r < available.length; r++) {
            available[r] = Math.min(available[r], total[r]);
        }
        for (int i = 0; i < free.length; i++) {
            free[i] = Math.min(free[i], capacity[i]);
            memFree[i] = Math.min(memFree[i], memCapacity[i]);
        }
    }

    /**
     * Sets what is available from a report of the node's owner: amounts by resource index, and the free share and
     * free GPU memory of each GPU instance (entries beyond this ledger's are ignored, missing ones are 0).
     */
    public final void overwriteAvailable(final long[] amounts, final long[] instanceFree, final long[] instanceMemoryFree) {
        for (int r = 0; r < available.length; r++) {
            available[r] = r < amounts.length ? Math.min(amounts[r], total[r]) : 0;
        }
        for (int i = 0; i < free.length; i++) {
            free[i] = i < instanceFree.length ? Math.min(instanceFree[i], capacity[i]) : 0;
            memFree[i] = i < instanceMemoryFree.length ? Math.min(instanceMemoryFree[i], memCapacity[i]) : 0;
        }
        changed();
    }

    /** Takes every amount away for good: the node has left the cluster, nothing will fit or ever be feasible. */
    public final void retire() {
        java.util.Arrays.fill(total, 0);
        java.util.Arrays.fill(available, 0);
        java.util.Arrays.fill(capacity, 0);
        java.util.Arrays.fill(free, 0);
        java.util.Arrays.fill(memCapacity, 0);
        java.util.Arrays.fill(memFree, 0);
        changed();
    }

    /** Gives the allocation's CPU back while its task waits in get; does nothing if already given back. */
    public final void releaseCpuWhileBlocked(final ResourceAllocation allocation) {
        checkHeld(allocation, "release CPU of");
        if (!allocation.cpuReleased()) {
            available[CPU] += allocation.amount(CPU);
            allocation.cpuReleased(true);
            changed();
        }
    }

    /**
     * Takes the allocation's CPU again after its task stops waiting, even if that oversubscribes the ledger (available
     * CPU may go negative, as in Ray); does nothing if the CPU was not given back.
     */
    public final void reacquireCpuAfterBlocked(final ResourceAllocation allocation) {
        checkHeld(allocation, "reacquire CPU of");
        if (allocation.cpuReleased()) {
            available[CPU] -= allocation.amount(CPU);
            allocation.cpuReleased(false);
            changed();
        }
    }

    /**
     * The utilisation of the most used resource, allocated / total, clamped to 0.0..1.0 (CPU may be oversubscribed
     * after {@link #reacquireCpuAfterBlocked}).
     */
    public final double utilization() {
        double highest = 0;
        for (int r = 0; r < total.length; r++) {
            if (total[r] > 0) {
                highest = Math.max(highest, (double) (total[r] - available[r]) / total[r]);
            }
        }
        return Math.min(highest, 1.0);
    }

    /** "{totalLabel}=[...], available=[...]", the raw fixed-point arrays. */
    protected final String describe(final String totalLabel) {
        return totalLabel + "=" + Arrays.toString(total) + ", available=" + Arrays.toString(available);
    }

    private void checkHeld(final ResourceAllocation allocation, final String action) {
        if (!holds(allocation)) {
            throw new IllegalStateException("cannot " + action + " an allocation that is not held " + where() + ": "
                + allocation);
        }
    }

    private void allocateGpu(final long wanted, final long memory, final ResourceAllocation into) {
        final int took = GpuPacking.take(free, memFree, free.length, wanted, memory, taken);
        final long each = wanted < SCALE ? wanted : SCALE;
        for (int i = 0; i < took; i++) {
            into.addGpu(instanceIds == null ? taken[i] : instanceIds[taken[i]], each, memory);
        }
        available[GPU] -= took * each;
        into.set(GPU, wanted < SCALE ? wanted : GpuPacking.wholeInstances(wanted) * SCALE);
        if (memory > 0) {
            available[GPU_MEMORY] -= took * memory;
            into.set(GPU_MEMORY, took * memory);
        }
    }

    private int position(final int instance) {
        if (instanceIds == null) {
            return instance;
        }
        for (int i = 0; i < instanceIds.length; i++) {
            if (instanceIds[i] == instance) {
                return i;
            }
        }
        throw new IllegalStateException("GPU instance " + instance + " is not in this ledger of node " + node);
    }
}
