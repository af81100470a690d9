package io.kairos.internal.cluster;

import java.util.Arrays;

/**
 * What one running task holds on one node: fixed-point amounts by resource index, and the GPU instances it was
 * given with the amount on each. Filled by {@link LogicalNode#allocate}, returned by {@link LogicalNode#release}.
 * Reusable: after release, {@link #clear()} it and pass it to {@link LogicalNode#allocate(long[], ResourceAllocation)}
 * again, so a pool of allocations makes dispatch allocation-free.
 *
 * <p>Thread-safety: none; owned by the conductor.
 */
public final class ResourceAllocation {
    private long[] amounts;
    private int[] gpuInstances = new int[1];
    private long[] gpuAmounts = new long[1];
    private long[] gpuMemory = new long[1];
    private int gpuInstanceCount;
    private int node = -1;
    private boolean held;
    private boolean cpuReleased;

    public ResourceAllocation() {
        this(4);
    }

    /** @param resourceCount the expected number of resources, to size the amounts array up front */
    public ResourceAllocation(final int resourceCount) {
        amounts = new long[Math.max(resourceCount, 1)];
    }

    /**
     * The fixed-point amounts held, by resource index. The internal array: do not modify it. It may be longer than
     * the node's resource count; entries for resources not held are 0.
     */
    public long[] amounts() {
        return amounts;
    }

    /** The fixed-point amount held of one resource (0 for resources beyond the array). */
    public long amount(final int resource) {
        return resource >= 0 && resource < amounts.length ? amounts[resource] : 0;
    }

    /** How many GPU instances this allocation uses. */
    public int gpuInstanceCount() {
        return gpuInstanceCount;
    }

    /** The node-local id (0..n-1) of the i-th GPU instance used. */
    public int gpuInstance(final int i) {
        checkGpuIndex(i);
        return gpuInstances[i];
    }

    /** The fixed-point amount used on the i-th GPU instance (1.0 = {@code FixedPoint.SCALE} for a whole GPU). */
    public long gpuAmount(final int i) {
        checkGpuIndex(i);
        return gpuAmounts[i];
    }

    /** The fixed-point GPU memory held on the i-th GPU instance used (0 when the request asked for none). */
    public long gpuMemory(final int i) {
        checkGpuIndex(i);
        return gpuMemory[i];
    }

    /** The index of the node that granted it, or -1 if never allocated. */
    public int node() {
        return node;
    }

    /** Whether it is allocated and not yet released. */
    public boolean held() {
        return held;
    }

    /** Whether its CPU was given back while its task is blocked (see {@link LogicalNode#releaseCpuWhileBlocked}). */
    public boolean cpuReleased() {
        return cpuReleased;
    }

    /**
     * Empties it for reuse.
     *
     * @throws IllegalStateException if it is still held (release it first)
     */
    public void clear() {
        if (held) {
            throw new IllegalStateException("allocation on node " + node + " is still held; release it before clear()");
        }
        Arrays.fill(amounts, 0);
        gpuInstanceCount = 0;
        node = -1;
        cpuReleased = false;
    }

    // ---- written by InstanceLedger (nodes and bundles) only ----

    void begin(final int node, final int resourceCount) {
        if (held) {
            throw new IllegalStateException("allocation is already held on node " + this.node);
        }
        if (amounts.length < resourceCount) {
            amounts = new long[resourceCount];
        } else {
            Arrays.fill(amounts, 0);
        }
        gpuInstanceCount = 0;
        this.node = node;
        this.held = true;
        this.cpuReleased = false;
    }

    void set(final int resource, final long amount) {
        amounts[resource] = amount;
    }

    void addGpu(final int instance, final long amount, final long memory) {
        if (gpuInstanceCount == gpuInstances.length) {
            gpuInstances = Arrays.copyOf(gpuInstances, gpuInstanceCount * 2);
            gpuAmounts = Arrays.copyOf(gpuAmounts, gpuInstanceCount * 2);
            gpuMemory = Arrays.copyOf(gpuMemory, gpuInstanceCount * 2);
        }
        gpuInstances[gpuInstanceCount] = instance;
        gpuAmounts[gpuInstanceCount] = amount;
        gpuMemory[gpuInstanceCount] = memory;
        gpuInstanceCount++;
    }

    void released() {
        held = false;
        cpuReleased = false;
    }

    void cpuReleased(final boolean released) {
        cpuReleased = released;
    }

    private void checkGpuIndex(final int i) {
        if (i < 0 || i >= gpuInstanceCount) {
            throw new IndexOutOfBoundsException("GPU instance " + i + " is outside 0.." + (gpuInstanceCount - 1));
        }
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("ResourceAllocation(node=").append(node).append(", amounts=")
            .append(Arrays.toString(amounts));
        for (int i = 0; i < gpuInstanceCount; i++) {
            sb.append(i == 0 ? ", gpus=" : ",").append(gpuInstances[i]).append(':')
                .append(ResourceRegistry.format(gpuAmounts[i]));
            if (gpuMemory[i] != 0) {
                sb.append('+').append(ResourceRegistry.format(gpuMemory[i])).append("B");
            }
        }
        return sb.append(held ? ", held" : "").append(cpuReleased ? ", cpu released" : "").append(')').toString();
    }
}
