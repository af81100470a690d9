package io.kairos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kairos bench}: groups the short benchmark runs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Short benchmark runs with peers, a table and targets.",
    subcommands = {BenchStoreCommand.class, BenchKernelCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
