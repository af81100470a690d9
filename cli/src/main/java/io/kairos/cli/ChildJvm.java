package io.kairos.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a kairos command in a JVM of its own: this JVM's java, module flags, system properties and class path. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts {@code kairos args...}, its output (and errors) to log. */
    static Process start(final Path log, final String... args) throws IOException {
        return start(log, List.of(), args);
    }

    /** Starts {@code kairos args...} in a JVM with these options too (e.g. its heap), its output to log. */
    static Process start(final Path log, final List<String> jvmOptions, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("-D")
                || arg.startsWith("--sun-misc")) {
                command.add(arg);
            }
        }
        final String idle = System.getProperty(io.kairos.cluster.aeron.TransportIdle.PROPERTY);
        if (idle != null && command.stream().noneMatch(a -> a.startsWith("-D" + io.kairos.cluster.aeron.TransportIdle.PROPERTY + "="))) {
            command.add("-D" + io.kairos.cluster.aeron.TransportIdle.PROPERTY + "=" + idle);  // set by the program
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KairosCli.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
