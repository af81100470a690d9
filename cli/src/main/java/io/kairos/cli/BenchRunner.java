package io.kairos.cli;

import io.kairos.bench.FootprintProfiler;
import io.kairos.bench.JvmFlags;
import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Step;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.File;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link BenchPlan} for {@code kairos bench NAME}: one JMH benchmark at a time (each in its own forked JVM),
 * progress on stderr, then the table and the targets on stdout. The exit code is 0 when every step ran (a missed
 * target is a finding, not an error), 1 when a step failed or hung: with the watchdog on, a benchmark JVM that
 * overruns its step is killed, its thread dump saved first.
 */
final class BenchRunner {
    /** Slack a step gets beyond its iterations before the watchdog kills its JVM. */
    private static final long STEP_SLACK_SECONDS = 60;
    /** What a single-shot step may take before the watchdog acts. */
    private static final long SINGLE_SHOT_STEP_LIMIT_SECONDS = 240;

    /** Iterations and their length for one step; a single-shot step runs one measured shot, no warm-up. */
    record Timing(int warmupIterations, TimeValue warmupTime, int iterations, TimeValue time) {
        String describe() {
            return describe(1);
        }

        /** With forks JVMs per step (0: in this JVM). */
        String describe(final int forks) {
            return (forks == 0 ? "in this JVM" : forks + (forks == 1 ? " fork" : " forks")) + ", warm-up "
                + warmupIterations + " x " + warmupTime + ", measurement " + iterations
                + " x " + time;
        }

        long seconds() {
            return (long) Math.ceil((warmupIterations * warmupTime.convertTo(TimeUnit.MILLISECONDS)
                + iterations * time.convertTo(TimeUnit.MILLISECONDS)) / 1000.0);
        }

