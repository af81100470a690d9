package io.kairos.cli;

import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.plan.KernelBenchPlan;
import io.kairos.cli.BenchRunner.Timing;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code kairos bench kernel}: a short run of the scheduling-kernel benchmarks ({@link KernelBenchPlan},
 * {@link BenchRunner}), with a watchdog that kills a benchmark JVM that overruns its step.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
    description = {"Short run of the scheduling kernel benchmarks (tasks async/sync, put, get, wait 1k refs, "
        + "1M queued tasks) against JDK peers, with targets.", "Full runs: kairos jmh Kernel"})
final class BenchKernelCommand extends BenchPlanCommand {
    @Option(names = "--quick", description = "Shorter still: one JDK peer (ThreadPoolExecutor) per task figure, "
        + "shorter iterations.")
    boolean quick;

    @Override
    int run(final Path json) throws IOException {
        return runner(quick).run(KernelBenchPlan.create(quick), json, " (1M queued: one shot)",
            "Kairos scheduling kernel, " + timing(quick).context(quick) + "; kernel: one node of 2 CPUs (a conductor "
                + "thread + 2 workers), peers: 2 threads; 1M queued: one shot, 2 CPUs held by blockers, then drained");
    }

    /** Quiet tear-downs in the forks, and the watchdog. */
    static BenchRunner runner(final boolean quick) {
        return new BenchRunner("kernel", timing(quick), List.of("-D" + KernelQueuedTasksBenchmark.QUIET_PROP + "=true"),
            true);
    }

    /** Timed steps; the single-shot steps run one measured shot, no warm-up (a million calls warm the JIT). */
    static Timing timing(final boolean quick) {
        return quick
            ? new Timing(1, TimeValue.milliseconds(300), 2, TimeValue.milliseconds(300))
            : new Timing(1, TimeValue.milliseconds(500), 2, TimeValue.milliseconds(500));
    }
}
