package io.kairos.internal.worker;

import io.kairos.exception.WorkerDiedException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker process and its pipes, multiplexed ({@link WorkerProtocol}): each request opens a {@link Call} on a
 * channel of its own. The calls waiting for an answer take turns reading the process's stdout (leader and
 * followers): the one that holds it reads frames, hands each one that is another call's to that call, and returns
 * with its own, waking the others so one of them reads on. A call whose answer comes while it reads needs no thread
 * hand-off; calls of several actors hosted in one process run at once, and a call that blocks (on a get, on another
 * actor) holds no pipe. Thread-safety: any thread; writes are serialized here.
 */
public final class ProcessWorker {
    private static final byte[] DEAD = new byte[0];
    /** Put in a waiting call's frames when the pipe is free: it tries to read. */
    private static final byte[] WAKE = new byte[0];

    public final Process process;
    public final String gpus;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong channels = new AtomicLong();
    /** The reader of the process's stdout, one call at a time. */
    private final ReentrantLock reading = new ReentrantLock();
    /** Actors hosted here now; guarded by {@link WorkerProcesses}. */
    int actors;
    private volatile boolean ready;
    private volatile IOException broken;
    /** What it is called in errors: "worker process", "Python worker". */
    private final String what;
    /** Where its JVM writes a crash report (%p: its pid). */
    private final String crashReports;

    ProcessWorker(final Process process, final String gpus, final String crashReports) {
        this(process, gpus, crashReports, "worker process");
    }

    ProcessWorker(final Process process, final String gpus, final String crashReports, final String what) {
        this.what = what;
        this.process = process;
        this.gpus = gpus;
        this.crashReports = crashReports;
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /** Reads the process's hello (once), holding the pipe. */
    private void awaitReady() throws IOException {
        if (ready) {
            return;
        }
        reading.lock();
        try {
            if (!ready) {
                final int magic = in.readInt();
                final long pid = in.readLong();
                if (magic != WorkerProtocol.MAGIC || pid != process.pid()) {
                    throw new IOException("worker process " + process.pid() + " said " + Integer.toHexString(magic)
                        + " / pid " + pid + " instead of hello");
                }
                ready = true;
            }
        } catch (final IOException e) {
            gone(e);
            throw broken;
        } finally {
            reading.unlock();
            wakeWaiters(null);
        }
    }

    /** The pipe broke: every call waiting hears it. */
    private void gone(final IOException e) {
        if (broken == null) {
            broken = e instanceof java.io.EOFException ? new IOException("its stdout closed", e) : e;
        }
        for (final Call call : calls.values()) {
            call.frames.add(DEAD);
        }
    }

    /** The pipe is free: every other waiting call tries to take it (one does, the others wait again). */
    private void wakeWaiters(final Call except) {
        for (final Call call : calls.values()) {
            if (call != except) {
                call.frames.add(WAKE);
            }
        }
    }

    /**
     * Opens a call on a fresh channel, once the process has said hello.
     *
     * @throws IOException if the process is gone
     */
    public Call open() throws IOException {
        awaitReady();
        final Call call = new Call(channels.incrementAndGet());
        calls.put(call.channel, call);
        if (broken != null) {  // the reader ended before it could tell this call
            calls.remove(call.channel);
            throw broken;
        }
        return call;
    }

    /** Sends a frame on a channel. */
    void write(final long channel, final byte[] payload, final int length) throws IOException {
        final IOException gone = broken;
        if (gone != null) {
            throw gone;
        }
        synchronized (out) {
            out.writeLong(channel);
            out.writeInt(length);
            out.write(payload, 0, length);
            out.flush();
        }
    }

    /**
     * Tells the process something that needs no answer (channel 0): a result pin it may drop, an actor it may forget.
     * Quietly nothing if the process is gone.
     */
    public void tell(final int op, final long a, final long b) {
        final byte[] frame = new byte[20];
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(frame);
        buffer.putInt(op).putLong(a).putLong(b);
        try {
            write(0, frame, frame.length);
        } catch (final IOException e) {
            // gone: what it held goes with it
        }
    }

    /** Why the process is gone: how it ended, as far as the OS says within a second. */
    public WorkerDiedException died(final Throwable cause) {
        String how;
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                final int code = process.exitValue();
                how = code > 128 ? "killed by signal " + (code - 128) + signalName(code - 128)
                    + " (exit code " + code + ")" + crashReport() : "exited with code " + code;
            } else {
                how = "its pipe broke (" + cause + ") and it is still running";
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            how = "its pipe broke (" + cause + ")";
        }
        final String early = ready ? "" : "; it ended before its hello, so it could not start: its stderr says why"
            + (isPython() ? " (does the interpreter import the kairos package and NumPy?)" : "");
        return new WorkerDiedException(what + " " + process.pid() + " died: " + how + early, cause);
    }

