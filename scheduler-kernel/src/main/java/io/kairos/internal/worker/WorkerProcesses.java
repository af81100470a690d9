package io.kairos.internal.worker;

import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.WorkerDiedException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's worker processes: JVMs running {@link WorkerProcessMain} that run isolated tasks and host isolated
 * actors. A pool keeps idle processes by the GPUs they see ({@code CUDA_VISIBLE_DEVICES} is set when a process starts,
 * so a task given GPUs 0 and 1 runs in a process started with "0,1"); {@code prestart} processes without GPUs are
 * started with the kernel, ahead of demand, and a process goes back to the pool after each task. An actor keeps its
 * process to itself until it dies.
 *
 * <p>A process that dies (kill -9, System.exit, a native crash) is noticed by the worker thread talking to it, which
 * gets a {@link WorkerDiedException} saying how; the process is dropped and a new one started on demand.
 * Thread-safety: any thread.
 */
public final class WorkerProcesses implements AutoCloseable {
    private final List<String> command;
    private final Map<String, ConcurrentLinkedDeque<ProcessWorker>> idle = new ConcurrentHashMap<>();
    private final Set<ProcessWorker> all = ConcurrentHashMap.newKeySet();
    private final ObjectExports exports = new ObjectExports();
    private volatile boolean closed;

    public WorkerProcesses(final String storeName, final long inlineThreshold, final String classpath,
                    final List<String> jvmOptions, final int prestart) {
        final List<String> c = new ArrayList<>();
        c.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                || arg.startsWith("-Djna.") || arg.startsWith("-Dkairos.")) {
                c.add(arg);
            }
        }
        c.add("-XX:TieredStopAtLevel=1");  // short-lived, small work per call: start fast rather than peak
        c.add("-Xshare:auto");
        c.addAll(jvmOptions);
        c.add("-cp");
        c.add(classpath);
        c.add(WorkerProcessMain.class.getName());
        c.add(storeName == null ? "-" : storeName);
        c.add(Long.toString(inlineThreshold));
        c.add(Long.toString(exports.token()));
        this.command = List.copyOf(c);
        for (int i = 0; i < prestart; i++) {
            pool("").add(start(""));
        }
    }

    private ConcurrentLinkedDeque<ProcessWorker> pool(final String gpus) {
        return idle.computeIfAbsent(gpus, g -> new ConcurrentLinkedDeque<>());
    }

    /** @return the kernel's objects serialized by reference, which its processes may ask for */
    public ObjectExports exports() {
        return exports;
    }

    /** An idle process that sees these GPUs ("" for none), started if there is none. */
    public ProcessWorker borrow(final String gpus) {
        if (closed) {
            throw new KernelClosedException("the kernel is closed: no worker process");
        }
        ProcessWorker worker;
        while ((worker = pool(gpus).pollFirst()) != null) {
            if (worker.process.isAlive()) {
                return worker;
            }
            discard(worker);
        }
        return start(gpus);
    }

    /** Back to the pool after a task. */
    public void giveBack(final ProcessWorker worker) {
        if (closed || !worker.process.isAlive()) {
            discard(worker);
        } else {
            pool(worker.gpus).addFirst(worker);  // the warmest first
        }
    }

    /** Ends a process (it died, or its actor did). */
    public void discard(final ProcessWorker worker) {
        all.remove(worker);
        worker.close();
    }

    /** The pids of the live processes, for tooling and tests. */
    public List<Long> pids() {
        final List<Long> pids = new ArrayList<>();
        for (final ProcessWorker worker : all) {
            pids.add(worker.process.pid());
        }
        return pids;
    }

    private ProcessWorker start(final String gpus) {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (!gpus.isEmpty()) {
            builder.environment().put("CUDA_VISIBLE_DEVICES", gpus);
        }
        try {
            final ProcessWorker worker = new ProcessWorker(builder.start(), gpus);
            all.add(worker);
            return worker;
        } catch (final IOException e) {
            throw new KairosException("cannot start a worker process (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        exports.close();
        for (final ProcessWorker worker : all) {
            worker.close();
        }
        all.clear();
        idle.clear();
    }

    /** One worker process and the pipes to it. */
    public static final class ProcessWorker {
        public final Process process;
        public final String gpus;
        private final DataOutputStream out;
        private final DataInputStream in;
        private boolean ready;

        public ProcessWorker(final Process process, final String gpus) {
            this.process = process;
            this.gpus = gpus;
            this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
            this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        }

        public DataOutputStream out() {
            return out;
        }

        public DataInputStream in() {
            return in;
        }

        /** Waits for the process's hello (once). */
        public void awaitReady() throws IOException {
            if (!ready) {
                final int magic = in.readInt();
                final long pid = in.readLong();
                if (magic != WorkerProtocol.MAGIC || pid != process.pid()) {
                    throw new IOException("worker process " + process.pid() + " said " + Integer.toHexString(magic)
                        + " / pid " + pid + " instead of hello");
                }
                ready = true;
            }
        }

        /** Why the process is gone: how it ended, as far as the OS says within a second. */
        public WorkerDiedException died(final Throwable cause) {
            String how;
            try {
                if (process.waitFor(1, TimeUnit.SECONDS)) {
                    final int code = process.exitValue();
                    how = code > 128 ? "killed by signal " + (code - 128) + signalName(code - 128)
                        + " (exit code " + code + ")" : "exited with code " + code;
                } else {
                    how = "its pipe broke (" + cause + ") and it is still running";
                    process.destroyForcibly();
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                how = "its pipe broke (" + cause + ")";
            }
            return new WorkerDiedException("worker process " + process.pid() + " died: " + how, cause);
        }

        private static String signalName(final int signal) {
            switch (signal) {
                case 9: return " (SIGKILL)";
                case 15: return " (SIGTERM)";
                case 6: return " (SIGABRT: a native crash)";
                case 11: return " (SIGSEGV: a native crash)";
                case 7: return " (SIGBUS: a native crash)";
                default: return "";
            }
        }

        /** Ends the process without waiting for it (the conductor may call this): SIGTERM, SIGKILL 2 s later. */
        public void close() {
            try {
                out.close();  // EOF on its stdin: it exits by itself
            } catch (final IOException e) {
                // already gone
            }
            process.destroy();
            process.onExit().orTimeout(2, TimeUnit.SECONDS).exceptionally(timeout -> {
                process.destroyForcibly();
                return process;
            });
        }

        @Override
        public String toString() {
            return "worker process " + process.pid() + (gpus.isEmpty() ? "" : " (CUDA_VISIBLE_DEVICES=" + gpus + ")");
        }
    }

    /** An actor living in a worker process: the instance a call's target names. */
    public static final class RemoteActor {
        public final ProcessWorker process;
        public final long actorId;

        public RemoteActor(final ProcessWorker process, final long actorId) {
            this.process = process;
            this.actorId = actorId;
        }
    }
}
