package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.plan.SuitePlan;
import io.kairos.gpu.GpuBackend;
import io.kairos.gpu.GpuDevices;
import io.kairos.cli.BenchRunner.Timing;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code kairos bench}: the whole suite ({@link SuitePlan}) in a quick mode, with a progress bar; then the table
 * (Kairos | best JDK peer | Ray Java LOCAL | Ray published | Kairos ÷ peer), the targets, and a JSON and a
 * self-contained HTML report ({@link HtmlReport}); {@code --compare} sets it against a previous run's JSON. The
 * subcommands {@code store} and {@code kernel} are the older, narrower runs with targets.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"The benchmark suite: Ray's microbenchmarks on the kernel, each against JDK/Disruptor peers, "
        + "Ray's Java runtime (LOCAL mode, its own JVM) and Ray's published figures; store and GPU copies; scale "
        + "curves. A few minutes on 2 cores. Writes a JSON and an HTML report.",
        "Full JMH runs of one benchmark: kairos jmh NAME"},
    subcommands = {BenchStoreCommand.class, BenchKernelCommand.class, BenchPeerCommand.class,
        BenchControlCommand.class, BenchTargetsCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--long", description = "Longer iterations (warm-up 2 x 1 s, measurement 3 x 1 s per figure; "
        + "quick: 2 x 500 ms, 2 x 300 ms): steadier figures, about twice the time.")
    boolean longRun;

    @Option(names = "--smoke", description = "Every benchmark once with tiny iterations, in this JVM (a check of "
        + "the harness: the figures mean nothing).")
    boolean smoke;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "1", description = "JVMs per figure (default: "
        + "${DEFAULT-VALUE}); JMH scores the iterations of all of them together. 3 for figures to quote.")
    int forks;

    @Option(names = "--only", paramLabel = "REGEX", description = "Only the benchmarks, plots and curves whose "
        + "name matches (find), e.g. --only 'tasks|actor'. --list shows the names.")
    String only;

    @Option(names = "--list", description = "List the names --only selects from, and exit.")
    boolean list;

    @Option(names = "--no-ray", description = "Leave out Ray's Java runtime (LOCAL mode).")
    boolean noRay;

    @Option(names = "--no-cluster", description = "Leave out the cluster section (it starts a cluster of processes "
        + "on loopback: about 2 minutes). --smoke leaves it out unless --only names it.")
    boolean noCluster;

    @Option(names = "--json", paramLabel = "FILE", description = "Where the JSON report goes "
        + "(default: kairos-bench-<time>.json here).")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Where the HTML report goes "
        + "(default: the JSON's name with .html).")
    Path html;

    @Option(names = "--compare", paramLabel = "FILE", description = "A previous run's JSON: print and report what "
        + "got faster or slower.")
    Path compare;

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "10",
        description = "A change smaller than this is noise in --compare (default: ${DEFAULT-VALUE}).")
    double thresholdPercent;

    @Option(names = "--fail-on-slower", description = "With --compare: exit 3 if a Kairos figure got slower.")
    boolean failOnSlower;

    @Option(names = "--check", description = "Exit 4 if a target with a result is MISSED (after the report).")
    boolean check;

    @Option(names = "--guard", description = "The build's regression guard: a few ratio rows, 3 forks each, short "
        + "iterations (about a minute); exit 5 if a ratio fell below " + BenchGuard.FLOOR + "x its baseline.")
    boolean guard;
    private int guardAttempt;
    /** Each guarded row's best ratio over the attempts so far. */
    private final java.util.Map<String, Double> guardBest = new java.util.HashMap<>();

    /** Queued tasks of a smoke run's 1M-queued steps. */
    static final int SMOKE_QUEUED = 10_000;

    @Override
    public Integer call() throws IOException {
        if ((smoke || guard) && guardAttempt == 0 && (longRun || forks != 1)) {
            System.err.println("kairos bench: --smoke and --guard choose their own timing: not with --long or --forks");
            return 2;
        }
        if (guard && guardAttempt == 0) {
            if (smoke || only != null) {
                System.err.println("kairos bench: --guard picks its own rows: not with --smoke or --only");
                return 2;
            }
            BenchGuard.awaitQuietMachine();
            only = BenchGuard.ROWS;
            noRay = true;
            noCluster = true;
            forks = BenchGuard.FORKS;
        }
        final boolean small = smoke || guard;
        if (forks < 1 || forks > 10) {
            System.err.println("kairos bench: --forks " + forks + " is outside 1..10");
            return 2;
        }
        final JsonNode previous = compare == null ? null : readPrevious();
        if (compare != null && previous == null) {
            return 2;
        }
        SuitePlan suite = SuitePlan.create(cuda(), small ? SMOKE_QUEUED : KernelQueuedTasksBenchmark.QUEUED,
            longRun);
        if (list) {
            suite.names().forEach(System.out::println);
            return 0;
        }
        if (only != null) {
            final Pattern pattern = Pattern.compile(only);
            suite = suite.only(name -> pattern.matcher(name).find());
            if (suite.isEmpty()) {
                System.err.println("kairos bench: --only '" + only + "' matches nothing; --list shows the names");
                return 2;
            }
        }
        if (noCluster || (smoke && only == null)) {
            suite = suite.only(name -> !name.startsWith("cluster"));
        }
        final Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final Path jsonPath = json != null ? json : Path.of("kairos-bench-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC).format(created)
            + ".json");
        final Path htmlPath = html != null ? html
            : jsonPath.resolveSibling(jsonPath.getFileName().toString().replaceFirst("\\.json$", "") + ".html");

        final Timing timing = timing();
        final BenchRunner runner = new BenchRunner("suite", timing,
            List.of("-D" + KernelQueuedTasksBenchmark.QUIET_PROP + "=true"), true, smoke ? 0 : forks);
        if (smoke) {
            System.setProperty(KernelQueuedTasksBenchmark.QUIET_PROP, "true");
        }
        final List<String> rayNames = noRay ? List.of() : suite.rayNames();
        final boolean withRay = !rayNames.isEmpty();
        final PrintStream err = System.err;
        final boolean withCluster = suite.hasCluster();
        err.printf(Locale.ROOT, "kairos bench: %d JMH steps%s%s; %s%n", suite.plan.steps.size(),
            withRay ? " + Ray Java (LOCAL) in its own JVM" : "",
            withCluster ? " + the cluster section (processes on loopback)" : "", runner.describe() + " each");
        final BenchProgress progress = new BenchProgress(suite.plan.steps.size() + (withRay ? 1 : 0)
            + (withCluster ? ClusterBench.phases() : 0), err);
        BenchRunner.Outcome outcome = runner.runSteps(suite.plan, progress);
        if (withCluster) {
            final ClusterBench.Result cluster = ClusterBench.run(suite, longRun, smoke, progress);
            outcome = outcome.with(cluster.readings(), cluster.histograms(), cluster.failures());
        }
        final RayLocalRunner.Result ray = withRay ? runRay(rayNames, progress) : RayLocalRunner.Result.notRun(
            noRay ? "left out (--no-ray)" : "no benchmark of this run has a Ray counterpart");

        final ObjectNode header = new ObjectMapper().createObjectNode()
            .put("title", "Kairos benchmark suite")
            .put("created", created.toString())
            .put("mode", smoke ? "smoke" : guard ? "guard" : longRun ? "long" : "quick")
            .put("timing", "JMH, " + runner.describe() + " per figure");
        header.putObject("machine").put("cpus", Runtime.getRuntime().availableProcessors())
            .put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version())
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        final ObjectNode report = SuiteReport.json(suite, outcome, ray, header);
        final ObjectNode comparison = previous == null ? null
            : SuiteReport.compare(previous, compare.toString(), report, thresholdPercent / 100);

        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.writeValue(jsonPath.toFile(), report);
        Files.writeString(htmlPath, HtmlReport.render(report, comparison), StandardCharsets.UTF_8);

        final PrintStream out = System.out;
        out.println();
        out.println("Kairos benchmark suite, " + report.path("mode").asText() + " run: " + report.path("timing").asText()
            + "; JDK " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        out.println("Ray Java (LOCAL): " + ray.runtime() + ", " + ray.status() + (ray.note() == null ? ""
            : " (" + ray.note() + ")"));
        out.println();
        SuiteReport.table(report).forEach(out::println);
        if (report.path("facts").size() > 0) {
            out.println();
            out.println("Facts");
            report.path("facts").forEach(f -> out.println("  " + f.get(0).asText() + ": " + f.get(1).asText()));
        }
        if (report.path("targets").size() > 0) {
            out.println();
            BenchTargetsCommand.lines(report).forEach(out::println);
        }
        if (report.path("failures").size() > 0) {
            out.println();
            out.println("Failures");
            report.path("failures").forEach(f -> out.println("  " + f.asText()));
        }
        if (comparison != null) {
            out.println();
            SuiteReport.comparisonLines(comparison).forEach(out::println);
        }
        out.println();
        out.println("JSON: " + jsonPath.toAbsolutePath());
        out.println("HTML: " + htmlPath.toAbsolutePath());
        out.println("Next time: ./kairos bench --compare " + jsonPath + "   Rigorous runs: ./kairos jmh NAME "
            + "(3 forks; see README)");
        out.flush();
        if (!outcome.failures().isEmpty() || "failed".equals(ray.status())) {
            return 1;
        }
        if (failOnSlower && comparison != null && SuiteReport.slowerKairos(comparison) > 0) {
            return 3;
        }
        if (guard) {
            final List<String> lines = new ArrayList<>();
            final int failed = BenchGuard.check(report, BenchGuard.baselines(), lines, guardBest);
            out.println("Regression guard (each row's best ratio >= " + BenchGuard.FLOOR + " x its baseline), attempt "
                + (guardAttempt + 1) + " of " + BenchGuard.ATTEMPTS + ":");
            lines.forEach(out::println);
            if (failed > 0 && ++guardAttempt < BenchGuard.ATTEMPTS) {
                out.println("  a ratio below its floor: measuring again (a regression stays below it every time)");
                return call();
            }
            if (failed > 0) {
                return 5;
            }
        }
        return check && BenchTargetsCommand.missed(report) > 0 ? 4 : 0;
    }

    private Timing timing() {
        if (guard) {
            return BenchGuard.timing();
        }
        if (smoke) {
            return new Timing(0, TimeValue.milliseconds(10), 1, TimeValue.milliseconds(40));
        }
        // quick: a second of warm-up at least (less, and the kernel's sync round trip reads 15x its p50 here)
        return longRun ? new Timing(2, TimeValue.seconds(1), 3, TimeValue.seconds(1))
            : new Timing(2, TimeValue.milliseconds(500), 2, TimeValue.milliseconds(300));
    }

    /** Ray LOCAL with the same warm-up and measurement as the JMH steps. */
    private RayLocalRunner.Result runRay(final List<String> names, final BenchProgress progress) {
        final Timing timing = timing();
        final long warmupMs = timing.warmupIterations() * timing.warmupTime().convertTo(
            java.util.concurrent.TimeUnit.MILLISECONDS);
        final long measureMs = timing.time().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS);
        final int rounds = timing.iterations();
        progress.begin("Ray Java (LOCAL mode): " + names.size() + " benchmarks in its own JVM");
        final long limit = 120 + names.size() * (warmupMs + rounds * measureMs) * 3 / 1000;
        final RayLocalRunner.Result result = RayLocalRunner.fromEnvironment().run(names, warmupMs, measureMs, rounds,
            limit);
        progress.end(result.status() + (result.note() == null ? ", " + result.scores().size() + " results"
            : ": " + result.note()));
        return result;
    }

    private JsonNode readPrevious() {
        try {
            final JsonNode node = new ObjectMapper().readTree(compare.toFile());
            if (!node.has("rows")) {
                System.err.println("kairos bench: " + compare + " is not a kairos bench JSON report (no \"rows\")");
                return null;
            }
            return node;
        } catch (final IOException e) {
            System.err.println("kairos bench: cannot read " + compare + ": " + e.getMessage());
            return null;
        }
    }

    /** Whether a CUDA device is there (the GPU rows then add their raw CUDA peers). */
    private static boolean cuda() {
        try (GpuDevices devices = GpuDevices.discover()) {
            return devices.backend() == GpuBackend.CUDA && devices.count() > 0;
        } catch (final RuntimeException | LinkageError e) {
            return false;
        }
    }
}