    /**
     * What the JVM's crash report says killed it (a native crash: HotSpot writes the report, then aborts, so the exit
     * status alone says SIGABRT whatever the fault was), and where the report is; empty if it wrote none.
     */
    private String crashReport() {
        final String pid = Long.toString(process.pid());
        for (final String where : new String[] {crashReports.replace("%p", pid),
            System.getProperty("java.io.tmpdir") + java.io.File.separator + "hs_err_pid" + pid + ".log"}) {
            final java.nio.file.Path report = java.nio.file.Path.of(where);
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(report)) {
                final String fault = lines.limit(20).filter(l -> l.startsWith("#  SIG") || l.startsWith("#  EXCEPTION"))
                    .findFirst().map(l -> l.substring(3).replaceFirst(", pid=.*", "")).orElse("a fatal error");
                return "; its JVM reported " + fault + " in " + report.toAbsolutePath();
            } catch (final IOException | RuntimeException e) {
                // no report there
            }
        }
        return "";
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
            synchronized (out) {
                out.close();  // EOF on its stdin: it exits by itself
            }
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
        return what + " " + process.pid() + (gpus.isEmpty() ? "" : " (CUDA_VISIBLE_DEVICES=" + gpus + ")");
    }

    /** Whether this is a Python worker (else a worker JVM). */
    public boolean isPython() {
        return WorkerProcesses.PYTHON_WORKER.equals(what);
    }

    /** One request and its frames: the request, the process's gets and their answers, the reply. */
    public final class Call implements AutoCloseable {
        final long channel;
        final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

        Call(final long channel) {
            this.channel = channel;
        }

        /** Sends a frame of this call (the request, or the answer to a get). */
        public void send(final byte[] payload, final int length) throws IOException {
            write(channel, payload, length);
        }

        /**
         * The process's next frame on this call, waiting as long as it takes: an interrupt does not end the wait (a
         * cancel ends the process instead), it is kept for the caller.
         *
         * @throws IOException if the process is gone
         */
        public DataInputStream next() throws IOException {
            boolean interrupted = false;
            try {
                while (true) {
                    byte[] frame = frames.poll();
                    if (frame == null) {
                        if (reading.tryLock()) {
                            frame = readOwn();
                        } else {
                            try {
                                frame = frames.take();
                            } catch (final InterruptedException e) {
                                interrupted = true;
                                continue;
                            }
                        }
                    }
                    if (frame == WAKE) {
                        continue;
                    }
                    if (frame == DEAD) {
                        frames.add(DEAD);
                        throw broken != null ? broken : new IOException("its pipe closed");
                    }
                    return new DataInputStream(new ByteArrayInputStream(frame));
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Holding the pipe: reads until this call's frame comes, handing the others' to them; then lets go. */
        private byte[] readOwn() throws IOException {
            try {
                byte[] frame = frames.poll();  // it may have come while this call took the pipe
                while (frame == null) {
                    if (broken != null) {
                        return DEAD;
                    }
                    final long from = in.readLong();
                    final byte[] read = WorkerProtocol.readBytes(in);
                    if (from == channel) {
                        frame = read;
                    } else {
                        final Call other = calls.get(from);
                        if (other != null) {
                            other.frames.add(read);
                        }  // else a call abandoned meanwhile: its frame is dropped
                    }
                }
                return frame;
            } catch (final IOException e) {
                gone(e);
                return DEAD;
            } finally {
                reading.unlock();
                wakeWaiters(this);
            }
        }

        @Override
        public void close() {
            calls.remove(channel);
        }
    }
}