        /** What the table's header line says after the subject: the run, the JVM and the timing. */
        String context(final boolean quick) {
            return String.format(Locale.ROOT, "%s: JDK %s, %d CPUs; %s per figure", quick ? "quick run" : "short run",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), describe());
        }
    }

    /**
     * What a run of steps gave: the figures' readings, each step's JMH result, and the steps that failed; histograms
     * (ns) of latencies measured outside JMH (the cluster section), by figure key.
     */
    record Outcome(Map<String, Double> readings, Map<String, RunResult> results, List<String> failures,
                   Map<String, Histogram> histograms) {
        Outcome(final Map<String, Double> readings, final Map<String, RunResult> results, final List<String> failures) {
            this(readings, results, failures, Map.of());
        }

        /** This outcome and figures measured outside JMH. */
        Outcome with(final Map<String, Double> moreReadings, final Map<String, Histogram> moreHistograms,
                     final List<String> moreFailures) {
            final Map<String, Double> r = new LinkedHashMap<>(readings);
            r.putAll(moreReadings);
            final Map<String, Histogram> h = new LinkedHashMap<>(histograms);
            h.putAll(moreHistograms);
            final List<String> f = new ArrayList<>(failures);
            f.addAll(moreFailures);
            return new Outcome(r, results, f, h);
        }
    }

    private final String name;
    private final Timing timing;
    private final List<String> jvmArgs;
    private final boolean watchdog;
    private final int forks;

    /**
     * @param name     the subcommand; its benchmark classes' names start with it, capitalized
     * @param jvmArgs  flags every fork gets after the stack's and the step's
     * @param watchdog whether a step that overruns is killed
     */
    BenchRunner(final String name, final Timing timing, final List<String> jvmArgs, final boolean watchdog) {
        this(name, timing, jvmArgs, watchdog, 1);
    }

    /**
     * @param forks 1 (or more): each step in its own JVM (or that many, one after the other); 0: in this JVM (a smoke run of the harness: figures are not
     *              comparable, and a hung step cannot be killed)
     */
    BenchRunner(final String name, final Timing timing, final List<String> jvmArgs, final boolean watchdog,
                final int forks) {
        this.name = name;
        this.timing = timing;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.watchdog = watchdog && forks > 0;
        this.forks = forks;
    }

    /** The forks and the timing of every step, e.g. "3 forks, warm-up 1 x 300 ms, measurement 2 x 300 ms". */
    String describe() {
        return timing.describe(forks);
    }

    /**
     * Runs every step, writes the JMH results to json (when not null), prints the header line, the table, the
     * targets and a summary; the exit code.
     *
     * @param stepsNote what the first progress line adds after the timing
     */
    int run(final BenchPlan plan, final Path json, final String stepsNote, final String header) throws IOException {
        final long start = System.nanoTime();
        final PrintStream err = System.err;
        err.println("kairos bench " + name + ": " + plan.steps.size() + " steps, " + timing.describe() + " each"
            + stepsNote);
        final Outcome outcome = runSteps(plan, new BenchProgress(plan.steps.size(), err));
        final Map<String, Double> readings = outcome.readings();
        final List<RunResult> results = new ArrayList<>(outcome.results().values());
        final int failures = outcome.failures().size();
        if (json != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
            }
            err.println("JMH results written to " + json.toAbsolutePath());
        }

        final BenchReport report = new BenchReport(plan, readings);
        final PrintStream out = System.out;
        out.println();
        out.println(header);
        out.println();
        report.table().forEach(out::println);
        out.println();
        out.println("Targets");
        report.targets().forEach(out::println);
        out.println();
        out.printf(Locale.ROOT, "%d of %d steps ran in %.1f s. Short runs are indicative; for figures to quote: "
                + "./kairos jmh %s (3 forks)%n", plan.steps.size() - failures, plan.steps.size(), seconds(start),
            Character.toUpperCase(name.charAt(0)) + name.substring(1));
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    /** Runs every step of the plan, one progress line each. */
    Outcome runSteps(final BenchPlan plan, final BenchProgress progress) {
        final Map<String, Double> readings = new LinkedHashMap<>();
        final Map<String, RunResult> results = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        for (final Step step : plan.steps) {
            progress.begin(step.label() + (step.threads() > 1 ? " (" + step.threads() + " threads)" : ""));
            final String failure = runStep(plan, step, readings, results, progress);
            if (failure != null) {
                failures.add(step.label() + ": " + failure);
            }
        }
        return new Outcome(readings, results, failures);
    }

    /** Runs one step and finishes its progress line; null if it ran, else why not. */
    private String runStep(final BenchPlan plan, final Step step, final Map<String, Double> readings,
                           final Map<String, RunResult> results, final BenchProgress progress) {
        final AtomicReference<String> hung = new AtomicReference<>();
        final Thread dog = watchdog ? watchdog(limitSeconds(step), hung) : null;
        try {
            final RunResult result = runOne(step);
            results.put(step.key(), result);
            for (final Figure figure : step.figures()) {
                readings.put(figure.key(), figure.from(result.getPrimaryResult(), result.getSecondaryResults()));
            }
            final BenchReport report = new BenchReport(plan, readings);
            progress.end(String.join(", ", step.figures().stream().map(f -> report.show(f.key())).toList()));
            return null;
        } catch (final RunnerException | RuntimeException e) {
            progress.end("FAILED");
            final PrintStream err = progress.out();
            if (hung.get() != null) {
                err.println("    " + hung.get());
            }
            printCauses(err, e, "    ");
            return hung.get() != null ? "timed out" : String.valueOf(rootCause(e));
        } finally {
            if (dog != null) {
                dog.interrupt();
            }
        }
    }

    private static Throwable rootCause(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        // JMH puts the forked JVM's exception among the suppressed ones
        return t.getSuppressed().length > 0 ? rootCause(t.getSuppressed()[0]) : t;
    }

    /**
     * Runs one step. Not {@link Runner#runSingle()}: it counts a benchmark once per annotated mode even when the
     * options name one mode (the cross-process and the sync benchmarks are annotated with two).
     */
    private RunResult runOne(final Step step) throws RunnerException {
        final Collection<RunResult> results = new Runner(options(step)).run();
        if (results.size() != 1) {
            throw new RunnerException(step.include() + " gave " + results.size() + " results, not 1");
        }
        return results.iterator().next();
    }

    Options options(final Step step) {
        final boolean singleShot = step.mode() == Mode.SingleShotTime;
        final ChainedOptionsBuilder builder = new OptionsBuilder()
            .include(step.include())
            .mode(step.mode())
            .timeUnit(step.timeUnit())
            .forks(forks)
            .threads(step.threads())
            .warmupIterations(singleShot ? 0 : timing.warmupIterations())
            .warmupTime(timing.warmupTime())
            .measurementIterations(singleShot ? 1 : timing.iterations())
            .measurementTime(timing.time())
            .jvmArgsAppend(jvmArgs(step).toArray(new String[0]))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
        if (forks == 0) {
            builder.shouldDoGC(false);  // in this JVM: a full collection per iteration would dominate a smoke run
        }
        if (step.needsFootprint()) {
            builder.addProfiler(FootprintProfiler.class);
        }
        for (final Map.Entry<String, String> param : step.params().entrySet()) {
            builder.param(param.getKey(), param.getValue());
        }
        return builder.build();
    }

    /** The fork's JVM flags: the stack's, those the step adds (replacing its annotation's), and the runner's. */
    List<String> jvmArgs(final Step step) {
        final List<String> args = new ArrayList<>(JvmFlags.forChildJvm());
        args.addAll(step.jvmArgs());
        args.addAll(jvmArgs);
        return args;
    }

    private long limitSeconds(final Step step) {
        final int runs = Math.max(1, forks);
        return runs * (step.mode() == Mode.SingleShotTime ? SINGLE_SHOT_STEP_LIMIT_SECONDS
            : timing.seconds() + STEP_SLACK_SECONDS);
    }

    /**
     * A daemon thread that, after limitSeconds, saves the thread dump of every process this JVM started (the JMH
     * fork) and kills it, so a hung benchmark fails its step instead of hanging the command; it says so in hung.
     */
    private Thread watchdog(final long limitSeconds, final AtomicReference<String> hung) {
        final Thread thread = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(limitSeconds));
            } catch (final InterruptedException e) {
                return;
            }
            final StringBuilder message = new StringBuilder("timed out after " + limitSeconds
                + " s: the benchmark JVM was killed");
            final List<ProcessHandle> processes = ProcessHandle.current().descendants().toList();
            for (final ProcessHandle process : processes) {
                final String dump = threadDump(process.pid());
                if (dump != null) {
                    message.append("; thread dump of ").append(process.pid()).append(": ").append(dump);
                }
            }
            hung.set(message.toString());
            processes.forEach(ProcessHandle::destroyForcibly);
        }, "bench-" + name + "-watchdog");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Saves jcmd's Thread.print of pid to a temporary file; its path, or null when jcmd is not there or fails. */
    private String threadDump(final long pid) {
        final File jcmd = new File(System.getProperty("java.home"), "bin" + File.separator + "jcmd");
        if (!jcmd.canExecute()) {
            return null;
        }
        try {
            final Path file = Files.createTempFile("kairos-bench-" + name + "-" + pid + "-", ".threads.txt");
            final Process process = new ProcessBuilder(jcmd.getPath(), Long.toString(pid), "Thread.print")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return file.toAbsolutePath().toString();
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
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
