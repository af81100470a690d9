package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A suite as {@code kairos bench} writes it: 6 rows, of which one has no figure at all (its Kairos run timed out,
     * its peer failed) and one a name to escape; a failed peer, a peer at 0 (not drawable on a log axis), a Ray
     * LOCAL figure missing; one latency plot and two curves, one with a goal and a zero point on its log axis.
     */
    static final String SUITE = """
        {"title": "Kairos benchmark suite", "created": "2026-11-26T04:10:00Z", "mode": "quick",
         "timing": "JMH, 1 fork, warm-up 1 x 300 ms, measurement 2 x 300 ms per figure",
         "machine": {"cpus": 2, "jvm": "OpenJDK 64-Bit Server VM 17.0.13+11", "os": "Linux 6.x amd64"},
         "rayLocal": {"runtime": "io.ray:ray-runtime 2.39.0, LOCAL mode", "status": "ran", "note": null},
         "rayPublished": {"source": "Ray release perf_metrics/microbenchmark.json", "machine": "64 vCPU (m5.16xlarge)"},
         "rows": [
          {"name": "single_client_tasks_async", "group": "tasks", "unit": "ops/s", "higherIsBetter": true,
           "kairos": 1480000.0,
           "peers": [{"name": "ThreadPoolExecutor", "value": 690000.0}, {"name": "ForkJoinPool", "value": 2100000.0},
                     {"name": "LMAX Disruptor", "value": null}],
           "bestPeer": "ForkJoinPool", "rayLocal": 21000.0, "rayPublished": 8041.0, "ratio": 0.70, "note": null},
          {"name": "single_client_tasks_sync", "group": "tasks", "unit": "µs", "higherIsBetter": false,
           "kairos": 7.8, "peers": [{"name": "ThreadPoolExecutor", "value": 15.6}], "bestPeer": "ThreadPoolExecutor",
           "rayLocal": 310.0, "rayPublished": null, "ratio": 0.5, "note": "p50 of the HdrHistogram below"},
          {"name": "n_n_actor_calls_async", "group": "actors", "unit": "ops/s", "higherIsBetter": true,
           "kairos": null, "peers": [{"name": "ForkJoinPool", "value": null}], "bestPeer": null,
           "rayLocal": null, "rayPublished": null, "ratio": null, "note": null},
          {"name": "weird <&> name", "group": "actors", "unit": "ops/s", "higherIsBetter": true,
           "kairos": 5000.0, "peers": [{"name": "ForkJoinPool", "value": 0.0}], "bestPeer": "ForkJoinPool",
           "rayLocal": null, "rayPublished": 120.0, "ratio": null, "note": null},
          {"name": "object_put_8mib", "group": "objects", "unit": "GB/s", "higherIsBetter": true,
           "kairos": 16.78, "peers": [], "bestPeer": null, "rayLocal": 2.1, "rayPublished": 14.0, "ratio": null,
           "note": null},
          {"name": "queued_1m_retained", "group": "queued", "unit": "B/task", "higherIsBetter": false,
           "kairos": 150.0, "peers": [{"name": "ThreadPoolExecutor", "value": 56.0}], "bestPeer": "ThreadPoolExecutor",
           "rayLocal": null, "rayPublished": null, "ratio": 2.68, "note": null}
         ],
         "latencies": [
          {"name": "single_client_tasks_sync", "unit": "µs", "series": [
            {"subject": "Kairos", "percentiles": [[50.0, 7.8], [90.0, 9.1], [99.0, 20.3], [99.9, 55.0], [99.99, 120.0],
                                                  [100.0, 300.0]]},
            {"subject": "ThreadPoolExecutor", "percentiles": [[50.0, 15.6], [99.0, 40.0], [100.0, 900.0]]},
            {"subject": "Ray Java (LOCAL)", "percentiles": [[50.0, 310.0], [99.0, 800.0], [100.0, 5000.0]]}]}
         ],
         "curves": [
          {"name": "policy_decision_time", "title": "Scheduling decision time vs cluster size", "xLabel": "logical nodes",
           "yLabel": "ns per decision", "logX": true, "logY": true,
           "goal": {"x": 10000, "y": 5000, "label": "goal ≤ 5 µs at 10,000 nodes"},
           "series": [{"name": "hybrid, mixed load", "points": [[10, 40.1], [100, 41.0], [1000, 39.0], [10000, 42.0]]},
                      {"name": "hybrid, busy cluster", "points": [[10, 0.0], [100, 95.0], [1000, 180.0]]},
                      {"name": "spread", "points": [[10, 60.0]]}]},
          {"name": "submitters", "title": "Tasks/s vs submitting threads", "xLabel": "submitting threads",
           "yLabel": "tasks/s", "logX": false, "logY": false,
           "series": [{"name": "Kairos", "points": [[1, 1400000], [2, 2300000], [4, 2500000]]}]}
         ],
         "facts": [["1M queued tasks: submit", "1.23 s"], ["1M queued tasks: retained heap", "150 B/task"]],
         "targets": [{"verdict": "PASS", "description": "tasks async >= 2,000,000 tasks/s", "figure": "2.1 M ops/s"},
                     {"verdict": "MISS", "description": "queued retained <= 100 B/task", "figure": "150 B/task"},
                     {"verdict": "n/a", "description": "actor calls >= 1,000,000 calls/s", "figure": null}],
         "failures": ["n_n_actor_calls_async (Kairos): timed out", "n_n_actor_calls_async (ForkJoinPool): failed"]}
        """;

    static final String COMPARISON = """
        {"previous": "runs/2026-11-25.json", "previousCreated": "2026-11-25T04:00:00Z", "threshold": 0.10,
         "rows": [
          {"name": "single_client_tasks_async", "subject": "Kairos", "unit": "ops/s", "before": 1.4e6, "after": 1.2e6,
           "change": -0.143, "verdict": "slower"},
          {"name": "single_client_tasks_sync", "subject": "Kairos", "unit": "µs", "before": 9.0, "after": 7.8,
           "change": -0.133, "verdict": "faster"},
          {"name": "object_put_8mib", "subject": "Kairos", "unit": "GB/s", "before": 16.5, "after": 16.78,
           "change": 0.017, "verdict": "same"},
          {"name": "n_n_actor_calls_async", "subject": "Kairos", "unit": "ops/s", "before": 2.0e5, "after": null,
           "change": null, "verdict": "gone"}]}
        """;

    private static String page() throws Exception {
        return HtmlReport.render(JSON.readTree(SUITE), JSON.readTree(COMPARISON));
    }

    /** The page as an XML document, its DOCTYPE line stripped; throws if it is not well-formed. */
    private static Document parse(final String page) throws Exception {
        final String xml = page.substring(page.indexOf('\n') + 1);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(final String page, final String what) {
        return page.split(Pattern.quote(what), -1).length - 1;
    }

    /** The summary table's row for a benchmark. */
    private static String summaryRow(final String page, final String name) {
        final Matcher row = Pattern.compile("<tr><td>" + Pattern.quote(name) + "(<sup>\\d+</sup>)?</td>.*?</tr>")
            .matcher(page);
        assertTrue(row.find(), name);
        return row.group();
    }

    @Test
    void isOneSelfContainedHtml5Page() throws Exception {
        final String page = page();
        assertTrue(page.startsWith("<!DOCTYPE html>\n"), page.substring(0, 40));
        assertTrue(page.contains("<meta charset=\"utf-8\"/>"));
        for (final String external : new String[] {"<script", "http://", "https://", "<link", "<img", "@import"}) {
            assertFalse(page.contains(external), external);
        }
    }

    @Test
    void isWellFormedXml() throws Exception {
        assertEquals("html", parse(page()).getDocumentElement().getTagName());
    }

    @Test
    void summaryShowsEveryRowWithItsFormattedFigures() throws Exception {
        final String page = page();
        for (final String name : new String[] {"single_client_tasks_async", "single_client_tasks_sync",
            "n_n_actor_calls_async", "weird &lt;&amp;&gt; name", "object_put_8mib", "queued_1m_retained"}) {
            assertTrue(page.contains(name), name);
        }
        final String async = summaryRow(page, "single_client_tasks_async");
        assertTrue(async.contains("<td>1,480,000 ops/s</td>"), async);
        assertTrue(async.contains("2,100,000 ops/s <span class=\"sub\">ForkJoinPool</span>"), async);
        assertTrue(async.contains("<td>21,000 ops/s</td>") && async.contains("<td>8,041 ops/s</td>"), async);
        assertTrue(summaryRow(page, "single_client_tasks_sync").contains("<td>7.8 µs</td>"));
        assertTrue(summaryRow(page, "object_put_8mib").contains("<td>16.78 GB/s</td>"));
        assertTrue(page.contains("<tr class=\"group\"><th colspan=\"6\">actors</th></tr>"));
        assertTrue(page.contains("<li>p50 of the HdrHistogram below</li>"), "footnote");
    }

    @Test
    void ratioIsColouredByWhetherKairosIsBetter() throws Exception {
        final String page = page();
        assertTrue(summaryRow(page, "single_client_tasks_async").contains("<td class=\"worse\">0.70×</td>"));
        assertTrue(summaryRow(page, "single_client_tasks_sync").contains("<td class=\"better\">0.50×</td>"));
        assertTrue(summaryRow(page, "queued_1m_retained").contains("<td class=\"worse\">2.68×</td>"));
    }

    @Test
    void missingFiguresAreDashesWithTheirReasonNeverZero() throws Exception {
        final String page = page();
        final String failed = summaryRow(page, "n_n_actor_calls_async");
        assertTrue(failed.contains("– <span class=\"sub\">failed: timed out</span>"), failed);
        assertTrue(failed.contains("– <span class=\"sub\">no peer result</span>"), failed);
        assertTrue(failed.contains("– <span class=\"sub\">no Ray figure</span>"), failed);
        assertFalse(failed.matches(".*>0(\\.0)? .*"), failed);
        assertTrue(summaryRow(page, "object_put_8mib").contains("– <span class=\"sub\">no JDK peer</span>"));
        assertTrue(page.contains("Not drawn: LMAX Disruptor: no result."), "failed peer left out of its bar chart");
        assertTrue(page.contains("ForkJoinPool: 0 ops/s, not drawable on a log axis"), "zero left off the log axis");
        assertTrue(page.contains("1 point not drawn"), "zero point of the log-log curve");
    }

    @Test
    void slowerComparisonRowIsMarkedSlower() throws Exception {
        final String page = page();
        assertTrue(page.contains("<h2>Compared with runs/2026-11-25.json</h2>"));
        assertTrue(page.contains("±10%"), "threshold");
        assertTrue(page.contains("<tr class=\"slower\"><td>single_client_tasks_async</td><td>Kairos</td>"
            + "<td>1,400,000 ops/s</td><td>1,200,000 ops/s</td><td>-14.3%</td><td>slower</td></tr>"), page);
        assertTrue(page.contains("<tr class=\"faster\"><td>single_client_tasks_sync</td>"));
        assertTrue(page.contains("<tr class=\"gone\"><td>n_n_actor_calls_async</td>"));
    }

    @Test
    void drawsOneSvgPerBenchmarkWithAFigureLatencyAndCurve() throws Exception {
        final String page = page();
        final int barCharts = 5;  // 6 rows, one with no figure at all
        assertEquals(barCharts + 1 + 2, count(page, "<svg "));
        assertEquals(count(page, "<svg "), count(page, "</svg>"));
        assertTrue(page.contains(">10M</text>") && page.contains(">1k</text>"), "decade ticks of the bar charts");
        assertTrue(page.contains(">99.99%</text>") && page.contains(">100%</text>"), "percentile ticks");
        assertTrue(page.contains(">goal ≤ 5 µs at 10,000 nodes</text>") && page.contains("stroke-dasharray"));
    }

    @Test
    void escapesText() throws Exception {
        final String page = page();
        assertTrue(page.contains("weird &lt;&amp;&gt; name"));
        assertFalse(page.contains("<&>"));
    }

    @Test
    void failuresAndTargetsAreListed() throws Exception {
        final String page = page();
        assertTrue(page.contains("<b>2 figures failed or did not run</b>"));
        assertTrue(page.contains("<li>n_n_actor_calls_async (Kairos): timed out</li>"));
        assertTrue(page.contains("<td class=\"pass\">PASS</td>") && page.contains("<td class=\"miss\">MISS</td>")
            && page.contains("<td class=\"na\">n/a</td>"));
    }

    @Test
    void emptySuiteWithoutComparisonStillRendersWellFormed() throws Exception {
        final String page = HtmlReport.render(JSON.readTree("{\"rows\": [], \"latencies\": [], \"failures\": []}"), null);
        parse(page);
        assertFalse(page.contains("Compared with"));
        assertFalse(page.contains("<svg"));
        assertTrue(page.contains("No benchmarks in this suite."));
        parse(HtmlReport.render(null, null));
    }

    @Test
    void degenerateFiguresAreDrawnOrExplainedNotDropped() throws Exception {
        final String page = HtmlReport.render(JSON.readTree("""
            {"rows": [{"name": "odd", "group": "g", "unit": "ns", "higherIsBetter": false, "kairos": "NaN",
                       "peers": [{"name": "ForkJoinPool", "value": -3.0}], "bestPeer": "ForkJoinPool"}],
             "latencies": [{"name": "one point", "unit": "ns",
                            "series": [{"subject": "Kairos", "percentiles": [[50.0, 5.0]]}]}],
             "curves": [{"name": "zeros", "logX": true, "logY": true, "series": [{"name": "s", "points": [[0, 0]]}]}]}
            """), null);
        parse(page);
        assertTrue(summaryRow(page, "odd").contains("<td>– <span class=\"sub\">no result</span></td>"), page);
        assertTrue(page.contains("ForkJoinPool: -3 ns, not drawable on a log axis"));
        assertEquals(1, count(page, "<svg "), "the one-point latency plot only");
        assertTrue(page.contains("Nothing to draw"));
    }

    @Test
    void formatsWithThousandsSeparatorsAndFourSignificantDigits() {
        assertEquals("1,480,000 ops/s", HtmlReport.format(1_480_000, "ops/s"));
        assertEquals("1,235,000 ops/s", HtmlReport.format(1_234_567, "ops/s"));
        assertEquals("0.1235 µs", HtmlReport.format(0.12345, "µs"));
        assertEquals("16.78 GB/s", HtmlReport.format(16.78, "GB/s"));
        assertEquals("–", HtmlReport.format(Double.NaN, "ns"));
    }
}
