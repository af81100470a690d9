package io.kairos.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class (by default {@link StoreChildProcess}) in a second JVM with this JVM's classpath and flags.
 * Public for the kernel's multi-process tests (this module's test jar).
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(final Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildJvm start(final String... args) throws IOException {
        return startMain(StoreChildProcess.class, List.of(), args);
    }

    /** Runs mainClass with extra JVM options (after this JVM's flags, so they win). */
    public static ChildJvm startMain(final Class<?> mainClass, final List<String> jvmOptions, final String... args)
        throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                || arg.startsWith("-Djna.") || arg.startsWith("-Dkairos.")) {
                command.add(arg);
            }
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** The child's next stdout line, waiting at most timeoutSeconds; fails on EOF or timeout. */
    public String readLine(final long timeoutSeconds) throws Exception {
        final String line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(timeoutSeconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("child exited early with " + process.waitFor());
        }
        return line;
    }

    public int waitFor(final long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child did not exit within " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL: the child gets no chance to clean up. */
    public void kill(final long timeoutSeconds) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
