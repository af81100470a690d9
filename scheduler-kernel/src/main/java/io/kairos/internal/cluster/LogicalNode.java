package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.FixedPoint;
import io.kairos.spi.scheduling.NodeView;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU_MEMORY;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;

/**
 * One node's resource ledger (an {@link InstanceLedger}): totals and what is available now, in fixed point by resource
 * index, with its GPUs as instances 0..n-1 of capacity 1.0 each.
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
public final class LogicalNode extends InstanceLedger implements NodeView {
    /** The most GPU instances one node may declare. */
    public static final int MAX_GPU_INSTANCES = 4096;

    private final int index;
    private final String nodeId;
    private final Map<String, String> labels;
    private final ResourceRegistry registry;
    private final Map<String, Double> totalsView;
    private boolean remote;
    private boolean retired;
    private boolean runsNothing;

    /**
     * @param totals resources in units; names not yet known are registered (and must be valid names); amounts are
     *               validated as demands are, and the GPU total must be a whole number
     * @throws IllegalArgumentException naming the node, the field and the limit
     */
    public LogicalNode(final int index, final String nodeId, final Map<String, String> labels,
                       final Map<String, Double> totals, final ResourceRegistry registry) {
        this(index, nodeId, labels, totals, List.of(), registry);
    }

    /**
     * As {@link #LogicalNode(int, String, Map, Map, ResourceRegistry)}, with the GPU memory of each GPU instance in
     * bytes (devices of different sizes). The list is used when it has one amount per GPU and they add up to the
     * node's GPU_memory; otherwise (empty, or the node's configuration overrode GPU or GPU_memory) the GPU_memory is
     * split evenly over the instances.
     */
    public LogicalNode(final int index, final String nodeId, final Map<String, String> labels,
                       final Map<String, Double> totals, final List<Double> gpuMemoryByInstance,
                       final ResourceRegistry registry) {
        this(index, nodeId, labels, checkedTotals(index, nodeId, labels, totals, registry), gpuMemoryByInstance,
            registry);
    }

    private LogicalNode(final int index, final String nodeId, final Map<String, String> labels, final long[] total,
                        final List<Double> gpuMemoryByInstance, final ResourceRegistry registry) {
        super(index, total, instanceMemory(nodeId, total, gpuMemoryByInstance));
        this.index = index;
        this.nodeId = nodeId;
        this.registry = registry;
        this.labels = labels == null ? Map.of() : Map.copyOf(labels);
        final Map<String, Double> view = new LinkedHashMap<>();
        for (int r = 0; r < resourceCount(); r++) {
            if (total(r) > 0) {
                view.put(registry.name(r), FixedPoint.toUnits(total(r)));
            }
        }
        totalsView = Collections.unmodifiableMap(view);
    }

    private static long[] instanceMemory(final String nodeId, final long[] total, final List<Double> byInstance) {
        final int instances = (int) (total[GPU] / SCALE);
        final long memory = total[GPU_MEMORY];
        if (byInstance != null && byInstance.size() == instances && instances > 0) {
            final long[] split = new long[instances];
            long sum = 0;
            for (int i = 0; i < instances; i++) {
                split[i] = ResourceRegistry.amount(byInstance.get(i),
                    "node '" + nodeId + "' GPU instance " + i + " GPU_memory");
                sum += split[i];
            }
            if (sum == memory) {
                return split;
            }
        }
        final long[] split = new long[instances];
        if (instances > 0) {
            Arrays.fill(split, memory / instances);
            split[0] += memory % instances;
        }
        return split;
    }

    /** Validates the arguments, in this order, and returns the totals in fixed point by resource index. */
    private static long[] checkedTotals(final int index, final String nodeId, final Map<String, String> labels,
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
        checkLabels(nodeId, labels);
        if (totals == null) {
            throw new IllegalArgumentException("node '" + nodeId + "' totals must be a map of resource to amount, was null");
        }
        for (final String name : totals.keySet()) {
            registry.register(name);
        }
        final long[] total = new long[registry.count()];
        for (final Map.Entry<String, Double> entry : totals.entrySet()) {
            final String name = entry.getKey();
            final int r = registry.indexOf(name);
            total[r] = ResourceRegistry.amount(entry.getValue(), "node '" + nodeId + "' resource '" + name + "'");
        }
        if (total[GPU] % SCALE != 0) {
            throw new IllegalArgumentException("node '" + nodeId + "' GPU total " + ResourceRegistry.format(total[GPU])
                + " must be a whole number");
        }
        if (total[GPU_MEMORY] > 0 && total[GPU] == 0) {
            throw new IllegalArgumentException("node '" + nodeId + "' has GPU_memory " + ResourceRegistry.format(total[GPU_MEMORY])
                + " but no GPU: GPU memory is accounted per GPU instance");
        }
        if (total[GPU] / SCALE > MAX_GPU_INSTANCES) {
            throw new IllegalArgumentException("node '" + nodeId + "' GPU total " + ResourceRegistry.format(total[GPU])
                + " is above " + MAX_GPU_INSTANCES);
        }
        return total;
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

    /** Whether this node is another cluster member's (its work is forwarded there), not this kernel's own. */
    public boolean isRemote() {
        return remote;
    }

    void remote(final boolean value) {
        remote = value;
    }

    /**
     * A driver's node (a cluster member that offers nothing): nothing fits it, not even work that asks for no
     * resources, so its work goes to the members that offer some.
     */
    public void runNothing() {
        runsNothing = true;
    }

    @Override
    public boolean fits(final long[] demand) {
        return !runsNothing && !retired && super.fits(demand);  // a member gone from the cluster takes nothing, not even nothing
    }

    /** Whether it left the cluster ({@link #retire()}d). */
    public boolean isRetired() {
        return retired;
    }

    /** The node left the cluster: nothing fits it any more. */
    public void leave() {
        retired = true;
        retire();
    }

    /** Fixed-point amounts available now, by resource index (a copy). */
    public long[] availableAmounts() {
        final long[] amounts = new long[resourceCount()];
        for (int r = 0; r < amounts.length; r++) {
            amounts[r] = available(r);
        }
        return amounts;
    }

    /** How many GPU instances the node has. */
    public int gpuInstances() {
        return instanceCount();
    }

    /** The fixed-point capacity still free on one GPU instance. */
    public long gpuInstanceAvailable(final int instance) {
        return instanceFree(instance);
    }

    /** The fixed-point GPU memory one GPU instance has, nothing allocated. */
    public long gpuInstanceMemory(final int instance) {
        return instanceMemory(instance);
    }

    /** The fixed-point GPU memory still free on one GPU instance. */
    public long gpuInstanceMemoryAvailable(final int instance) {
        return instanceMemoryFree(instance);
    }

    /** Why the demand can never fit here, e.g. "GPU: 2.0 requested, node-0 has 1.0"; null if it can. */
    public String infeasibleReason(final long[] demand) {
        if (feasible(demand)) {
            return null;
        }
        final long memory = demand.length > GPU_MEMORY ? demand[GPU_MEMORY] : 0;
        if (memory > largestInstanceMemory() && memory <= total(GPU_MEMORY)) {
            return "GPU_memory: " + ResourceRegistry.format(memory) + " requested on one device, " + nodeId
                + "'s devices have " + ResourceRegistry.format(largestInstanceMemory()) + " each at most";
        }
        return Feasibility.nodeReason(demand, this, r -> r < registry.count() ? registry.name(r) : null);
    }

    /** The resources the node has, in units (an unmodifiable view). */
    public Map<String, Double> totals() {
        return totalsView;
    }

    /** What is available now of each resource the node has, in units (a new unmodifiable map). */
    public Map<String, Double> available() {
        final Map<String, Double> view = new LinkedHashMap<>();
        for (int r = 0; r < resourceCount(); r++) {
            if (total(r) > 0) {
                view.put(registry.name(r), FixedPoint.toUnits(available(r)));
            }
        }
        return Collections.unmodifiableMap(view);
    }

    @Override
    protected boolean holds(final ResourceAllocation allocation) {
        return allocation.held() && allocation.node() == index;
    }

    @Override
    protected String where() {
        return "on " + nodeId;
    }

    private static void checkLabels(final String nodeId, final Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        for (final Map.Entry<String, String> entry : labels.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("node '" + nodeId + "' labels must not contain null keys or values: "
                    + labels);
            }
        }
    }

    /** Makes the index follow this node's changes; an index that followed it before stops being valid. */
    void follow(final UtilizationIndex index) {
        if (follower != null && follower != index) {
            follower.invalidate();
        }
        follower = index;
    }

    @Override
    public String toString() {
        return "LogicalNode(" + index + ", " + nodeId + ", available=" + available() + ", labels=" + labels + ")";
    }
}
