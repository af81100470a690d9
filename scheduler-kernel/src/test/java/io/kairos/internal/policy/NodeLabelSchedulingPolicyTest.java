package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class NodeLabelSchedulingPolicyTest {
    private final NodeLabelSchedulingPolicy policy = new NodeLabelSchedulingPolicy();

    /** node-0 {zone=a}, node-1 {zone=b}, node-2 {zone=b, gpu=a100}, 4 CPUs each. */
    private static Cluster zones() {
        return new TestCluster()
            .node(Map.of("CPU", 4.0), Map.of("zone", "a"))
            .node(Map.of("CPU", 4.0), Map.of("zone", "b"))
            .node(Map.of("CPU", 4.0), Map.of("zone", "b", "gpu", "a100"))
            .build();
    }

    private SchedulingResult schedule(final Cluster cluster, final long[] demand, final Map<String, String> hard,
                                      final Map<String, String> soft) {
        return policy.schedule(demand, SchedulingStrategy.nodeLabels(hard, soft), cluster);
    }

    @Test
    void hardLabelsRestrictTheCandidates() {
        final Cluster cluster = zones();
        assertEquals(0, schedule(cluster, cpus(cluster, 1), Map.of("zone", "a"), Map.of()).node());
        assertEquals(1, schedule(cluster, cpus(cluster, 1), Map.of("zone", "b"), Map.of()).node());
    }

    @Test
    void choosesTheLeastUtilizedCandidate() {
        final Cluster cluster = zones();
        occupy(cluster, 1, 2);
        assertEquals(2, schedule(cluster, cpus(cluster, 1), Map.of("zone", "b"), Map.of()).node());
    }

    @Test
    void prefersCandidatesMatchingTheSoftLabels() {
        final Cluster cluster = zones();
        occupy(cluster, 2, 3);
        assertEquals(2, schedule(cluster, cpus(cluster, 1), Map.of("zone", "b"), Map.of("gpu", "a100")).node());
    }

    @Test
    void softLabelsYieldWhenNoMatchingNodeFits() {
        final Cluster cluster = zones();
        occupy(cluster, 2, 4);
        assertEquals(1, schedule(cluster, cpus(cluster, 1), Map.of("zone", "b"), Map.of("gpu", "a100")).node());
    }

    @Test
    void noHardLabelsMatchesEveryNode() {
        final Cluster cluster = zones();
        assertEquals(2, schedule(cluster, cpus(cluster, 1), Map.of(), Map.of("gpu", "a100")).node());
    }

    @Test
    void noNodeWithTheHardLabelsIsInfeasible() {
        final Cluster cluster = zones();
        final SchedulingResult result = schedule(cluster, cpus(cluster, 1), Map.of("zone", "c"), Map.of());
        assertEquals("node labels: no node has labels {zone=c}", result.reason());
    }

    @Test
    void candidatesThatCanNeverFitAreInfeasibleNamingTheResource() {
        final Cluster cluster = zones();
        final SchedulingResult result = schedule(cluster, cpus(cluster, 8), Map.of("zone", "b"), Map.of());
        assertEquals("no node with labels {zone=b} can ever provide CPU: 8.0 requested, the largest node has 4.0",
            result.reason());
    }

    @Test
    void unavailableWhileEveryCandidateIsBusy() {
        final Cluster cluster = zones();
        occupy(cluster, 1, 4);
        occupy(cluster, 2, 4);
        assertSame(SchedulingResult.unavailable(), schedule(cluster, cpus(cluster, 1), Map.of("zone", "b"), Map.of()));
    }

    @Test
    void aNewStrategyObjectReplacesThePreparedLabels() {
        final Cluster cluster = zones();
        final SchedulingStrategy a = SchedulingStrategy.nodeLabels(Map.of("zone", "a"), Map.of());
        final SchedulingStrategy b = SchedulingStrategy.nodeLabels(Map.of("zone", "b"), Map.of("gpu", "a100"));
        assertEquals(0, policy.schedule(cpus(cluster, 1), a, cluster).node());
        assertEquals(2, policy.schedule(cpus(cluster, 1), b, cluster).node());
        assertEquals(0, policy.schedule(cpus(cluster, 1), a, cluster).node());
    }
}
