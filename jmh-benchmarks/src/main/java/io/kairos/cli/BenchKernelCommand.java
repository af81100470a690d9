package io.kairos.cli;

import io.kairos.bench.FootprintProfiler;
import io.kairos.bench.JvmFlags;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.cli.KernelBenchPlan.Figure;
import io.kairos.cli.KernelBenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code kairos bench kernel}: a short run of the scheduling-kernel benchmarks (Ray's single-client task and object
 * microbenchmarks, and a million queued tasks), one JMH benchmark at a time (each in its own forked JVM), progress
 * on stderr, then the table and the targets on stdout. Exit code 0 when every step ran (a missed target is a
 * finding, not an error), 1 when a step failed or hung (a watchdog kills a benchmark JVM that overruns its step
 * and saves its thread dump first).
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
    description = {"Short run of the scheduling kernel benchmarks (tasks async/sync, put, get, wait 1k refs, "
        + "1M queued tasks) against JDK peers, with targets.", "Full runs: kairos jmh Kernel"})
final class BenchKernelCommand implements Callable<Integer> {
    /** Slack a step gets beyond its iterations before the watchdog kills its JVM. */
    private static final long STEP_SLACK_SECONDS = 60;
    /** What a single-shot step (a million tasks submitted, then drained) may take before the watchdog acts. */
    private static final long SINGLE_SHOT_STEP_LIMIT_SECONDS = 240;

    @Option(names = "--quick", description = "Shorter still: one JDK peer (ThreadPoolExecutor) per task figure, "
        + "shorter iterations.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JMH results (JSON) to FILE.")
    Path json;

    /** Iterations and their length for one step. */
    record Timing(int warmupIterations, TimeValue warmupTime, int iterations, TimeValue time) {
        String describe() {
            return "1 fork, warm-up " + warmupIterations + " x " + warmupTime + ", measurement " + iterations
                + " x " + time;
        }

        long seconds() {
            return (long) Math.ceil((warmupIterations * warmupTime.convertTo(TimeUnit.MILLISECONDS)
                + iterations * time.convertTo(TimeUnit.MILLISECONDS)) / 1000.0);
        }
    }

    /** Timed steps; the single-shot steps run one measured shot, no warm-up (a million calls warm the JIT). */
    static Timing timing(final boolean quick) {
        return quick
            ? new Timing(1, TimeValue.milliseconds(300), 2, TimeValue.milliseconds(300))
            : new Timing(1, TimeValue.milliseconds(500), 2, TimeValue.milliseconds(500));
    }

