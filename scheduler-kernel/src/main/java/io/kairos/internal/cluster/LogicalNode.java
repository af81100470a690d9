package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.NodeView;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * One node's resource ledger: totals and what is available now, in fixed point by resource index, with its GPUs as
 * instances 0..n-1 of capacity 1.0 each.
 *
 * <p>GPU placement: a fractional GPU demand (below 1) goes on one instance, best fit (the instance with the least
 * remaining capacity that still fits, ties to the lowest id), so fractions pack and whole instances stay free; a
 * demand of k whole GPUs takes the k lowest-numbered fully free instances.
 *
 * <p>Demand arrays may be shorter or longer than this node's resource count: missing entries are 0, and a positive
 * demand for a resource the node lacks never fits. Non-positive entries are ignored.
 *
 * <p>Thread-safety: none; owned by the conductor. Nothing here allocates except {@link #allocate(long[])}, the views
 * and the reasons.
 */
public final class LogicalNode implements NodeView {
    /** The most GPU instances one node may declare. */
    public static final int MAX_GPU_INSTANCES = 4096;

    private final int index;
    private final String nodeId;
    private final Map<String, String> labels;
    private final ResourceRegistry registry;
    private final long[] total;
    private final long[] available;
    private final long[] gpuFree;
    private final Map<String, Double> totalsView;

    /**
     * @param totals resources in units; names not yet known are registered (and must be valid names); amounts are
     *               validated as demands are, and the GPU total must be a whole number
     * @throws IllegalArgumentException naming the node, the field and the limit
     */
    public LogicalNode(final int index, final String nodeId, final Map<String, String> labels,
                       final Map<String, Double> totals, final ResourceRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (index < 0) {
            throw new IllegalArgumentException("node index must be >= 0, was " + index);
        }
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("node id must be non-empty, was " + (nodeId == null ? "null" : "empty"));
        }
        this.index = index;
        this.nodeId = nodeId;
        this.registry = registry;
        this.labels = copyLabels(nodeId, labels);
        if (totals == null) {
            throw new IllegalArgumentException("node '" + nodeId + "' totals must be a map of resource to amount, was null");
        }
        for (final String name : totals.keySet()) {
            registry.register(name);
        }
        total = new long[registry.count()];
        for (final Map.Entry<String, Double> entry : totals.entrySet()) {
            final String name = entry.getKey();
            final int r = registry.indexOf(name);
            total[r] = ResourceRegistry.amount(entry.getValue(), "node '" + nodeId + "' resource '" + name + "'");
        }
        if (total[GPU] % SCALE != 0) {
            throw new IllegalArgumentException("node '" + nodeId + "' GPU total " + ResourceRegistry.format(total[GPU])
                + " must be a whole number");
        }
        if (total[GPU] / SCALE > MAX_GPU_INSTANCES) {
            throw new IllegalArgumentException("node '" + nodeId + "' GPU total " + ResourceRegistry.format(total[GPU])
                + " is above " + MAX_GPU_INSTANCES);
        }
        available = total.clone();
        gpuFree = new long[(int) (total[GPU] / SCALE)];
        Arrays.fill(gpuFree, SCALE);
        final Map<String, Double> view = new LinkedHashMap<>();
        for (int r = 0; r < total.length; r++) {
            if (total[r] > 0) {
                view.put(registry.name(r), FixedPoint.toUnits(total[r]));
            }
        }
        totalsView = Collections.unmodifiableMap(view);
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public long total(final int resource) {
        return resource >= 0 && resource < total.length ? total[resource] : 0;
    }

    @Override
    public long available(final int resource) {
        return resource >= 0 && resource < available.length ? available[resource] : 0;
    }

    /** How many GPU instances the node has. */
    public int gpuInstances() {
        return gpuFree.length;
    }

    /** The fixed-point capacity still free on one GPU instance. */
    public long gpuInstanceAvailable(final int instance) {
        return gpuFree[instance];
    }

    @Override
    public boolean fits(final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            if (r >= available.length) {
                return false;
            }
            if (r == GPU) {
                if (!gpuFits(wanted)) {
                    return false;
                }
            } else if (available[r] < wanted) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean feasible(final long[] demand) {
        // GPU totals are whole, so total >= demand also covers "a fraction needs one instance" and "k.x needs k+1".
        for (int r = 0; r < demand.length; r++) {
            final long wanted = demand[r];
            if (wanted > 0 && (r >= total.length || total[r] < wanted)) {
                return false;
            }
        }
        return true;
    }

    /** Why the demand can never fit here, e.g. "GPU: 2.0 requested, node-0 has 1.0"; null if it can. */
    public String infeasibleReason(final long[] demand) {
        if (feasible(demand)) {
            return null;
        }
        return Feasibility.nodeReason(demand, this, r -> r < registry.count() ? registry.name(r) : null);
    }

    /** Allocates the demand if it fits now, else returns null. */
    public ResourceAllocation allocate(final long[] demand) {
        final ResourceAllocation allocation = new ResourceAllocation(total.length);
        return allocate(demand, allocation) ? allocation : null;
    }

    /**
     * Allocates the demand into a reusable allocation if it fits now.
     *
     * @return false, leaving node and allocation unchanged, if it does not fit
     * @throws IllegalStateException if the allocation is still held
     */
    public boolean allocate(final long[] demand, final ResourceAllocation into) {
        if (into.held()) {
            throw new IllegalStateException("allocation is already held on node " + into.node() + "; release it first");
        }
        if (!fits(demand)) {
            return false;
        }
        into.begin(index, total.length);
        final int n = Math.min(demand.length, available.length);
        for (int r = 0; r < n; r++) {
            final long wanted = demand[r];
            if (wanted <= 0) {
                continue;
            }
            if (r == GPU) {
                allocateGpu(wanted, into);
            } else {
                available[r] -= wanted;
                into.set(r, wanted);
            }
        }
        return true;
    }

    /**
     * Returns what the allocation holds (its CPU excepted if it was given back while blocked).
     *
     * @throws IllegalStateException if it is not held on this node (e.g. released twice)
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
            gpuFree[allocation.gpuInstance(i)] += amount;
            available[GPU] += amount;
        }
        allocation.released();
    }

    /** Gives the allocation's CPU back while its task waits in get; does nothing if already given back. */
    public void releaseCpuWhileBlocked(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "release CPU of");
        if (!allocation.cpuReleased()) {
            available[CPU] += allocation.amount(CPU);
            allocation.cpuReleased(true);
        }
    }

    /**
     * Takes the allocation's CPU again after its task stops waiting, even if that oversubscribes the node (available
     * CPU may go negative, as in Ray); does nothing if the CPU was not given back.
     */
    public void reacquireCpuAfterBlocked(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "reacquire CPU of");
        if (allocation.cpuReleased()) {
            available[CPU] -= allocation.amount(CPU);
            allocation.cpuReleased(false);
        }
    }

    // ---- for sub-ledgers that hand out part of an allocation this node made (placement group bundles) ----

    /**
     * Records in {@code into} a grant a sub-ledger made out of resources this node already allocated to it (a task in
     * a placement group bundle): marks it held on this node with these amounts and GPU shares, leaving this node's
     * availability unchanged. Only the sub-ledger may end it ({@link #endSubAllocation}), never {@link #release}.
     *
     * @param amounts     fixed-point amounts by resource index (copied)
     * @param gpuInstance node-local GPU instance ids, the first gpuCount used
     * @param gpuAmount   the share taken on each of those instances
     * @throws IllegalStateException if {@code into} is still held
     */
    public void beginSubAllocation(final ResourceAllocation into, final long[] amounts, final int[] gpuInstance,
                                   final long[] gpuAmount, final int gpuCount) {
        if (into.held()) {
            throw new IllegalStateException("allocation is already held on node " + into.node() + "; release it first");
        }
        into.begin(index, Math.max(total.length, amounts.length));
        for (int r = 0; r < amounts.length; r++) {
            into.set(r, amounts[r]);
        }
        for (int i = 0; i < gpuCount; i++) {
            into.addGpu(gpuInstance[i], gpuAmount[i]);
        }
    }

    /** Marks a grant recorded by {@link #beginSubAllocation} released, leaving this node's availability unchanged. */
    public void endSubAllocation(final ResourceAllocation allocation) {
        checkHeldHere(allocation, "end");
        allocation.released();
    }

    /** Records on a sub-ledger's grant whether its CPU is given back while its task is blocked. */
    public void markSubAllocationCpuReleased(final ResourceAllocation allocation, final boolean released) {
        checkHeldHere(allocation, "mark CPU of");
        allocation.cpuReleased(released);
    }

    /**
     * The utilisation of the most used resource the node has, allocated / total, clamped to 0.0..1.0 (CPU may be
     * oversubscribed after {@link #reacquireCpuAfterBlocked}).
     */
    @Override
    public double utilization() {
        double highest = 0;
        for (int r = 0; r < total.length; r++) {
            if (total[r] > 0) {
                highest = Math.max(highest, (double) (total[r] - available[r]) / total[r]);
            }
        }
        return Math.min(highest, 1.0);
    }

    /** The resources the node has, in units (an unmodifiable view). */
    public Map<String, Double> totals() {
        return totalsView;
    }

    /** What is available now of each resource the node has, in units (a new unmodifiable map). */
    public Map<String, Double> available() {
        final Map<String, Double> view = new LinkedHashMap<>();
        for (int r = 0; r < total.length; r++) {
            if (total[r] > 0) {
                view.put(registry.name(r), FixedPoint.toUnits(available[r]));
            }
        }
        return Collections.unmodifiableMap(view);
    }

    private boolean gpuFits(final long wanted) {
        if (wanted < SCALE) {
            for (final long free : gpuFree) {
                if (free >= wanted) {
                    return true;
                }
            }
            return false;
        }
        final long needed = wholeInstances(wanted);
        long freeInstances = 0;
        for (final long free : gpuFree) {
            if (free == SCALE && ++freeInstances >= needed) {
                return true;
            }
        }
        return false;
    }

    private void allocateGpu(final long wanted, final ResourceAllocation into) {
        if (wanted < SCALE) {
            int best = -1;
            for (int i = 0; i < gpuFree.length; i++) {
                if (gpuFree[i] >= wanted && (best < 0 || gpuFree[i] < gpuFree[best])) {
                    best = i;
                }
            }
            gpuFree[best] -= wanted;
            available[GPU] -= wanted;
            into.addGpu(best, wanted);
            into.set(GPU, wanted);
            return;
        }
        long needed = wholeInstances(wanted);
        for (int i = 0; i < gpuFree.length && needed > 0; i++) {
            if (gpuFree[i] == SCALE) {
                gpuFree[i] = 0;
                available[GPU] -= SCALE;
                into.addGpu(i, SCALE);
                needed--;
            }
        }
        into.set(GPU, wholeInstances(wanted) * SCALE);
    }

    private static long wholeInstances(final long wanted) {
        return (wanted + SCALE - 1) / SCALE;
    }

    private void checkHeldHere(final ResourceAllocation allocation, final String action) {
        if (!allocation.held() || allocation.node() != index) {
            throw new IllegalStateException("cannot " + action + " an allocation that is not held on " + nodeId
                + ": " + allocation);
        }
    }

    private static Map<String, String> copyLabels(final String nodeId, final Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        for (final Map.Entry<String, String> entry : labels.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("node '" + nodeId + "' labels must not contain null keys or values: "
                    + labels);
            }
        }
        return Map.copyOf(labels);
    }

    @Override
    public String toString() {
        return "LogicalNode(" + index + ", " + nodeId + ", available=" + available() + ", labels=" + labels + ")";
    }
}
