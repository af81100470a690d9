package io.kairos.bench;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.policy.HybridSchedulingPolicy;
import io.kairos.internal.policy.SpreadSchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling decision time against cluster size (issue 6's scale curve): one decision of the hybrid (DEFAULT) or the
 * spread policy for a 1-CPU task over {@code nodes} logical nodes of 16 CPUs each: the local node (node 0) full, so the
 * task must go elsewhere, the others loaded at random (a seeded 0..15 CPUs taken on each, so some are above the
 * hybrid policy's threshold and some below). {@link #decision}: the decision only, the cluster does not change
 * between calls. {@link #decision_allocate_release}: the decision, then the task's CPU taken on the chosen node and
 * given back, as the conductor does for a task that runs: what keeping a large cluster's utilisation index up to date
 * adds. Goal at 10,000 nodes: <= 5 us per decision.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class PolicyScaleBenchmark {
    @State(Scope.Benchmark)
    public static class Nodes {
        @Param({"10", "100", "1000", "10000"})
        int nodes;

        @Param({"hybrid", "spread"})
        String policy;

        /**
         * mixed: each node 0..15 of 16 CPUs busy; busy: each 8..15 (at or above the hybrid threshold: its spread
         * step). Two loads that take the policies' fallback pass, not the utilisation index's fast path: gpu (mixed
         * CPUs, one node in 10 has 4 GPUs, the task asks for a GPU), blocked (mixed CPUs, each node also has 16 of
         * a resource "mem", taken whole on the 64 least busy nodes; the task asks for 1 CPU and 1 mem).
         */
        @Param({"mixed", "busy", "gpu", "blocked"})
        String load;

        Cluster cluster;
        SchedulingPolicy scheduler;
        SchedulingStrategy strategy;
        long[] demand;
        final ResourceAllocation allocation = new ResourceAllocation();

        @Setup(Level.Trial)
        public void setUp() {
            final ResourceRegistry registry = new ResourceRegistry();
            final List<LogicalNode> list = new ArrayList<>(nodes);
            final SplittableRandom random = new SplittableRandom(42);
            final int[] busyCpus = new int[nodes];
            for (int i = 0; i < nodes; i++) {
                busyCpus[i] = i == 0 ? 16  // the local node is full: the policy must look elsewhere
                    : load.equals("busy") ? 8 + random.nextInt(8) : random.nextInt(16);
            }
            final java.util.Set<Integer> memTaken = new java.util.HashSet<>();
            if (load.equals("blocked")) {  // the 64 least busy nodes: first in the index, none can take the task
                java.util.stream.IntStream.range(1, nodes).boxed().sorted(java.util.Comparator.comparingInt(i -> busyCpus[i]))
                    .limit(Math.min(64, nodes - 2)).forEach(memTaken::add);
            }
            for (int i = 0; i < nodes; i++) {
                final Map<String, Double> total = switch (load) {
                    case "gpu" -> i % 10 == 5 ? Map.of("CPU", 16.0, "GPU", 4.0) : Map.of("CPU", 16.0);
                    case "blocked" -> Map.of("CPU", 16.0, "mem", 16.0);
                    default -> Map.of("CPU", 16.0);
                };
                final LogicalNode node = new LogicalNode(i, "node-" + i, Map.of(), total, registry);
                if (busyCpus[i] > 0 && node.allocate(registry.demand(Map.of("CPU", (double) busyCpus[i]))) == null) {
                    throw new IllegalStateException("cannot load node " + i);
                }
                if (memTaken.contains(i) && node.allocate(registry.demand(Map.of("mem", 16.0))) == null) {
                    throw new IllegalStateException("cannot take mem on node " + i);
                }
                list.add(node);
            }
            cluster = new Cluster(registry, list, 0, 42);
            demand = registry.demand(switch (load) {
                case "gpu" -> Map.of("CPU", 1.0, "GPU", 1.0);
                case "blocked" -> Map.of("CPU", 1.0, "mem", 1.0);
                default -> Map.of("CPU", 1.0);
            });
            scheduler = policy.equals("hybrid") ? new HybridSchedulingPolicy() : new SpreadSchedulingPolicy();
            strategy = policy.equals("hybrid") ? SchedulingStrategy.DEFAULT : SchedulingStrategy.SPREAD;
            final SchedulingResult first = scheduler.schedule(demand, strategy, cluster);
            if (first.status() != SchedulingResult.Status.SUCCESS || first.node() == 0
                || memTaken.contains(first.node()) || load.equals("gpu") && first.node() % 10 != 5) {
                throw new IllegalStateException(load + " load: the decision must find a node that fits, was " + first);
            }
        }
    }

    /** One scheduling decision over the cluster. */
    @Benchmark
    public int decision(final Nodes s) {
        final SchedulingResult result = s.scheduler.schedule(s.demand, s.strategy, s.cluster);
        return result.status() == SchedulingResult.Status.SUCCESS ? result.node() : -1;
    }

    /** A decision, then the CPU taken on the chosen node and given back (a task's whole life in the ledger). */
    @Benchmark
    public int decision_allocate_release(final Nodes s) {
        final SchedulingResult result = s.scheduler.schedule(s.demand, s.strategy, s.cluster);
        if (result.status() != SchedulingResult.Status.SUCCESS) {
            return -1;
        }
        final LogicalNode node = s.cluster.logicalNode(result.node());
        if (!node.allocate(s.demand, s.allocation)) {
            throw new IllegalStateException("node " + result.node() + " was chosen but has no room");
        }
        node.release(s.allocation);
        return result.node();
    }
}
