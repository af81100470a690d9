package io.kairos.cli;

import io.kairos.bench.plan.StoreBenchPlan;
import io.kairos.cli.BenchRunner.Timing;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code kairos bench store}: a short run of the store benchmarks ({@link StoreBenchPlan}, {@link BenchRunner}). */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = {"Short run of the object store benchmarks (put, get, large put, cross-process get) against "
        + "their peers, with targets.", "Full runs: kairos jmh Store"})
final class BenchStoreCommand extends BenchPlanCommand {
    @Option(names = "--quick", description = "Shorter still: 64 B objects only, half-second iterations.")
    boolean quick;

    @Override
    int run(final Path json) throws IOException {
        return runner(quick).run(StoreBenchPlan.create(quick), json, "",
            "Kairos object store, " + timing(quick).context(quick));
    }

    /** No watchdog, no flags besides the stack's. */
    static BenchRunner runner(final boolean quick) {
        return new BenchRunner("store", timing(quick), List.of(), false);
    }

    static Timing timing(final boolean quick) {
        return quick
            ? new Timing(1, TimeValue.milliseconds(500), 1, TimeValue.milliseconds(500))
            : new Timing(1, TimeValue.milliseconds(500), 2, TimeValue.seconds(1));
    }
}