    @Override
    public Integer call() throws IOException {
        final long start = System.nanoTime();
        final PrintStream err = System.err;
        final KernelBenchPlan plan = KernelBenchPlan.create(quick);
        final Timing timing = timing(quick);
        err.println("kairos bench kernel: " + plan.steps.size() + " steps, " + timing.describe()
            + " each (1M queued: one shot)");

        final Map<String, Double> figures = new LinkedHashMap<>();
        final List<RunResult> results = new ArrayList<>();
        int failures = 0;
        int index = 0;
        for (final Step step : plan.steps) {
            index++;
            err.printf(Locale.ROOT, "[%d/%d] %s ... ", index, plan.steps.size(), step.label());
            err.flush();
            final long stepStart = System.nanoTime();
            final long limit = step.mode() == Mode.SingleShotTime
                ? SINGLE_SHOT_STEP_LIMIT_SECONDS : timing.seconds() + STEP_SLACK_SECONDS;
            final AtomicReference<String> hung = new AtomicReference<>();
            final Thread watchdog = watchdog(limit, hung);
            try {
                final RunResult result = runOne(step, timing);
                results.add(result);
                final List<String> shown = new ArrayList<>();
                for (final Figure figure : step.figures()) {
                    final double value = figure.from(result.getPrimaryResult(), result.getSecondaryResults());
                    figures.put(figure.key(), value);
                    shown.add(KernelBenchReport.format(figure.kind(), value) + " "
                        + KernelBenchReport.unit(figure.kind()));
                }
                err.printf(Locale.ROOT, "%s (%.1f s)%n", String.join(", ", shown), seconds(stepStart));
            } catch (final RunnerException | RuntimeException e) {
                failures++;
                err.println("FAILED (" + String.format(Locale.ROOT, "%.1f s", seconds(stepStart)) + ")");
                if (hung.get() != null) {
                    err.println("    " + hung.get());
                }
                printCauses(err, e, "    ");
            } finally {
                watchdog.interrupt();
            }
        }
        if (json != null) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(json), true, StandardCharsets.UTF_8)) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
            }
            err.println("JMH results written to " + json.toAbsolutePath());
        }

        final KernelBenchReport report = new KernelBenchReport(plan, figures);
        final PrintStream out = System.out;
        out.println();
        out.printf(Locale.ROOT, "Kairos scheduling kernel, %s: JDK %s, %d CPUs; %s per figure; kernel: one node of "
                + "2 CPUs (a conductor thread + 2 workers), peers: 2 threads; 1M queued: one shot, 2 CPUs held by "
                + "blockers, then drained%n", quick ? "quick run" : "short run", Runtime.version(),
            Runtime.getRuntime().availableProcessors(), timing.describe());
        out.println();
        report.table().forEach(out::println);
        out.println();
        out.println("Targets");
        report.targets().forEach(out::println);
        out.println();
        out.printf(Locale.ROOT, "%d of %d steps ran in %.1f s. Short runs are indicative; for figures to quote: "
            + "./kairos jmh Kernel (3 forks)%n", plan.steps.size() - failures, plan.steps.size(), seconds(start));
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * Runs one step. Not {@link Runner#runSingle()}: it counts a benchmark once per annotated mode even when the
     * options name one mode (the sync benchmarks are annotated with two).
     */
    private static RunResult runOne(final Step step, final Timing timing) throws RunnerException {
        final Collection<RunResult> results = new Runner(options(step, timing)).run();
        if (results.size() != 1) {
            throw new RunnerException(step.include() + " gave " + results.size() + " results, not 1");
        }
        return results.iterator().next();
    }

    static org.openjdk.jmh.runner.options.Options options(final Step step, final Timing timing) {
        final boolean singleShot = step.mode() == Mode.SingleShotTime;
        final ChainedOptionsBuilder builder = new OptionsBuilder()
            .include(step.include())
            .mode(step.mode())
            .timeUnit(step.timeUnit())
            .forks(1)
            .threads(1)
            .warmupIterations(singleShot ? 0 : timing.warmupIterations())
            .warmupTime(timing.warmupTime())
            .measurementIterations(singleShot ? 1 : timing.iterations())
            .measurementTime(timing.time())
            .jvmArgsAppend(jvmArgs(step).toArray(new String[0]))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT);
        if (step.needsFootprint()) {
            builder.addProfiler(FootprintProfiler.class);
        }
        for (final Map.Entry<String, String> param : step.params().entrySet()) {
            builder.param(param.getKey(), param.getValue());
        }
        return builder.build();
    }

    /** The forks' JVM flags: the stack's, those the step adds (replacing its annotation's), and quiet tear-downs. */
    static List<String> jvmArgs(final Step step) {
        final List<String> args = new ArrayList<>(JvmFlags.forChildJvm());
        args.addAll(step.jvmArgs());
        args.add("-D" + KernelQueuedTasksBenchmark.QUIET_PROP + "=true");
        return args;
    }

    /**
     * A daemon thread that, after limitSeconds, saves the thread dump of every process this JVM started (the JMH
     * fork) and kills it, so a hung kernel fails its step instead of hanging the command; it says so in hung.
     */
    private static Thread watchdog(final long limitSeconds, final AtomicReference<String> hung) {
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
        }, "bench-kernel-watchdog");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Saves jcmd's Thread.print of pid to a temporary file; its path, or null when jcmd is not there or fails. */
    private static String threadDump(final long pid) {
        final File jcmd = new File(System.getProperty("java.home"), "bin" + File.separator + "jcmd");
        if (!jcmd.canExecute()) {
            return null;
        }
        try {
            final Path file = Files.createTempFile("kairos-bench-kernel-" + pid + "-", ".threads.txt");
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
