package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.NodeView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class NodeAffinitySchedulingPolicyTest {
    private final NodeAffinitySchedulingPolicy policy = new NodeAffinitySchedulingPolicy();

    private static SchedulingStrategy hard(final String nodeId) {
        return SchedulingStrategy.nodeAffinity(nodeId, false);
    }

    private static SchedulingStrategy soft(final String nodeId) {
        return SchedulingStrategy.nodeAffinity(nodeId, true);
    }

    @Test
    void hardAffinityChoosesTheNamedNode() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        assertEquals(SchedulingResult.success(2), policy.schedule(cpus(cluster, 1), hard("node-2"), cluster));
    }

    @Test
    void hardAffinityWaitsWhileTheNamedNodeIsBusy() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        occupy(cluster, 2, 4);
        assertSame(SchedulingResult.unavailable(), policy.schedule(cpus(cluster, 1), hard("node-2"), cluster));
    }

    @Test
    void hardAffinityToAnUnknownNodeIsInfeasible() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 4).build();
        final SchedulingResult result = policy.schedule(cpus(cluster, 1), hard("node-9"), cluster);
        assertEquals("node affinity: there is no node 'node-9' in the cluster (nodes: node-0, node-1)", result.reason());
    }

    @Test
    void hardAffinityToANodeThatCanNeverFitIsInfeasibleNamingTheResource() {
        final Cluster cluster = new TestCluster().cpuNodes(1, 4).node(Map.of("CPU", 4.0, "GPU", 1.0)).build();
        final SchedulingResult result = policy.schedule(cluster.registry().demand(Map.of("GPU", 2.0)),
            hard("node-1"), cluster);
        assertEquals("node affinity: node 'node-1' can never fit the request: GPU: 2.0 requested, node-1 has 1.0",
            result.reason());
    }

    @Test
    void softAffinityChoosesTheNamedNodeWhenItFits() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        assertEquals(1, policy.schedule(cpus(cluster, 1), soft("node-1"), cluster).node());
    }

    @Test
    void softAffinityFallsBackToHybridWhenTheNamedNodeIsBusy() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(2, 1);
        occupy(cluster, 1, 4);
        assertEquals(2, policy.schedule(cpus(cluster, 1), soft("node-1"), cluster).node());
    }

    @Test
    void softAffinityFallsBackWhenTheNamedNodeIsUnknown() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(2, 1);
        assertEquals(2, policy.schedule(cpus(cluster, 1), soft("node-9"), cluster).node());
    }

    @Test
    void softAffinityFallsBackToTheInjectedPolicy() {
        final SchedulingPolicy always0 = new SchedulingPolicy() {
            @Override
            public SchedulingStrategy.Kind kind() {
                return SchedulingStrategy.Kind.DEFAULT;
            }

            @Override
            public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy,
                                             final ClusterView cluster) {
                return SchedulingResult.success(0);
            }
        };
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(2, 1);
        occupy(cluster, 1, 4);
        assertEquals(0, new NodeAffinitySchedulingPolicy(always0).schedule(cpus(cluster, 1), soft("node-1"), cluster)
            .node());
    }

    @Test
    void findsTheNodeInAnyClusterView() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        final ClusterView view = new ClusterView() {
            public int nodeCount() {
                return cluster.nodeCount();
            }

            public NodeView node(final int index) {
                return cluster.node(index);
            }

            public int localNodeIndex() {
                return 0;
            }

            public int resourceIndex(final String name) {
                return cluster.resourceIndex(name);
            }

            public String resourceName(final int index) {
                return cluster.resourceName(index);
            }

            public int resourceCount() {
                return cluster.resourceCount();
            }

            public int randomInt(final int bound) {
                return 0;
            }
        };
        assertEquals(2, policy.schedule(cpus(cluster, 1), hard("node-2"), view).node());
    }
}
