package io.kairos.cli;

import io.kairos.bench.plan.BenchPlan;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** A {@code kairos bench} subcommand that runs a {@link BenchPlan} with a {@link BenchRunner}. */
abstract class BenchPlanCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JMH results (JSON) to FILE.")
    Path json;

    /** Runs the plan, writing the JMH results to json unless it is null; the exit code. */
    abstract int run(Path json) throws IOException;

    @Override
    public Integer call() throws IOException {
        return run(json);
    }
}
