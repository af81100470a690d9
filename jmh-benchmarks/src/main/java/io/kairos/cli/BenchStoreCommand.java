package io.kairos.cli;

import io.kairos.bench.JvmFlags;
import io.kairos.cli.StoreBenchPlan.Step;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code kairos bench store}: a short run of the store benchmarks, one JMH benchmark at a time (each in its own
 * forked JVM), progress on stderr, then the table and the targets on stdout. Exit code 0 when every step ran
 * (a missed target is a finding, not an error), 1 when a step failed.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = {"Short run of the object store benchmarks (put, get, large put, cross-process get) against "
        + "their peers, with targets.", "Full runs: kairos jmh Store"})
final class BenchStoreCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Shorter still: 64 B objects only, half-second iterations.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JMH results (JSON) to FILE.")
    Path json;

    /** Iterations and their length for one step. */
    private record Timing(int warmupIterations, TimeValue warmupTime, int iterations, TimeValue time) {
        String describe() {
            return "1 fork, warm-up " + warmupIterations + " x " + warmupTime + ", measurement " + iterations
                + " x " + time;
        }
    }

    @Override
    public Integer call() throws IOException {
        final long start = System.nanoTime();
        final PrintStream err = System.err;
        final StoreBenchPlan plan = StoreBenchPlan.create(quick);
        final Timing timing = quick
            ? new Timing(1, TimeValue.milliseconds(500), 1, TimeValue.milliseconds(500))
            : new Timing(1, TimeValue.milliseconds(500), 2, TimeValue.seconds(1));
        err.println("kairos bench store: " + plan.steps.size() + " steps, " + timing.describe() + " each");

        final Map<String, Double> scores = new LinkedHashMap<>();
        final List<RunResult> results = new ArrayList<>();
        int failures = 0;
        int index = 0;
        for (final Step step : plan.steps) {
            index++;
            err.printf(Locale.ROOT, "[%d/%d] %s ... ", index, plan.steps.size(), step.label());
            err.flush();
            final long stepStart = System.nanoTime();
            try {
                final RunResult result = runOne(step, timing);
                results.add(result);
                scores.put(step.key(), result.getPrimaryResult().getScore());
                final double value = new StoreBenchReport(plan, scores).value(step.key());
                err.printf(Locale.ROOT, "%s %s (%.1f s)%n", StoreBenchReport.format(step.kind(), value),
                    StoreBenchReport.unit(step.kind(), value), seconds(stepStart));
            } catch (final RunnerException | RuntimeException e) {
                failures++;
                err.println("FAILED (" + String.format(Locale.ROOT, "%.1f s", seconds(stepStart)) + ")");
                printCauses(err, e, "    ");
            }
        }
        if (json != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
            }
            err.println("JMH results written to " + json.toAbsolutePath());
        }

        final StoreBenchReport report = new StoreBenchReport(plan, scores);
        final PrintStream out = System.out;
        out.println();
        out.printf(Locale.ROOT, "Kairos object store, %s: JDK %s, %d CPUs; %s per figure%n",
            quick ? "quick run" : "short run", Runtime.version(), Runtime.getRuntime().availableProcessors(),
            timing.describe());
        out.println();
        report.table().forEach(out::println);
        out.println();
        out.println("Targets");
        report.targets().forEach(out::println);
        out.println();
        out.printf(Locale.ROOT, "%d of %d steps ran in %.1f s. Short runs are indicative; for figures to quote: "
            + "./kairos jmh Store (3 forks)%n", plan.steps.size() - failures, plan.steps.size(), seconds(start));
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * Runs one step. Not {@link Runner#runSingle()}: it counts a benchmark once per annotated mode even when the
     * options name one mode (the cross-process benchmark is annotated with two).
     */
    private static RunResult runOne(final Step step, final Timing timing) throws RunnerException {
        final Collection<RunResult> results = new Runner(options(step, timing)).run();
        if (results.size() != 1) {
            throw new RunnerException(step.include() + " gave " + results.size() + " results, not 1");
        }
        return results.iterator().next();
    }

    private static org.openjdk.jmh.runner.options.Options options(final Step step, final Timing timing) {
        final ChainedOptionsBuilder builder = new OptionsBuilder()
            .include(step.include())
            .mode(step.mode())
            .timeUnit(step.kind() == StoreBenchPlan.Kind.NANOSECONDS ? TimeUnit.NANOSECONDS : TimeUnit.SECONDS)
            .forks(1)
            .warmupIterations(timing.warmupIterations())
            .warmupTime(timing.warmupTime())
            .measurementIterations(timing.iterations())
            .measurementTime(timing.time())
            .jvmArgsAppend(JvmFlags.forChildJvm().toArray(new String[0]))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
        for (final Map.Entry<String, String> param : step.params().entrySet()) {
            builder.param(param.getKey(), param.getValue());
        }
        return builder.build();
    }

    /** The exception, its causes and (JMH puts the forked JVM's errors there) their suppressed exceptions. */
    private static void printCauses(final PrintStream err, final Throwable e, final String indent) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            err.println(indent + t);
            for (final Throwable suppressed : t.getSuppressed()) {
                printCauses(err, suppressed, indent + "  ");
            }
        }
    }

    private static double seconds(final long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
