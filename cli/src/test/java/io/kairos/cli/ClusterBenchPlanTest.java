package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.SuitePlan;
import io.kairos.bench.plan.Cluster;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster section of {@code kairos bench} is wired: its rows, plot, facts and targets name figures the plan knows
 * (measured outside JMH), {@code --only cluster} selects exactly it, and its readings and histograms land in the JSON
 * and HTML. No cluster is started here: {@code ./kairos bench --only cluster} runs it.
 */
class ClusterBenchPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onlyClusterSelectsTheClusterSectionAndNoJmhStep() {
        final SuitePlan suite = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED).only(n -> n.contains("cluster"));
        assertTrue(suite.plan.steps.isEmpty(), "JMH steps: " + suite.plan.steps);
        assertTrue(suite.hasCluster());
        assertFalse(suite.isEmpty());
        final List<String> names = suite.rows.stream().map(SuitePlan.Row::name).toList();
        assertEquals(List.of("cluster_task_round_trip_p50", "cluster_task_round_trip_p99",
            "cluster_object_transfer_1MiB", "cluster_object_transfer_16MiB", "cluster_object_transfer_64MiB",
            "cluster_tasks_async_3_nodes", "cluster_control_store_pg_create_remove",
            "cluster_control_store_pg_create_prepare_commit_remove",
            "cluster_control_store_actor_register_lookup_remove",
            "cluster_control_store_actor_register_lookup_one_at_a_time",
            "cluster_failure_recovery"), names);
        for (final SuitePlan.Row row : suite.rows) {
            suite.plan.figure(row.kairosKey());  // throws for a figure the plan does not know
            row.peers().forEach(p -> suite.plan.figure(p.key()));
        }
        assertEquals(List.of("cluster_task_round_trip"), suite.latencies.stream().map(SuitePlan.Latency::name).toList());
        assertEquals(13, suite.facts.size(), "p99.9 of Kairos and the 3 peers, p50 and p99 of the 4 control store "
            + "figures, and the node timeout");
        assertEquals(List.of("cluster object transfer 1MiB >= 0.8x a TCP socket copy",
                "cluster object transfer 16MiB >= 0.8x a TCP socket copy",
                "cluster object transfer 64MiB >= 0.8x a TCP socket copy",
                "control store PG create + remove >= 10,000 ops/s through Raft",
                "control store named-actor register + lookup + remove >= 10,000 ops/s through Raft",
                "cross-node task round trip p50 <= 30 µs"),
            suite.plan.targets.stream().map(BenchPlan.Target::description).toList());
        assertEquals(SuitePlan.create(false, BenchCommand.SMOKE_QUEUED).names().stream()
            .filter(n -> n.startsWith("cluster")).toList(), suite.names());
    }

    @Test
    void onlyTheControlStoreRowsKeepTheirPercentiles() {
        final SuitePlan suite = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED)
            .only(n -> n.contains("cluster_control"));
        assertEquals(4, suite.rows.size());
        assertEquals(8, suite.facts.size(), "p50 and p99 of each");
        suite.plan.figure(Cluster.CONTROL_PG + ".p99");
        assertEquals(2, suite.plan.targets.size());
    }

    @Test
    void aLongRunMovesTheLargestObjectToo() {
        final SuitePlan suite = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED, true).only(n -> n.contains("cluster"));
        assertTrue(suite.rows.stream().anyMatch(r -> r.name().equals("cluster_object_transfer_256MiB")));
        suite.plan.figure(Cluster.transfer("tcp", Cluster.LONG_SIZE));
    }

    @Test
    void leavingTheClusterOutLeavesNoClusterFigure() {
        final SuitePlan suite = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED).only(n -> !n.startsWith("cluster"));
        assertFalse(suite.hasCluster());
        assertTrue(suite.rows.stream().noneMatch(r -> r.group().equals(Cluster.GROUP)));
        assertTrue(suite.plan.targets.stream().noneMatch(t -> t.key().startsWith(Cluster.PREFIX)));
    }

    @Test
    void clusterReadingsAndHistogramsLandInTheJsonAndHtml() {
        final SuitePlan suite = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED).only(n -> n.contains("cluster"));
        final Map<String, Double> readings = new LinkedHashMap<>();
        final Map<String, Histogram> histograms = new LinkedHashMap<>();
        for (final String key : List.of(Cluster.RTT_KAIROS, Cluster.RTT_TCP, Cluster.RTT_AERON, Cluster.RTT_AERON_SPIN)) {
            final Histogram h = new Histogram(3);
            for (int i = 1; i <= 1000; i++) {
                h.recordValue(10_000 + i * 10L);
            }
            histograms.put(key, h);
            readings.put(key + ".p50", (double) h.getValueAtPercentile(50));
            readings.put(key + ".p99", (double) h.getValueAtPercentile(99));
            readings.put(key + ".p999", (double) h.getValueAtPercentile(99.9));
        }
        for (final long bytes : Cluster.SIZES) {
            readings.put(Cluster.transfer("kairos", bytes), 1.0);
            readings.put(Cluster.transfer("tcp", bytes), 2.0);
        }
        readings.put(Cluster.TASKS_3_NODES, 5_000.0);
        for (final String key : List.of(Cluster.CONTROL_PG, Cluster.CONTROL_PG_LIFECYCLE, Cluster.CONTROL_ACTOR,
            Cluster.CONTROL_ACTOR_SYNC)) {
            readings.put(key + ".p50", 2_000_000.0);
            readings.put(key + ".p99", 9_000_000.0);
        }
        readings.put(Cluster.CONTROL_PG, 9_000.0);
        readings.put(Cluster.CONTROL_ACTOR, 12_000.0);
        readings.put(Cluster.CONTROL_ACTOR_SYNC, 150.0);
        readings.put(Cluster.CONTROL_PG_LIFECYCLE, 50_000.0);
        readings.put(Cluster.RECOVERY, 2.3);
        readings.put(Cluster.NODE_TIMEOUT, 2.0);
        final BenchRunner.Outcome outcome = new BenchRunner.Outcome(Map.of(), Map.of(), List.of())
            .with(readings, histograms, List.of());
        final ObjectNode header = JSON.createObjectNode().put("title", "t").put("mode", "quick");
        final JsonNode report = SuiteReport.json(suite, outcome, RayLocalRunner.Result.notRun("no"), header);

        final JsonNode rtt = row(report, "cluster_task_round_trip_p50");
        assertEquals("µs", rtt.path("unit").asText());
        assertEquals(15.0, rtt.path("kairos").asDouble(), 0.1);
        assertEquals("TCP echo (TCP_NODELAY)", rtt.path("bestPeer").asText(), "the Aeron peers are ceilings");
        assertEquals(0.5, row(report, "cluster_object_transfer_16MiB").path("ratio").asDouble(), 1e-9);
        assertEquals(2.3, row(report, "cluster_failure_recovery").path("kairos").asDouble(), 1e-9);
        final JsonNode latency = report.path("latencies").get(0);
        assertEquals(4, latency.path("series").size(), latency.toString());
        final List<String> verdicts = new ArrayList<>();
        report.path("targets").forEach(t -> verdicts.add(t.path("verdict").asText()));
        assertEquals(List.of("MISS", "MISS", "MISS", "MISS", "PASS", "PASS"), verdicts);
        assertEquals(765.0, row(report, "cluster_control_store_pg_create_remove").path("rayPublished").asDouble(),
            1e-9);
        assertEquals(13, report.path("facts").size());

        final String page = HtmlReport.render(report, null);
        suite.rows.forEach(r -> assertTrue(page.contains(r.name()), r.name() + " not in the HTML"));
        assertTrue(page.contains("cluster_task_round_trip"), "the latency plot");
    }

    private static JsonNode row(final JsonNode report, final String name) {
        for (final JsonNode row : report.path("rows")) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no row " + name);
    }
}
