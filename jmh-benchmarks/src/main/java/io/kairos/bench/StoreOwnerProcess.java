package io.kairos.bench;

import io.kairos.store.ObjectId;
import io.kairos.store.SharedObjectStore;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The other process of {@link StoreCrossProcessGetBenchmark}: creates a store, puts {@code count} objects of
 * {@code size} bytes with the ids {@link #objectId}(0..count-1) (byte i of object n holds {@code n + i}), prints
 * {@value #READY} and waits until its stdin closes; then closes the store and exits.
 *
 * <p>Usage: {@code StoreOwnerProcess <store name> <count> <size>}. {@link #start} launches it in a child JVM.
 */
public final class StoreOwnerProcess {
    /** The line the child prints once its objects are sealed. */
    public static final String READY = "READY";

    private static final long ID_HI = 0x4B41_4952_4F53_0001L;

    private StoreOwnerProcess() {
    }

    /** The id of object n, the same in both processes. */
    public static ObjectId objectId(final int n) {
        return ObjectId.of(ID_HI, n);
    }

    /** The byte at index i of object n. */
    public static byte expectedByte(final int n, final int i) {
        return (byte) (n + i);
    }

    public static void main(final String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: StoreOwnerProcess <store name> <count> <size>");
            System.exit(2);
        }
        final String name = args[0];
        final int count = Integer.parseInt(args[1]);
        final int size = Integer.parseInt(args[2]);
        try (SharedObjectStore store = SharedObjectStore.create(name, Math.max(1L << 20, 4L * count * (size + 128)),
            Math.max(1024, 2 * count))) {
            final byte[] bytes = new byte[size];
            for (int n = 0; n < count; n++) {
                for (int i = 0; i < size; i++) {
                    bytes[i] = expectedByte(n, i);
                }
                store.put(objectId(n), bytes);
            }
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() != -1) {
                // Wait for the parent to close our stdin (or to die, which closes it too).
            }
        }
    }

    /**
     * Starts the owner in a child JVM (this JVM's java, classpath and {@link JvmFlags#forChildJvm()}) and waits
     * until it prints {@value #READY}.
     *
     * @throws IllegalStateException if it exits or stays silent past readyTimeout; the message holds its stderr
     */
    public static Child start(final String storeName, final int count, final int size, final Duration readyTimeout)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(JvmFlags.javaExecutable());
        command.addAll(JvmFlags.forChildJvm());
        command.add("-Xmx64m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreOwnerProcess.class.getName());
        command.add(storeName);
        command.add(Integer.toString(count));
        command.add(Integer.toString(size));
        final File stderr = File.createTempFile("kairos-store-owner-", ".log");
        final Process process = new ProcessBuilder(command).redirectError(stderr).start();
        final Child child = new Child(process, stderr);
        child.awaitReady(readyTimeout);
        return child;
    }

    /** The running owner. {@link #close} ends it: stdin closed, then a bounded wait, then SIGKILL. */
    public static final class Child implements AutoCloseable {
        private final Process process;
        private final File stderr;

        private Child(final Process process, final File stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        private void awaitReady(final Duration timeout) throws InterruptedException {
            final BufferedReader stdout =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            final CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                        if (READY.equals(line.trim())) {
                            return line;
                        }
                    }
                    return null;
                } catch (final IOException e) {
                    return null;
                }
            });
            String line;
            boolean timedOut = false;
            try {
                line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final TimeoutException e) {
                line = null;
                timedOut = true;
            } catch (final ExecutionException e) {
                line = null;
            }
            if (line == null) {
                final String what = timedOut
                    ? "did not print " + READY + " within " + timeout.toMillis() + " ms"
                    : "exited before printing " + READY + (process.waitFor(5, TimeUnit.SECONDS)
                        ? " (exit " + process.exitValue() + ")" : "");
                final String errors = readStderr();
                close();
                throw new IllegalStateException("store owner process " + what + "; its stderr:\n" + errors);
            }
        }

        /** Closes the child's stdin, waits up to 10 s for it to exit, then kills it. */
        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (final IOException e) {
                // Already closed: the child sees EOF either way.
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (final InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                if (!stderr.delete()) {
                    stderr.deleteOnExit();
                }
            }
        }

        /** The exit code once closed, or -1 if it is still running. */
        public int exitValue() {
            return process.isAlive() ? -1 : process.exitValue();
        }

        private String readStderr() {
            try {
                return Files.readString(stderr.toPath(), StandardCharsets.UTF_8);
            } catch (final IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }
}
