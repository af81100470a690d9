package io.kairos.bench;

import io.kairos.GpuResourceProvider;
import io.kairos.gpu.GpuDevices;
import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.policy.HybridSchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling throughput of fractional-GPU requests on 8 simulated GPUs: the conductor's decision (the hybrid policy
 * over a cluster view), the allocation that packs the fraction onto one device instance (best fit), and its release.
 * The node comes from {@code GpuDevices.simulated("8x80GiB")} through {@link GpuResourceProvider}. One invocation
 * fills every device with {@code 8 / fraction} requests, then frees them all; the score counts placements.
 * Peer, same run: first fit over an array of free fractions (what a minimal GPU scheduler does, with no policy,
 * no fixed point and no other resources).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelGpuPlacementBenchmark {
    static final int GPUS = 8;
    static final int PLACEMENTS = 64;  // 8 GPUs x 8 requests of 0.125

    @State(Scope.Benchmark)
    public static class KairosState {
        Cluster cluster;
        LogicalNode node;
        final HybridSchedulingPolicy policy = new HybridSchedulingPolicy();
        long[] demand;
        final ResourceAllocation[] allocations = new ResourceAllocation[PLACEMENTS];

        @Setup(Level.Trial)
        public void setUp() {
            final ResourceRegistry registry = new ResourceRegistry();
            try (GpuDevices gpus = GpuDevices.simulated(GPUS + "x80GiB")) {
                final GpuResourceProvider provider = new GpuResourceProvider(gpus);
                registry.register(GpuResourceProvider.GPU_MEMORY);
                final Map<String, Double> totals = new java.util.LinkedHashMap<>(provider.resources("node-0"));
                totals.put("CPU", 64.0);
                node = new LogicalNode(0, "node-0", provider.labels("node-0"), totals, registry);
            }
            cluster = new Cluster(registry, List.of(node), 0, 42);
            demand = registry.demand(Map.of("GPU", 1.0 / (PLACEMENTS / GPUS)));
            for (int i = 0; i < PLACEMENTS; i++) {
                allocations[i] = new ResourceAllocation(registry.count());
            }
        }

        @TearDown(Level.Iteration)
        public void checkEmpty() {
            if (node.available(ResourceRegistry.GPU) != node.total(ResourceRegistry.GPU)) {
                throw new IllegalStateException("GPUs left allocated: " + node);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class FirstFitState {
        final double[] free = new double[GPUS];
        final int[] placedOn = new int[PLACEMENTS];

        @Setup(Level.Trial)
        public void setUp() {
            java.util.Arrays.fill(free, 1.0);
        }
    }

    /** Fills 8 simulated GPUs with 0.125-GPU requests through the hybrid policy and the node's ledger, frees them. */
    @Benchmark
    @OperationsPerInvocation(PLACEMENTS)
    public int fractional_gpu_placements(final KairosState s) {
        int placed = 0;
        for (int i = 0; i < PLACEMENTS; i++) {
            final SchedulingResult result = s.policy.schedule(s.demand, SchedulingStrategy.DEFAULT, s.cluster);
            if (result.status() == SchedulingResult.Status.SUCCESS
                && s.cluster.logicalNode(result.node()).allocate(s.demand, s.allocations[i])) {
                placed += s.allocations[i].gpuInstance(0);
            }
        }
        for (int i = 0; i < PLACEMENTS; i++) {
            s.node.release(s.allocations[i]);
        }
        return placed;
    }

    /** Peer: first fit of the same requests over an array of free fractions, then the frees. */
    @Benchmark
    @OperationsPerInvocation(PLACEMENTS)
    public int first_fit_array_placements(final FirstFitState s) {
        final double want = 1.0 / (PLACEMENTS / GPUS);
        int placed = 0;
        for (int i = 0; i < PLACEMENTS; i++) {
            for (int g = 0; g < GPUS; g++) {
                if (s.free[g] >= want - 1e-12) {
                    s.free[g] -= want;
                    s.placedOn[i] = g;
                    placed += g;
                    break;
                }
            }
        }
        for (int i = 0; i < PLACEMENTS; i++) {
            s.free[s.placedOn[i]] += want;
        }
        return placed;
    }
}
