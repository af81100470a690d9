package io.kairos.internal.worker;

import io.kairos.exception.KairosException;
import io.kairos.exception.KernelClosedException;
import io.kairos.exception.WorkerDiedException;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The kernel's worker processes: JVMs running {@link WorkerProcessMain} that run isolated tasks and host isolated
 * actors. A pool keeps idle processes by the GPUs they see ({@code CUDA_VISIBLE_DEVICES} is set when a process starts,
 * so a task given GPUs 0 and 1 runs in a process started with "0,1"); {@code prestart} processes without GPUs are
 * started with the kernel, ahead of demand, and a process goes back to the pool after each task.
 *
 * <p>Actors: with one actor per process (the default, as Ray starts a worker per actor) an actor keeps its process to
 * itself and the process ends with it. With {@code actorsPerProcess} above one, a process hosts up to that many actors
 * that see the same GPUs at once (their calls run at once, each actor's in order), and once the last of them is gone
 * it goes back to the pool, ready for the next actors or tasks: no JVM start per actor. The price is shared fate: a
 * process that dies (a crash, a force-cancelled call) takes every actor in it, and each restarts within its limits.
 *
 * <p>A process that dies (kill -9, System.exit, a native crash) is noticed by the calls waiting on it, which get a
 * {@link WorkerDiedException} saying how; the process is dropped and a new one started on demand.
 * Thread-safety: any thread.
 */
public final class WorkerProcesses implements AutoCloseable {
    private final List<String> command;
    private final Map<String, String> environment;
    /** What its processes are called in errors. */
    private final String what;
    /** What a Python worker is called in messages (and how a process tells it is one). */
    static final String PYTHON_WORKER = "Python worker";
    private final String storeName;
    private final long inlineThreshold;
    private final java.util.function.Supplier<PythonLaunch> pythonLaunch;
    /** The Python workers' pool, once used; guarded by this. */
    private WorkerProcesses python;
    /** Where a worker JVM that crashes writes its report (HotSpot's -XX:ErrorFile; %p: its pid). */
    private final String crashReports;
    private final Map<String, ConcurrentLinkedDeque<ProcessWorker>> idle = new ConcurrentHashMap<>();
    private final Set<ProcessWorker> all = ConcurrentHashMap.newKeySet();
    private final ObjectExports exports = new ObjectExports();
    private final int actorsPerProcess;
    /** Processes hosting actors with room for more (only with several actors per process); guarded by itself. */
    private final List<ProcessWorker> hosting = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param storeName        the kernel's store (null for none), which the processes attach
     * @param inlineThreshold  a result at least this large goes into the store
     * @param classpath        the processes' class path
     * @param jvmOptions       more options for their JVMs
     * @param prestart         processes started now, ahead of demand
     * @param actorsPerProcess how many actors a process hosts at once (at least 1)
     */
    public WorkerProcesses(final String storeName, final long inlineThreshold, final String classpath,
                           final List<String> jvmOptions, final int prestart, final int actorsPerProcess) {
        this(storeName, inlineThreshold, classpath, jvmOptions, prestart, actorsPerProcess, null);
    }

    /**
     * As the other constructor, with the settings of the kernel's Python workers ({@link #python()}).
     *
     * @param python how Python workers start, asked on their first use (finding the package may extract it), or
     *               null where they cannot
     */
    public WorkerProcesses(final String storeName, final long inlineThreshold, final String classpath,
                           final List<String> jvmOptions, final int prestart, final int actorsPerProcess,
                           final java.util.function.Supplier<PythonLaunch> python) {
        if (actorsPerProcess < 1) {
            throw new IllegalArgumentException("actorsPerProcess must be at least 1, not " + actorsPerProcess);
        }
        this.actorsPerProcess = actorsPerProcess;
        this.storeName = storeName;
        this.inlineThreshold = inlineThreshold;
        this.pythonLaunch = python;
        this.environment = Map.of();
        this.what = "worker process";
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
        String reports = System.getProperty("user.dir") + File.separator + "hs_err_pid%p.log";  // HotSpot's default
        for (final String option : c) {
            if (option.startsWith("-XX:ErrorFile=")) {
                reports = option.substring("-XX:ErrorFile=".length());
            }
        }
        this.crashReports = reports;
        for (int i = 0; i < prestart; i++) {
            pool("").add(start(""));
        }
    }

    /** The pool of Python workers ({@code python -m kairos.worker}): same store, same hosting of actors. */
    private WorkerProcesses(final WorkerProcesses kernel, final PythonLaunch python) {
        this.actorsPerProcess = kernel.actorsPerProcess;
        this.storeName = kernel.storeName;
        this.inlineThreshold = kernel.inlineThreshold;
        this.pythonLaunch = null;
        this.what = PYTHON_WORKER;
        this.command = List.of(python.executable(), "-m", "kairos.worker",
            storeName == null ? "-" : storeName, Long.toString(inlineThreshold));
        final Map<String, String> env = new java.util.HashMap<>();
        final String inherited = System.getenv("PYTHONPATH");
        final String path = python.pythonPath().isEmpty() ? inherited
            : inherited == null || inherited.isEmpty() ? python.pythonPath()
            : python.pythonPath() + File.pathSeparator + inherited;
        if (path != null) {
            env.put("PYTHONPATH", path);
        }
        if (python.nativeLibrary() != null) {
            env.put("KAIROS_NATIVE_LIB", python.nativeLibrary());
        }
        if (storeName != null) {
            env.put("KAIROS_STORE", storeName);
        }
        this.environment = Map.copyOf(env);
        this.crashReports = "";
    }

    /** How Python workers start: the interpreter, the directories they import from, the store's library. */
    public record PythonLaunch(String executable, String pythonPath, String nativeLibrary) {
    }

    /**
     * The kernel's Python workers, a pool of their own (started on first use).
     *
     * @throws KernelClosedException if the kernel is closed
     * @throws IllegalStateException if this pool cannot start Python workers
     */
    public synchronized WorkerProcesses python() {
        if (closed) {
            throw new KernelClosedException("the kernel is closed: no Python worker");
        }
        if (python == null) {
            if (pythonLaunch == null) {
                throw new IllegalStateException("this kernel has no Python worker settings");
            }
            python = new WorkerProcesses(this, pythonLaunch.get());
        }
        return python;
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

    /**
     * A process for one more actor that sees these GPUs: one hosting fewer than the limit, else an idle or new one.
     * The actor leaves it with {@link #actorGone}.
     */
    public ProcessWorker hostActor(final String gpus) {
        synchronized (hosting) {  // actors restarted together share a process too
            if (actorsPerProcess > 1) {
                for (final ProcessWorker worker : hosting) {
                    if (worker.actors < actorsPerProcess && worker.gpus.equals(gpus) && worker.process.isAlive()) {
                        worker.actors++;
                        return worker;
                    }
                }
            }
            final ProcessWorker worker = borrow(gpus);  // a JVM start does not wait for the JVM
            worker.actors = 1;
            if (actorsPerProcess > 1) {
                hosting.add(worker);
            }
            return worker;
        }
    }

    /**
     * An actor hosted in the process is gone (killed, dead, or its constructor failed). With one actor per process the
     * process ends; else it forgets the actor and, hosting none now, goes back to the pool (a dead one is dropped).
     */
    public void actorGone(final ProcessWorker worker, final long actorId) {
        if (actorsPerProcess == 1 || !worker.process.isAlive()) {
            synchronized (hosting) {
                hosting.remove(worker);
            }
            discard(worker);
            return;
        }
        worker.tell(WorkerProtocol.DROP_ACTOR, actorId, 0);
        synchronized (hosting) {
            if (--worker.actors > 0) {
                return;
            }
            hosting.remove(worker);
        }
        giveBack(worker);
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
        if (actorsPerProcess > 1) {
            synchronized (hosting) {
                hosting.remove(worker);
            }
        }
        worker.close();
    }

    /** The pids of the live processes, for tooling and tests. */
    public List<Long> pids() {
        final List<Long> pids = new ArrayList<>();
        for (final ProcessWorker worker : all) {
            pids.add(worker.process.pid());
        }
        synchronized (this) {
            if (python != null) {
                pids.addAll(python.pids());
            }
        }
        return pids;
    }

    private ProcessWorker start(final String gpus) {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        if (!gpus.isEmpty()) {
            builder.environment().put("CUDA_VISIBLE_DEVICES", gpus);
        }
        try {
            final ProcessWorker worker = new ProcessWorker(builder.start(), gpus, crashReports, what);
            all.add(worker);
            return worker;
        } catch (final IOException e) {
            throw new KairosException("cannot start a " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (python != null) {
                python.close();
            }
        }
        exports.close();
        for (final ProcessWorker worker : all) {
            worker.close();
        }
        all.clear();
        idle.clear();
        synchronized (hosting) {
            hosting.clear();
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
