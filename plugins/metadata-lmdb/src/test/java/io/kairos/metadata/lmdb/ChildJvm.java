package io.kairos.metadata.lmdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Starts {@link LmdbChild} in another JVM: the same java, class path and module flags as this one. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The flags lmdbjava needs (and the ones that keep JDK 25 quiet), as this JVM got them. */
    static List<String> moduleFlags() {
        final List<String> flags = new ArrayList<>();
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                flags.add(arg);
            }
        }
        return flags;
    }

    /**
     * Starts the child with stdout and stderr merged, its temporary files (the extracted LMDB library) under
     * {@code tmp} so that a killed child leaves nothing in the system's temporary directory.
     */
    static Process start(final List<String> flags, final Path tmp, final String... args) {
        return start(List.of(), System.getProperty("java.class.path"), flags, tmp, args);
    }

    /** As {@link #start(List, Path, String...)}, behind a prefix (e.g. setpriv and its options) with a class path. */
    static Process start(final List<String> prefix, final String classPath, final List<String> flags, final Path tmp,
            final String... args) {
        try {
            Files.createDirectories(tmp);
            final List<String> command = new ArrayList<>(prefix);
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Djava.io.tmpdir=" + tmp);
            command.add("-cp");
            command.add(classPath);
            command.add(LmdbChild.class.getName());
            command.addAll(List.of(args));
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the child's output lines on a daemon thread, handing each to the consumer; the thread ends at EOF. (Kill
     * the child with {@code toHandle().destroyForcibly()}: {@code Process.destroyForcibly()} also closes the pipe
     * under this reader, which ends in "Stream closed" and loses the lines still in the pipe.)
     */
    static Thread pump(final Process process, final Consumer<String> lines) {
        final Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.accept(line);
                }
            } catch (final IOException e) {
                lines.accept("(output lost: " + e + ")");
            }
        }, "child-output-" + process.pid());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for the child to exit, killing it (and failing) past the timeout; returns the exit status. */
    static int await(final Process process, final long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child JVM still running after " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }
}
