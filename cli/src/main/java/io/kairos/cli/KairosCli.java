package io.kairos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code kairos} command line: {@code demo} (a realistic workload on the embedded kernel), {@code soak} (a mixed
 * workload for minutes or hours, every result checked, with a verdict), {@code bench store} and {@code bench kernel} (short runs of the store and kernel
 * benchmarks with a table and targets) and {@code jmh} (full JMH runs). The launcher script {@code ./kairos} builds
 * the jar and starts this with the JVM flags the stack needs.
 */
@Command(name = "kairos", mixinStandardHelpOptions = true, versionProvider = KairosCli.Version.class,
    description = "Kairos: an embeddable scheduling kernel with a shared-memory object store.",
    subcommands = {DemoCommand.class, BenchCommand.class, JmhCommand.class, TimelineCommand.class, StateCommand.class, CleanCommand.class,
        ClusterCommand.class, ControlCommand.class, NodeCommand.class, StatusCommand.class, SoakCommand.class,
        CommandLine.HelpCommand.class})
public final class KairosCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(final String[] args) {
        // the launcher passes these; java -jar gets the module flags from the manifest, these from here
        System.setProperty("chronicle.analytics.disable", System.getProperty("chronicle.analytics.disable", "true"));
        System.setProperty("chronicle.announcer.disable", System.getProperty("chronicle.announcer.disable", "true"));
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(new KairosCli()).setExpandAtFiles(false);
        // bad input (an option that does not parse, a refused join) is one clear line, not a stack trace
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("kairos " + cmd.getCommandName() + ": " + e.getMessage());
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
            throw e;
        });
        // jmh: every argument, options included, goes to JMH untouched.
        commandLine.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true).setStopAtPositional(true);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String version = KairosCli.class.getPackage().getImplementationVersion();
            return new String[] {"kairos " + (version != null ? version : "(development build)"),
                "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version()};
        }
    }
}
