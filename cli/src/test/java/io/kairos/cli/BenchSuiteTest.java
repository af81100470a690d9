package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.bench.plan.SuitePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness of {@code kairos bench}: a smoke run of every benchmark, the reports, and --compare. */
class BenchSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // A smoke run checks the harness, not figures: a benchmark someone runs on the machine at the same time
        // holds JMH's lock (/tmp/jmh.lock) and must not fail this test.
        System.setProperty("jmh.ignoreLock", "true");
    }

    /** Every benchmark of the suite runs once (tiny iterations, in this JVM) and lands in a well-formed report. */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aSmokeRunOfEveryBenchmarkWritesWellFormedJsonAndHtml(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("suite.json");
        final Path html = dir.resolve("suite.html");
        final String[] out = new String[1];
        final int code = run(out, "bench", "--smoke", "--json", json.toString(), "--html", html.toString());
        assertEquals(0, code, out[0]);

        final JsonNode report = JSON.readTree(json.toFile());
        // --smoke leaves out the cluster section (it starts processes): ClusterBenchPlanTest covers its wiring
        final SuitePlan plan = SuitePlan.create(false, BenchCommand.SMOKE_QUEUED).only(n -> !n.startsWith("cluster"));
        assertEquals("smoke", report.path("mode").asText());
        assertEquals(0, report.path("failures").size(), report.path("failures").toString());
        final List<String> names = new ArrayList<>();
        report.path("rows").forEach(r -> names.add(r.path("name").asText()));
        assertEquals(plan.rows.stream().map(SuitePlan.Row::name).toList(), names);
        for (final JsonNode row : report.path("rows")) {
            final String name = row.path("name").asText();
            assertPositive(row.path("kairos"), name + " Kairos");
            if (plan.rows.stream().anyMatch(r -> r.name().equals(name) && r.peers().isEmpty())) {
                assertTrue(row.path("group").asText().startsWith("envelope"), name + ": only envelope rows lack a peer");
                continue;  // the envelope shows a JDK peer where one exists
            }
            assertTrue(row.path("peers").size() > 0, name + " has no peer");
            row.path("peers").forEach(p -> assertPositive(p.path("value"), name + " " + p.path("name").asText()));
            assertPositive(row.path("ratio"), name + " ratio");
        }
        assertEquals("ran", report.path("rayLocal").path("status").asText(), report.path("rayLocal").toString());
        for (final SuitePlan.Row row : plan.rows) {
            if (row.rayName() != null) {
                assertPositive(rowNamed(report, row.name()).path("rayLocal"), row.name() + " Ray LOCAL");
            }
        }
        assertEquals(plan.latencies.size(), report.path("latencies").size());
        for (final JsonNode latency : report.path("latencies")) {
            // Kairos, each peer, and Ray LOCAL: percentiles that never decrease
            assertTrue(latency.path("series").size() >= 3, latency.toString());
            for (final JsonNode series : latency.path("series")) {
                double last = 0;
                for (final JsonNode point : series.path("percentiles")) {
                    assertTrue(point.get(1).asDouble() >= last, series.toString());
                    last = point.get(1).asDouble();
                }
                assertTrue(last > 0, series.toString());
            }
        }
        assertEquals(plan.curves.size(), report.path("curves").size());
        for (final JsonNode curve : report.path("curves")) {
            for (final JsonNode series : curve.path("series")) {
                assertTrue(series.path("points").size() >= 3, curve.path("name") + ": " + series);
            }
        }
        // the queued tasks' submit, drain, retained, allocated (Kairos and the pool); the envelope's footprints
        assertEquals(plan.facts.size(), report.path("facts").size());
        report.path("facts").forEach(f -> assertTrue(f.get(1).asText().matches("[0-9].*"), f.toString()));

        final String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(
            new ByteArrayInputStream(page.substring(page.indexOf('\n') + 1).getBytes(StandardCharsets.UTF_8)));
        assertNotNull(document.getDocumentElement());
        names.forEach(name -> assertTrue(page.contains(name), name + " not in the HTML"));
        assertTrue(out[0].contains("single_client_tasks_async") && out[0].contains("Ray published"), out[0]);
    }

    /** A figure planted as twice as fast last time reads as slower now; unchanged figures read as the same. */
    @Test
    void theComparisonFlagsAPlantedSlowdown() {
        final ObjectNode current = suite(1_000_000, 40);
        final ObjectNode previous = current.deepCopy();
        ((ObjectNode) previous.path("rows").get(0)).put("kairos", 2_000_000.0);  // ops/s: was twice as fast
        ((ArrayNode) previous.path("curves").get(0).path("series").get(0).path("points").get(0)).set(1,
            JSON.getNodeFactory().numberNode(20.0));  // ns: took half the time
        final JsonNode comparison = SuiteReport.compare(previous, "previous.json", current, 0.10);
        assertEquals("slower", verdict(comparison, "single_client_tasks_async", "Kairos"));
        assertEquals("slower", verdict(comparison, "policy_decision_time @ 10", "hybrid"));
        assertEquals("same", verdict(comparison, "single_client_tasks_async", "ThreadPoolExecutor"));
        assertEquals(2, SuiteReport.slowerKairos(comparison));
        final String printed = String.join("\n", SuiteReport.comparisonLines(comparison));
        assertTrue(printed.contains("SLOWER") && printed.contains("-50.0%"), printed);

        final ObjectNode subset = current.deepCopy();
        subset.putArray("curves");  // a run with --only: what it left out is not "gone"
        final JsonNode partial = SuiteReport.compare(previous, "previous.json", subset, 0.10);
        partial.path("rows").forEach(r -> assertFalse(r.path("verdict").asText().equals("gone"), r.toString()));
        ((ObjectNode) subset.path("rows").get(0)).putArray("peers");  // a peer of a measured benchmark is gone
        assertEquals("gone", verdict(SuiteReport.compare(previous, "previous.json", subset, 0.10),
            "single_client_tasks_async", "ThreadPoolExecutor"));

        final JsonNode back = SuiteReport.compare(current, "x.json", previous, 0.10);
        assertEquals("faster", verdict(back, "single_client_tasks_async", "Kairos"));
        assertEquals(0, SuiteReport.slowerKairos(back));
    }

    /** The command exits 3 with --fail-on-slower when a Kairos figure is slower than the previous report says. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void compareOnTheCommandLineFailsOnAPlantedSlowdown(@TempDir final Path dir) throws Exception {
        final Path first = dir.resolve("first.json");
        final String[] out = new String[1];
        assertEquals(0, run(out, "bench", "--smoke", "--no-ray", "--only", "placement_group", "--json",
            first.toString()), out[0]);
        final ObjectNode planted = (ObjectNode) JSON.readTree(first.toFile());
        final ObjectNode row = (ObjectNode) planted.path("rows").get(0);
        row.put("kairos", row.path("kairos").asDouble() * 1000);
        final Path previous = dir.resolve("planted.json");
        JSON.writeValue(previous.toFile(), planted);
        assertEquals(3, run(out, "bench", "--smoke", "--no-ray", "--only", "placement_group", "--json",
            dir.resolve("second.json").toString(), "--compare", previous.toString(), "--fail-on-slower"), out[0]);
        assertTrue(out[0].contains("placement_group_create_removal") && out[0].contains("SLOWER"), out[0]);
        assertTrue(Files.readString(dir.resolve("second.html")).contains("slower"));
    }

    @Test
    void onlySelectsRowsWithTheirStepsAndTargets() {
        final SuitePlan all = SuitePlan.create(false, 1_000_000);
        final SuitePlan tasks = all.only(name -> name.endsWith("client_tasks_async"));
        assertEquals(List.of("single_client_tasks_async", "multi_client_tasks_async"),
            tasks.rows.stream().map(SuitePlan.Row::name).toList());
        assertEquals(8, tasks.plan.steps.size());  // Kairos + 3 peers, each
        assertTrue(tasks.rayNames().contains("multi_client_tasks_async"));
        assertFalse(tasks.plan.targets.isEmpty());
        assertTrue(all.names().contains("policy_decision_time"));
        assertEquals(1, all.only(name -> name.equals("policy_decision_time")).curves.size());
    }

    private static ObjectNode suite(final double tasksAsync, final double decisionNs) {
        final ObjectNode suite = JSON.createObjectNode().put("created", "2026-11-26T00:00:00Z");
        final ObjectNode row = suite.putArray("rows").addObject().put("name", "single_client_tasks_async")
            .put("unit", "ops/s").put("higherIsBetter", true).put("kairos", tasksAsync);
        row.putArray("peers").addObject().put("name", "ThreadPoolExecutor").put("value", 700_000.0);
        final ObjectNode series = suite.putArray("curves").addObject().put("name", "policy_decision_time")
            .put("yLabel", "ns per decision").putArray("series").addObject().put("name", "hybrid").put("kairos", true);
        series.putArray("points").addArray().add(10.0).add(decisionNs);
        return suite;
    }

    private static String verdict(final JsonNode comparison, final String name, final String subject) {
        for (final JsonNode row : comparison.path("rows")) {
            if (row.path("name").asText().equals(name) && row.path("subject").asText().equals(subject)) {
                return row.path("verdict").asText();
            }
        }
        throw new AssertionError("no " + name + " | " + subject + " in " + comparison);
    }

    private static JsonNode rowNamed(final JsonNode report, final String name) {
        for (final JsonNode row : report.path("rows")) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no row " + name);
    }

    private static void assertPositive(final JsonNode value, final String what) {
        assertTrue(value.isNumber() && value.asDouble() > 0 && Double.isFinite(value.asDouble()),
            what + ": " + value);
    }

    /** Runs the command line with stdout and stderr captured into out[0]; the exit code. */
    private static int run(final String[] out, final String... args) throws Exception {
        final PrintStream stdout = System.out;
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try {
            System.setOut(capture);
            System.setErr(capture);
            final Callable<Integer> call = () -> KairosCli.commandLine().execute(args);
            return call.call();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            out[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
