package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeSchedulingPolicyTest {
    private final CompositeSchedulingPolicy composite = new CompositeSchedulingPolicy();

    /** A plugin policy that answers whatever it is told to. */
    private static final class Stub implements SchedulingPolicy {
        private final SchedulingStrategy.Kind kind;
        private final Supplier<SchedulingResult> answer;

        Stub(final SchedulingStrategy.Kind kind, final Supplier<SchedulingResult> answer) {
            this.kind = kind;
            this.answer = answer;
        }

        @Override
        public SchedulingStrategy.Kind kind() {
            return kind;
        }

        @Override
        public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy,
                                         final ClusterView cluster) {
            return answer.get();
        }
    }

    @Test
    void everyKindHasABuiltInPolicy() {
        assertInstanceOf(HybridSchedulingPolicy.class, composite.policy(SchedulingStrategy.Kind.DEFAULT));
        assertInstanceOf(SpreadSchedulingPolicy.class, composite.policy(SchedulingStrategy.Kind.SPREAD));
        assertInstanceOf(NodeAffinitySchedulingPolicy.class, composite.policy(SchedulingStrategy.Kind.NODE_AFFINITY));
        assertInstanceOf(NodeLabelSchedulingPolicy.class, composite.policy(SchedulingStrategy.Kind.NODE_LABEL));
    }

    @Test
    void dispatchesOnTheStrategysKind() {
        final Cluster cluster = new TestCluster()
            .node(Map.of("CPU", 4.0))
            .node(Map.of("CPU", 4.0), Map.of("zone", "b"))
            .node(Map.of("CPU", 4.0))
            .build(2, 1);
        final long[] one = cpus(cluster, 1);
        assertEquals(2, composite.schedule(one, SchedulingStrategy.DEFAULT, cluster).node());
        assertEquals(0, composite.schedule(one, SchedulingStrategy.SPREAD, cluster).node());
        assertEquals(1, composite.schedule(one, SchedulingStrategy.SPREAD, cluster).node());
        assertEquals(0, composite.schedule(one, SchedulingStrategy.nodeAffinity("node-0", false), cluster).node());
        assertEquals(1, composite.schedule(one, SchedulingStrategy.nodeLabels(Map.of("zone", "b"), Map.of()), cluster)
            .node());
    }

    @Test
    void aNullStrategyIsDefault() {
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build(1, 1);
        assertEquals(1, composite.schedule(cpus(cluster, 1), null, cluster).node());
    }

    @Test
    void aPluginPolicyReplacesTheBuiltInOneForItsKind() {
        final Stub stub = new Stub(SchedulingStrategy.Kind.SPREAD, () -> SchedulingResult.success(2));
        final CompositeSchedulingPolicy withPlugin = new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.SPREAD, stub));
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        assertSame(stub, withPlugin.policy(SchedulingStrategy.Kind.SPREAD));
        assertEquals(2, withPlugin.schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster).node());
        assertEquals(0, withPlugin.schedule(cpus(cluster, 1), SchedulingStrategy.DEFAULT, cluster).node());
    }

    @Test
    void softAffinityFallsBackToAPluginDefaultPolicy() {
        final Stub stub = new Stub(SchedulingStrategy.Kind.DEFAULT, () -> SchedulingResult.success(2));
        final CompositeSchedulingPolicy withPlugin = new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.DEFAULT, stub));
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        occupy(cluster, 1, 4);
        assertEquals(2, withPlugin.schedule(cpus(cluster, 1), SchedulingStrategy.nodeAffinity("node-1", true), cluster)
            .node());
    }

    @Test
    void aPluginForAnotherKindIsRejected() {
        final Stub stub = new Stub(SchedulingStrategy.Kind.SPREAD, () -> SchedulingResult.success(0));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.DEFAULT, stub)));
        assertTrue(e.getMessage().endsWith("serves SPREAD but was given for DEFAULT"), e.getMessage());
    }

    @Test
    void aPluginChoosingANodeOutsideTheClusterMakesTheRequestInfeasible() {
        final Stub stub = new Stub(SchedulingStrategy.Kind.SPREAD, () -> SchedulingResult.success(7));
        final Cluster cluster = new TestCluster().cpuNodes(3, 4).build();
        final SchedulingResult result = new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.SPREAD, stub))
            .schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster);
        assertEquals(SchedulingResult.Status.INFEASIBLE, result.status());
        assertTrue(result.reason().endsWith("chose node 7 for SPREAD; the cluster has nodes 0..2"), result.reason());
    }

    @Test
    void aPluginThatThrowsOrReturnsNullMakesTheRequestInfeasible() {
        final Cluster cluster = new TestCluster().cpuNodes(1, 4).build();
        final Stub throwing = new Stub(SchedulingStrategy.Kind.SPREAD, () -> {
            throw new IllegalStateException("boom");
        });
        final SchedulingResult thrown = new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.SPREAD, throwing))
            .schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster);
        assertTrue(thrown.reason().contains("failed for SPREAD: java.lang.IllegalStateException: boom"), thrown.reason());
        final Stub nothing = new Stub(SchedulingStrategy.Kind.SPREAD, () -> null);
        final SchedulingResult none = new CompositeSchedulingPolicy(Map.of(SchedulingStrategy.Kind.SPREAD, nothing))
            .schedule(cpus(cluster, 1), SchedulingStrategy.SPREAD, cluster);
        assertTrue(none.reason().endsWith("returned null for SPREAD"), none.reason());
    }

    @Test
    void infeasibleReasonsPassThrough() {
        final Cluster cluster = new TestCluster().cpuNodes(2, 4).build();
        assertEquals("no node can ever provide CPU: 5.0 requested, the largest node has 4.0",
            composite.schedule(cpus(cluster, 5), SchedulingStrategy.DEFAULT, cluster).reason());
    }
}
