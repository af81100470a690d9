package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HybridSchedulingPolicyTest {
    private final HybridSchedulingPolicy policy = new HybridSchedulingPolicy(0.5, 0.2);

    private SchedulingResult schedule(final Cluster cluster, final long[] demand) {
        return policy.schedule(demand, SchedulingStrategy.DEFAULT, cluster);
    }

    /** Schedules and allocates one-CPU tasks, returning the nodes chosen. */
    private List<Integer> place(final Cluster cluster, final int tasks) {
        final List<Integer> chosen = new ArrayList<>();
        final long[] one = cpus(cluster, 1);
        for (int i = 0; i < tasks; i++) {
            final SchedulingResult result = schedule(cluster, one);
            chosen.add(result.node());
            cluster.logicalNode(result.node()).allocate(one);
        }
        return chosen;
    }

    @Test
    void choosesTheLocalNodeWhileItIsBelowTheThreshold() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(2, 1);
        assertEquals(SchedulingResult.success(2), schedule(cluster, cpus(cluster, 1)));
    }

    @Test
    void comparesTheLocalUtilizationBeforePlacing() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 4).build(1, 1);
        occupy(cluster, 1, 1); // 0.25 now, 0.75 after placing 2 more
        assertEquals(1, schedule(cluster, cpus(cluster, 2)).node());
    }

    @Test
    void packsOntoTheLowestIndexedNodeBelowTheThresholdWhenTheLocalNodeIsPastIt() {
        final Cluster cluster = new TestCluster().cpuNodes(4, 4).build(2, 1);
        occupy(cluster, 2, 2);
        occupy(cluster, 0, 3);
        assertEquals(1, schedule(cluster, cpus(cluster, 1)).node());
    }

    @Test
    void packsThenSpreadsPastTheThreshold() {
        final Cluster cluster = new TestCluster().cpuNodes(4, 4).build(0, 1);
        // each node takes two tasks (utilisation 0 then 0.25) before reaching 0.5; then the least utilised (k = 1)
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3), place(cluster, 12));
    }

    @Test
    void aZeroThresholdAlwaysSpreadsToTheLeastUtilizedNode() {
        final HybridSchedulingPolicy spread = new HybridSchedulingPolicy(0.0, 0.2);
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(1, 1);
        final long[] one = cpus(cluster, 1);
        final List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final int node = spread.schedule(one, SchedulingStrategy.DEFAULT, cluster).node();
            chosen.add(node);
            cluster.logicalNode(node).allocate(one);
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2), chosen);
    }

    @Test
    void skipsNodesThatDoNotFit() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(0, 1);
        occupy(cluster, 0, 4);
        occupy(cluster, 1, 3.5);
        assertEquals(2, schedule(cluster, cpus(cluster, 1)).node());
    }

    @Test
    void spreadsRandomlyAmongTheTopKLeastUtilizedNodes() {
        final TestCluster builder = new TestCluster().cpuNodes(10, 10);
        final Cluster cluster = builder.build(0, 3);
        for (int i = 0; i < 10; i++) {
            occupy(cluster, i, 5 + (i * 7) % 10 * 0.4); // all at or past 0.5; nodes 0 (0.5) and 3 (0.54) least used
        }
        final Set<Integer> chosen = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            chosen.add(schedule(cluster, cpus(cluster, 1)).node());
        }
        assertEquals(2, policy.topK(10));
        assertEquals(Set.of(0, 3), chosen);
    }

    @Test
    void everyChoiceIsOneOfTheTopKAndEachOfThemIsChosenOnRandomClusters() {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int round = 0; round < 30; round++) {
            final int n = 5 + random.nextInt(60);
            final Cluster cluster = new TestCluster().cpuNodes(n, 20).build(random.nextInt(n), round);
            final double[] used = new double[n];
            for (int i = 0; i < n; i++) {
                used[i] = 10 + random.nextInt(4) * 2;  // at or past the 0.5 threshold, with many ties
                occupy(cluster, i, used[i]);
            }
            final Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> used[a] != used[b] ? Double.compare(used[a], used[b]) : a - b);
            final Set<Integer> topK = new TreeSet<>(Arrays.asList(order).subList(0, policy.topK(n)));
            final Set<Integer> chosen = new TreeSet<>();
            for (int i = 0; i < 40 * topK.size(); i++) {
                final int node = schedule(cluster, cpus(cluster, 1)).node();
                assertTrue(topK.contains(node), "round " + round + ": node " + node + " is not among " + topK);
                chosen.add(node);
            }
            assertEquals(topK, chosen, "round " + round + ": every one of the k is chosen");
        }
    }

    @Test
    void topKChoicesRepeatForAFixedSeed() {
        final List<List<Integer>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            final Cluster cluster = new TestCluster().cpuNodes(10, 2).build(0, 1234);
            for (int i = 0; i < 10; i++) {
                occupy(cluster, i, 1);
            }
            final List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                chosen.add(schedule(cluster, cpus(cluster, 1)).node());
            }
            runs.add(chosen);
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(Set.of(0, 1), new TreeSet<>(runs.get(0))); // k = 2 of 10 equally used nodes: ties to lower index
    }

    @Test
    void topKIsAFractionOfTheNodesRoundedUpAndAtLeastOne() {
        assertEquals(1, policy.topK(1));
        assertEquals(1, policy.topK(5));
        assertEquals(2, policy.topK(6));
        assertEquals(3, new HybridSchedulingPolicy(0.5, 0.3).topK(10));
    }

    @Test
    void unavailableWhenFeasibleButNoNodeHasRoomNow() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 1).build();
        occupy(cluster, 0, 1);
        occupy(cluster, 1, 1);
        assertSame(SchedulingResult.unavailable(), schedule(cluster, cpus(cluster, 1)));
    }

    @Test
    void infeasibleNamesTheResourceAndTheLargestNode() {
        final Cluster cluster = new TestCluster().node(Map.of("CPU", 4.0, "GPU", 1.0)).cpuNodes(1, 4).build();
        final SchedulingResult result = schedule(cluster, cluster.registry().demand(Map.of("GPU", 2.0)));
        assertEquals(SchedulingResult.Status.INFEASIBLE, result.status());
        assertEquals("no node can ever provide GPU: 2.0 requested, the largest node has 1.0", result.reason());
    }

    @Test
    void rejectsParametersOutsideTheirRange() {
        assertThrows(IllegalArgumentException.class, () -> new HybridSchedulingPolicy(1.5, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new HybridSchedulingPolicy(Double.NaN, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new HybridSchedulingPolicy(0.5, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new HybridSchedulingPolicy(0.5, 1.1));
    }

    @Test
    void aRequestWithoutGpusGoesToANodeWithoutGpusEvenWhenTheLocalNodeHasThem() {
        final Cluster cluster = new TestCluster()
            .node(Map.of("CPU", 8.0, "GPU", 4.0))
            .node(Map.of("CPU", 8.0))
            .build(0, 1);
        assertEquals(1, schedule(cluster, cpus(cluster, 1)).node(), "the CPU-only node, though node 0 is local");
        final long[] gpuTask = cluster.registry().demand(Map.of("CPU", 1.0, "GPU", 1.0));
        assertEquals(0, schedule(cluster, gpuTask).node(), "a GPU request still takes the GPU node");
    }

    @Test
    void aRequestWithoutGpusTakesAGpuNodeOnlyWhenNoOtherNodeFits() {
        final Cluster cluster = new TestCluster()
            .node(Map.of("CPU", 4.0, "GPU", 1.0))
            .node(Map.of("CPU", 2.0))
            .build(0, 1);
        final List<Integer> chosen = place(cluster, 4);
        assertEquals(List.of(1, 1, 0, 0), chosen, "the CPU-only node until it is full, then the GPU node");
        occupy(cluster, 0, 2);
        assertEquals(SchedulingResult.Status.UNAVAILABLE, schedule(cluster, cpus(cluster, 1)).status());
    }

    @Test
    void avoidingGpuNodesCanBeTurnedOff() {
        final Cluster cluster = new TestCluster()
            .node(Map.of("CPU", 8.0, "GPU", 4.0))
            .node(Map.of("CPU", 8.0))
            .build(0, 1);
        final HybridSchedulingPolicy plain = new HybridSchedulingPolicy(0.5, 0.2, false);
        assertEquals(0, plain.schedule(cpus(cluster, 1), SchedulingStrategy.DEFAULT, cluster).node());
        assertTrue(policy.avoidGpuNodes());
    }

    @Test
    void aClusterWithoutGpuNodesIsScannedOnceAndStillReportsInfeasibleRequests() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 2).build();
        final SchedulingResult result = schedule(cluster, cpus(cluster, 3));
        assertEquals(SchedulingResult.Status.INFEASIBLE, result.status());
        assertTrue(result.reason().contains("CPU"), result.reason());
    }

    /**
     * On clusters large enough to keep a utilisation index, the spread step read from the index chooses the very
     * node the pass over every node chooses: the same cluster, seed and history through a view that hides the
     * index, under random placements and releases of random sizes, with and without nodes below the threshold.
     */
    @Test
    void aLargeClustersIndexedChoiceIsThePassOverEveryNodesChoice() {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        long indexed = 0;
        for (int round = 0; round < 12; round++) {
            final int n = Cluster.INDEXED_NODES + random.nextInt(300);
            final TestCluster shapesA = new TestCluster();
            final TestCluster shapesB = new TestCluster();
            final double[] cpus = new double[n];
            for (int i = 0; i < n; i++) {
                cpus[i] = random.nextBoolean() ? 8.0 : 16.0;
                final Map<String, Double> totals = Map.of("CPU", cpus[i], "memory", 64.0);
                shapesA.node(totals);
                shapesB.node(totals);
            }
            final int local = random.nextInt(n);
            final Cluster a = shapesA.build(local, round);
            final Cluster b = shapesB.build(local, round);
            for (int i = 0; i < n; i++) {  // most nodes at or past the threshold, a few below it
                final double busy = random.nextInt(20) == 0 ? 1 : cpus[i] / 2 + random.nextInt((int) cpus[i] / 2);
                occupy(a, i, busy);
                occupy(b, i, busy);
            }
            final io.kairos.spi.scheduling.ClusterView plain = passOnly(b);
            final HybridSchedulingPolicy fast = new HybridSchedulingPolicy(0.5, 0.2);
            final HybridSchedulingPolicy slow = new HybridSchedulingPolicy(0.5, 0.2);
            final List<io.kairos.internal.cluster.ResourceAllocation[]> held = new ArrayList<>();
            for (int step = 0; step < 600; step++) {
                if (!held.isEmpty() && random.nextInt(3) == 0) {
                    final io.kairos.internal.cluster.ResourceAllocation[] pair = held.remove(random.nextInt(held.size()));
                    a.logicalNode(pair[0].node()).release(pair[0]);
                    b.logicalNode(pair[1].node()).release(pair[1]);
                    continue;
                }
                final long[] demand = a.registry().demand(Map.of("CPU", 0.5 * (1 + random.nextInt(6)),
                    "memory", (double) random.nextInt(8)));
                final SchedulingResult x = fast.schedule(demand, SchedulingStrategy.DEFAULT, a);
                final SchedulingResult y = slow.schedule(demand, SchedulingStrategy.DEFAULT, plain);
                assertEquals(y.status(), x.status(), "round " + round + " step " + step);
                if (x.status() == SchedulingResult.Status.SUCCESS) {
                    assertEquals(y.node(), x.node(), "round " + round + " step " + step);
                    held.add(new io.kairos.internal.cluster.ResourceAllocation[] {
                        a.logicalNode(x.node()).allocate(demand), b.logicalNode(y.node()).allocate(demand)});
                }
            }
            indexed += fast.rankedChoices;
            assertEquals(0, slow.rankedChoices);
        }
        assertTrue(indexed > 500, "the index answered " + indexed + " spread steps");
    }

    /** The cluster through a view that is not a {@link Cluster}: the policy's pass over every node. */
    private static io.kairos.spi.scheduling.ClusterView passOnly(final Cluster cluster) {
        return new io.kairos.spi.scheduling.ClusterView() {
            @Override
            public int nodeCount() {
                return cluster.nodeCount();
            }

            @Override
            public io.kairos.spi.scheduling.NodeView node(final int index) {
                return cluster.node(index);
            }

            @Override
            public int localNodeIndex() {
                return cluster.localNodeIndex();
            }

            @Override
            public int resourceIndex(final String name) {
                return cluster.resourceIndex(name);
            }

            @Override
            public String resourceName(final int index) {
                return cluster.resourceName(index);
            }

            @Override
            public int resourceCount() {
                return cluster.resourceCount();
            }

            @Override
            public int randomInt(final int bound) {
                return cluster.randomInt(bound);
            }
        };
    }
}
