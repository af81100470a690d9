package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.ResourceAllocation;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SpreadSchedulingPolicyTest {
    private final SpreadSchedulingPolicy policy = new SpreadSchedulingPolicy();

    private List<Integer> schedule(final Cluster cluster, final int times) {
        final List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            chosen.add(policy.schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster).node());
        }
        return chosen;
    }

    @Test
    void goesRoundRobinOverTheNodes() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(1, 1);
        assertEquals(List.of(0, 1, 2, 0, 1, 2), schedule(cluster, 6));
    }

    @Test
    void skipsNodesThatDoNotFit() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        occupy(cluster, 1, 4);
        assertEquals(List.of(0, 2, 0, 2), schedule(cluster, 4));
    }

    @Test
    void continuesAfterTheNodeChosenLast() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        final ResourceAllocation busy = cluster.logicalNode(0).allocate(cpus(cluster, 4));
        assertEquals(List.of(1), schedule(cluster, 1));
        cluster.logicalNode(0).release(busy);
        assertEquals(List.of(2, 0, 1), schedule(cluster, 3));
    }

    @Test
    void unavailableWhenNoNodeHasRoomNow() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 1).build();
        occupy(cluster, 0, 1);
        occupy(cluster, 1, 1);
        assertSame(SchedulingResult.unavailable(), policy.schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster));
    }

    @Test
    void infeasibleNamesTheResource() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 4).build();
        final SchedulingResult result = policy.schedule(cluster.registry().demand(Map.of("CPU", 8.0)),
            SchedulingStrategy.SPREAD, cluster);
        assertEquals("no node can ever provide CPU: 8.0 requested, the largest node has 4.0", result.reason());
    }
}
