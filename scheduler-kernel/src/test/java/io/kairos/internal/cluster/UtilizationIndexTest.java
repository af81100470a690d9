package io.kairos.internal.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class UtilizationIndexTest {
    /**
     * Through thousands of random allocations and releases (blocks splitting and emptying on the way), the index
     * keeps every node in (utilisation, index) order, and its answers match a look at every node.
     */
    @Test
    void followsEveryChangeInRankOrderAndAnswersAsALookAtEveryNodeWould() {
        final SplittableRandom random = new SplittableRandom(3);
        final ResourceRegistry registry = new ResourceRegistry();
        final int n = 700;
        final List<LogicalNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new LogicalNode(i, "node-" + i, Map.of(), Map.of("CPU", 8.0 + 8 * random.nextInt(2),
                "memory", 100.0), registry));
        }
        final Cluster cluster = new Cluster(registry, nodes, 0, 1);
        final UtilizationIndex index = cluster.utilizationIndex();
        assertNotNull(index);
        final List<ResourceAllocation> held = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (!held.isEmpty() && random.nextInt(2) == 0) {
                final ResourceAllocation allocation = held.remove(random.nextInt(held.size()));
                nodes.get(allocation.node()).release(allocation);
            } else {
                final ResourceAllocation allocation = nodes.get(random.nextInt(n)).allocate(registry.demand(
                    Map.of("CPU", (double) (1 + random.nextInt(4)), "memory", (double) random.nextInt(30))));
                if (allocation != null) {
                    held.add(allocation);
                }
            }
            if (step % 500 == 0) {
                check(index, nodes, registry, random);
            }
        }
        check(index, nodes, registry, random);
    }

    @Test
    void smallClustersKeepNoIndexAndALaterClusterOverTheSameNodesTakesThemOver() {
        final ResourceRegistry registry = new ResourceRegistry();
        final List<LogicalNode> nodes = new ArrayList<>();
        for (int i = 0; i < Cluster.INDEXED_NODES; i++) {
            nodes.add(new LogicalNode(i, "node-" + i, Map.of(), Map.of("CPU", 4.0), registry));
        }
        assertNull(new Cluster(registry, nodes.subList(0, Cluster.INDEXED_NODES - 1), 0, 1).utilizationIndex());
        final Cluster first = new Cluster(registry, nodes, 0, 1);
        final UtilizationIndex index = first.utilizationIndex();
        assertNotNull(index);
        final Cluster second = new Cluster(registry, nodes, 0, 1);
        assertNull(first.utilizationIndex(), "its nodes follow the second cluster's index now");
        assertFalse(index.valid());
        assertNotNull(second.utilizationIndex());
    }

    private static void check(final UtilizationIndex index, final List<LogicalNode> nodes,
                              final ResourceRegistry registry, final SplittableRandom random) {
        final Integer[] expected = new Integer[nodes.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = i;
        }
        Arrays.sort(expected, Comparator.<Integer>comparingDouble(i -> nodes.get(i).utilization())
            .thenComparingInt(i -> i));
        final int[] order = index.order();
        assertArrayEquals(Arrays.stream(expected).mapToInt(Integer::intValue).toArray(), order);
        for (int i = 0; i < order.length; i += 37) {
            assertEquals(order[i], index.nodeAt(i));
        }
        assertEquals(nodes.stream().mapToDouble(LogicalNode::utilization).min().orElseThrow(),
            index.lowestUtilization());
        for (int query = 0; query < 50; query++) {
            final int from = random.nextInt(nodes.size());
            final int count = 1 + random.nextInt(nodes.size() - from);
            final long[] demand = registry.demand(Map.of("CPU", (double) random.nextInt(9),
                "memory", (double) random.nextInt(60)));
            boolean all = true;
            for (int rank = from; rank < from + count; rank++) {
                all &= nodes.get(order[rank]).fits(demand);
            }
            assertEquals(all, index.allHave(from, count, demand), "ranks " + from + "+" + count);
        }
    }
}
