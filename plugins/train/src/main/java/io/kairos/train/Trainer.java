package io.kairos.train;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.PythonActor;
import io.kairos.WaitResult;
import io.kairos.data.Dataset;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Runs a training loop on a gang of workers (Ray Train's job): one placement group of N bundles reserved all or
 * nothing, a worker actor in each, told its rank and the rendezvous ({@link TrainContext}), with an all-reduce, a
 * barrier and reports through the group's coordinator (an object of this JVM: the workers are actors of this
 * kernel); when a worker fails (an exception, its actor or node lost)
 * the whole group stops, its bundles are freed, and a new group starts from the latest checkpoint, up to
 * {@link Builder#maxFailures} times.
 *
 * <pre>{@code
 * TrainResult r = Trainer.builder(kernel).workers(4).resourcesPerWorker(Map.of("CPU", 1.0))
 *     .jvm(MyLoop::train, config).checkpoints(Path.of("ckpt"), 3).maxFailures(2).run();
 * }</pre>
 */
public final class Trainer {
    private final Kernel kernel;
    private final int minWorkers;
    private final int maxWorkers;
    private final Map<String, Double> resources;
    private final PlacementStrategy strategy;
    private final TrainLoop loop;
    private final Serializable config;
    /** A Python loop ("module:function") instead of a JVM one, and its config. */
    private final String pythonLoop;
    private final Map<String, Object> pythonConfig;
    private final Path checkpointDir;
    private final int keep;
    private final int maxFailures;
    private final Duration startTimeout;
    private final Duration healthInterval;
    private final Duration healthTimeout;
    private final Map<String, Dataset<?>> datasets;
    private final boolean processes;
    private final java.util.function.Consumer<TrainEvent> events;
    /** Each dataset split in one part per worker, by group size, made when a group of that size first starts. */
    private final Map<Integer, Map<String, List<? extends Dataset<?>>>> shards = new HashMap<>();

    private Trainer(final Builder b) {
        this.kernel = b.kernel;
        this.minWorkers = b.minWorkers;
        this.maxWorkers = b.maxWorkers;
        this.resources = Map.copyOf(b.resources);
        this.strategy = b.strategy;
        this.loop = b.loop;
        this.config = b.config;
        this.pythonLoop = b.pythonLoop;
        this.pythonConfig = b.pythonConfig;
        this.checkpointDir = b.checkpointDir;
        this.keep = b.keep;
        this.maxFailures = b.maxFailures;
        this.startTimeout = b.startTimeout;
        this.healthInterval = b.healthInterval;
        this.healthTimeout = b.healthTimeout;
        this.datasets = Map.copyOf(b.datasets);
        this.processes = b.processes;
        this.events = b.events;
    }

    /** A trainer on kernel: set at least {@link Builder#jvm}. */
    public static Builder builder(final Kernel kernel) {
        return new Builder(Objects.requireNonNull(kernel, "kernel"));
    }

    /** A trainer's settings. */
    public static final class Builder {
        private final Kernel kernel;
        private int minWorkers = 1;
        private int maxWorkers = 1;
        private Map<String, Double> resources = Map.of("CPU", 1.0);
        private PlacementStrategy strategy = PlacementStrategy.PACK;
        private TrainLoop loop;
        private Serializable config;
        private String pythonLoop;
        private Map<String, Object> pythonConfig;
        private Path checkpointDir;
        private int keep = 3;
        private int maxFailures;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration healthInterval = Duration.ofSeconds(1);
        private Duration healthTimeout = Duration.ofMinutes(10);
        private final Map<String, Dataset<?>> datasets = new LinkedHashMap<>();
        private boolean processes;
        private java.util.function.Consumer<TrainEvent> events = event -> { };

        private Builder(final Kernel kernel) {
            this.kernel = kernel;
        }

        /** How many workers (default 1), at least 1. */
        public Builder workers(final int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workers must be at least 1, was " + n);
            }
            return workers(n, n);
        }

        /**
         * An elastic group: it starts with as many workers as fit (at least min, waiting up to the start timeout for
         * them), grows towards max when resources for more appear (looked for at each health-check interval), and
         * starts smaller when a worker or its node is lost; each resize is a new group from the latest checkpoint
         * (a resize is not a failure; a lost worker is).
         */
        public Builder workers(final int min, final int max) {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("workers(min, max) needs 1 <= min <= max, was " + min + ", " + max);
            }
            this.minWorkers = min;
            this.maxWorkers = max;
            return this;
        }

        /** What each worker holds, e.g. {@code Map.of("GPU", 1.0, "CPU", 4.0)} (default one CPU). */
        public Builder resourcesPerWorker(final Map<String, Double> amounts) {
            Objects.requireNonNull(amounts, "resourcesPerWorker");
            for (final Map.Entry<String, Double> e : amounts.entrySet()) {
                if (e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
                    throw new IllegalArgumentException("resourcesPerWorker: " + e.getKey() + " must be a finite "
                        + "amount >= 0, was " + e.getValue());
                }
            }
            this.resources = amounts;
            return this;
        }

        /** How the workers' bundles spread over nodes (default PACK). */
        public Builder strategy(final PlacementStrategy s) {
            this.strategy = Objects.requireNonNull(s, "strategy");
            return this;
        }

        /** The JVM training loop every worker runs, and its config (serializable, may be null). */
        public Builder jvm(final TrainLoop trainLoop, final Serializable trainConfig) {
            this.loop = Objects.requireNonNull(trainLoop, "loop");
            this.config = trainConfig;
            this.pythonLoop = null;
            return this;
        }

        /**
         * A Python training loop instead: {@code "module:function"}, called in each worker (a Python actor) with a
         * {@code kairos.train.TrainContext} once the rendezvous is in {@code os.environ}, so that
         * {@code torch.distributed.init_process_group(backend, init_method="env://")} finds its peers. The config (a map
         * of values Python and Java both hold) is the context's {@code config}. Needs the kernel's Python workers
         * ({@code KernelContext.python}); the module must be on their path.
         */
        public Builder python(final String function, final Map<String, ?> trainConfig) {
            Objects.requireNonNull(function, "function");
            if (!function.matches("[\\w.]+:[\\w.]+")) {
                throw new IllegalArgumentException("python: the loop must be named \"module:function\", was \""
                    + function + "\"");
            }
            this.pythonLoop = function;
            this.pythonConfig = trainConfig == null ? Map.of() : new LinkedHashMap<>(trainConfig);
            this.loop = null;
            return this;
        }

        /**
         * A dataset the workers read, each its own part ({@link TrainContext#shard}): split in one part per worker
         * of equal row counts when the first group starts ({@link Dataset#split}), the same parts after a restart.
         * The workers run in this JVM's kernel (the parts are its objects).
         */
        public Builder dataset(final String name, final Dataset<?> dataset) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("dataset: the name must not be empty");
            }
            datasets.put(name, Objects.requireNonNull(dataset, "dataset"));
            return this;
        }

        /**
         * Runs each worker in a JVM process of its own (an isolated actor; the job's classpath, as any worker
         * process), talking to the group's coordinator over a loopback socket: a worker's crash or {@code kill -9}
         * fails the group, which starts again from the latest checkpoint. Default false (threads of this JVM). The loop
         * and config must serialize; datasets are for in-process workers only, for now.
         */
        public Builder workerProcesses(final boolean inProcesses) {
            this.processes = inProcesses;
            return this;
        }

        /**
         * Where reported checkpoints are kept (a directory every worker's node can reach), the newest keep of them; a
         * run started on a directory that holds checkpoints resumes from the latest.
         */
        public Builder checkpoints(final Path dir, final int keepNewest) {
            if (keepNewest < 1) {
                throw new IllegalArgumentException("checkpoints: keep must be at least 1, was " + keepNewest);
            }
            this.checkpointDir = Objects.requireNonNull(dir, "checkpoint directory").toAbsolutePath();
            this.keep = keepNewest;
            return this;
        }

        /** How many group failures to recover from (default 0; -1: any number). */
        public Builder maxFailures(final int n) {
            if (n < -1) {
                throw new IllegalArgumentException("maxFailures must be -1 (forever) or more, was " + n);
            }
            this.maxFailures = n;
            return this;
        }

        /** How long the group may wait for its resources (default 60 s). */
        public Builder startTimeout(final Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("startTimeout must be a duration >= 0, was " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * How often the trainer looks for a hung worker (default every second), and how long a worker may go without
         * a collective, a report or a {@link TrainContext#heartbeat} before it counts as hung (default 10 minutes):
         * the group then fails as if the worker had thrown.
         */
        public Builder healthCheck(final Duration interval, final Duration timeout) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("healthCheck: interval must be > 0, was " + interval);
            }
            if (timeout == null || timeout.compareTo(interval) < 0) {
                throw new IllegalArgumentException("healthCheck: timeout must be at least the interval ("
                    + interval.toMillis() + " ms), was " + timeout);
            }
            this.healthInterval = interval;
            this.healthTimeout = timeout;
            return this;
        }

        /**
         * Hears the run's events as they happen: each group's start and failure, rank 0's reports, the end. Called on
         * the trainer's or the reporting worker's thread; an exception it throws is dropped.
         */
        public Builder onEvent(final java.util.function.Consumer<TrainEvent> listener) {
            this.events = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** {@link #run} on a thread of its own. */
        public java.util.concurrent.CompletableFuture<TrainResult> runAsync() {
            final java.util.concurrent.CompletableFuture<TrainResult> result = new java.util.concurrent.CompletableFuture<>();
            final Thread t = new Thread(() -> {
                try {
                    result.complete(run());
                } catch (final Throwable e) {
                    result.completeExceptionally(e);
                }
            }, "kairos-trainer");
            t.setDaemon(true);
            t.start();
            return result;
        }

        /**
         * Runs the training to its end.
         *
         * @throws TrainingFailedException if the group failed more than maxFailures times, or could not be placed
         */
        public TrainResult run() {
            if (loop == null && pythonLoop == null) {
                throw new IllegalStateException("no training loop: call jvm(loop, config) or python(name, config) "
                    + "before run()");
            }
            if ((processes || pythonLoop != null) && !datasets.isEmpty()) {
                throw new IllegalStateException("datasets " + datasets.keySet() + " are for in-process workers only "
                    + "for now: drop workerProcesses(true) or read the data in the loop");
            }
            return new Trainer(this).runAll();
        }
    }

    /** How a group ended: finished, failed, or stopped to start again with more workers. */
    private record Outcome(int size, Throwable failure, int growTo) {
    }

    private TrainResult runAll() {
        final List<Map<String, Double>> history = new ArrayList<>();
        final Checkpoints checkpoints = checkpointDir == null ? null : new Checkpoints(checkpointDir, keep);
        int failures = 0;
        int desired = Math.max(minWorkers, Math.min(maxWorkers, freeWorkers()));
        for (int group = 0; ; group++) {
            final Outcome outcome = runGroup(desired, group, checkpoints, history);
            final int size = outcome.size();
            if (outcome.growTo() > 0) {
                desired = outcome.growTo();  // resources for more workers appeared: a bigger group from the checkpoint
                continue;
            }
            desired = size;  // after a failure: as many again if they fit, else fewer (down to min)
            final Throwable failure = outcome.failure();
            if (failure == null) {
                emit(new TrainEvent(TrainEvent.Kind.FINISHED, group, size, null, null));
                return new TrainResult(history, checkpoints == null ? Optional.empty() : checkpoints.latest(),
                    failures);
            }
            emit(new TrainEvent(TrainEvent.Kind.GROUP_FAILED, group, size, null, failure));
            failures++;
            if (maxFailures != -1 && failures > maxFailures) {
                throw new TrainingFailedException("the training group of " + size + " worker(s) failed "
                    + failures + " time(s), more than maxFailures (" + maxFailures + "): " + failure, failure);
            }
        }
    }

    /**
     * How many more workers' bundles the nodes have free now (each node's free amount of every resource a worker
     * needs, divided by the need, the least of them, summed over nodes); the maximum when workers need nothing.
     */
    private int freeWorkers() {
        if (minWorkers == maxWorkers) {
            return maxWorkers;
        }
        long free = 0;
        for (final io.kairos.NodeInfo node : kernel.resources()) {
            long fit = Long.MAX_VALUE;
            for (final Map.Entry<String, Double> need : resources.entrySet()) {
                if (need.getValue() > 0) {
                    fit = Math.min(fit, (long) Math.floor(node.available().getOrDefault(need.getKey(), 0.0)
                        / need.getValue() + 1e-9));
                }
            }
            free += fit == Long.MAX_VALUE ? maxWorkers : Math.max(0, fit);
        }
        return (int) Math.min(Integer.MAX_VALUE, free);
    }

    /** One group of up to desired workers from start to end: finished, its first worker failure, or grown. */
    private Outcome runGroup(final int desired, final int restarts, final Checkpoints checkpoints,
                             final List<Map<String, Double>> history) {
        final PlacementGroup group = place(desired);
        final int workers = group.bundleCount();
        final List<ActorHandle<?>> members = new ArrayList<>(workers);
        final Coordinator coordinator = new Coordinator(workers, checkpoints,
            metrics -> emit(new TrainEvent(TrainEvent.Kind.REPORTED, restarts, workers, metrics, null)));
        GroupServer server = null;
        try {
            server = new GroupServer(coordinator);  // for the workers not in this JVM
            final Map<String, Double> held = new HashMap<>();  // its bundle, all of it
            resources.forEach((name, amount) -> {
                if (amount > 0) {
                    held.put(name, amount);
                }
            });
            for (int i = 0; i < workers; i++) {
                members.add(pythonLoop != null
                    ? kernel.pyActor("kairos.train:TrainWorker").setPlacementGroup(group, i).setResources(held).remote()
                    : kernel.actor(TrainWorker::new).setPlacementGroup(group, i).setResources(held)
                        .setIsolated(processes).remote());
            }
            final List<TrainContext.Setup> setups = rendezvous(members, restarts,
                checkpoints == null ? "" : checkpoints.latest().map(Path::toString).orElse(""), server);
            final Map<String, List<? extends Dataset<?>>> split = shards.computeIfAbsent(workers, n -> {
                final Map<String, List<? extends Dataset<?>>> parts = new LinkedHashMap<>();
                datasets.forEach((name, ds) -> parts.put(name, ds.split(n)));
                return parts;
            });
            emit(new TrainEvent(TrainEvent.Kind.GROUP_STARTED, restarts, workers, null, null));
            final java.util.Set<String> here = new java.util.HashSet<>();  // this kernel's nodes (not other members')
            kernel.resources().forEach(n -> here.add(n.nodeId()));
            final List<ObjectRef<Boolean>> runs = new ArrayList<>(workers);
            for (int i = 0; i < workers; i++) {
                final boolean inJvm = !processes && here.contains(setups.get(i).nodeId());
                if (!inJvm && !datasets.isEmpty()) {
                    throw new IllegalStateException("rank " + setups.get(i).rank() + " runs on node '"
                        + setups.get(i).nodeId() + "', outside this JVM: datasets " + datasets.keySet() + " are for "
                        + "workers in this JVM only, for now");
                }
                final Map<String, Dataset<?>> mine = new HashMap<>();
                final int rank = setups.get(i).rank();
                split.forEach((name, parts) -> mine.put(name, parts.get(rank)));
                runs.add(pythonLoop != null
                    ? booleanRef(python(members.get(i)).task("run", pythonLoop, pythonSetup(setups.get(i))).remote())
                    : jvm(members.get(i)).task(TrainWorker::run, loop, setups.get(i), inJvm ? coordinator : null,
                        inJvm ? mine : null).remote());
            }
            return await(runs, coordinator, workers);
        } catch (final RuntimeException | java.io.IOException e) {
            return new Outcome(workers, e, 0);
        } finally {
            coordinator.abort("the group ended");  // no rank waits on in it after this
            if (server != null) {
                server.close();
            }
            history.addAll(coordinator.drain());
            for (final ActorHandle<?> m : members) {
                kernel.kill(m, true);
            }
            kernel.removePlacementGroup(group);
        }
    }

    private void emit(final TrainEvent event) {
        try {
            events.accept(event);
        } catch (final RuntimeException e) {
            // the listener's own failure is not the run's
        }
    }

    /**
     * The group's placement group: desired bundles, or for an elastic group fewer down to min, each size but the
     * last given {@link #PROBE} to be placed (resources a group just freed come back within it), min the start timeout.
     */
    private PlacementGroup place(final int desired) {
        for (int workers = desired; ; workers--) {
            final boolean last = workers <= minWorkers;
            final Duration wait = last ? startTimeout : PROBE.compareTo(startTimeout) < 0 ? PROBE : startTimeout;
            final PlacementGroup group;
            try {
                group = kernel.createPlacementGroup(Collections.nCopies(workers, resources), strategy);
                if (group.ready(wait)) {
                    return group;
                }
            } catch (final RuntimeException e) {
                if (!last) {
                    continue;  // e.g. STRICT_SPREAD over fewer nodes than bundles: fewer workers may do
                }
                throw new TrainingFailedException("the training group of " + workers + " worker(s) of " + resources
                    + " (" + strategy + ") cannot be placed: " + e.getMessage(), e);
            }
            kernel.removePlacementGroup(group);
            if (last) {
                throw new TrainingFailedException("the training group of " + workers + " worker(s) of " + resources
                    + " (" + strategy + ") was not placed within " + startTimeout.toMillis() + " ms: the cluster has "
                    + "not that much free now (nodes: " + kernel.resources() + ")", null);
            }
        }
    }

    /** How long an elastic group waits for a size above its minimum before it tries one worker fewer. */
    static final Duration PROBE = Duration.ofSeconds(1);

    /**
     * Ranks by node (rank 0's node first, consecutive ranks on a node, nodes in the order their first bundle
     * comes), each node's GPUs as the union of its workers', and rank 0's address and a free port on its host.
     */
    private List<TrainContext.Setup> rendezvous(final List<ActorHandle<?>> members, final int restarts,
                                                final String checkpoint, final GroupServer server) {
        final List<TrainWorker.Placement> placements = placements(members);
        final Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < placements.size(); i++) {
            byNode.computeIfAbsent(placements.get(i).nodeId(), n -> new ArrayList<>()).add(i);
        }
        final int[] rankOf = new int[members.size()];
        final Map<String, String> devices = new HashMap<>();
        int rank = 0;
        for (final Map.Entry<String, List<Integer>> node : byNode.entrySet()) {
            final TreeSet<Integer> gpus = new TreeSet<>();
            for (final int i : node.getValue()) {
                rankOf[i] = rank++;
                for (final int g : placements.get(i).gpus()) {
                    gpus.add(g);
                }
            }
            devices.put(node.getKey(), String.join(",", gpus.stream().map(String::valueOf).toList()));
        }
        int first = 0;
        while (rankOf[first] != 0) {
            first++;
        }
        final String master = pythonLoop != null
            ? (String) python(members.get(first)).task("free_port", byNode.size() == 1).remote().get(startTimeout)
            : jvm(members.get(first)).task(TrainWorker::freePort, byNode.size() == 1).remote().get(startTimeout);
        final int colon = master.lastIndexOf(':');
        final List<String> nodes = new ArrayList<>(byNode.keySet());
        final List<TrainContext.Setup> setups = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            final String node = placements.get(i).nodeId();
            final List<Integer> local = byNode.get(node);
            setups.add(new TrainContext.Setup(rankOf[i], local.indexOf(i), members.size(), local.size(),
                nodes.indexOf(node), node, master.substring(0, colon), Integer.parseInt(master.substring(colon + 1)),
                devices.get(node), config, checkpoint, restarts, server == null ? "" : server.address(),
                server == null ? 0 : server.token()));
        }
        return setups;
    }

    /** Where each worker landed: its node, and its GPUs (a Python worker's from its CUDA_VISIBLE_DEVICES). */
    private List<TrainWorker.Placement> placements(final List<ActorHandle<?>> members) {
        if (pythonLoop == null) {
            final List<ObjectRef<TrainWorker.Placement>> asks = new ArrayList<>(members.size());
            for (final ActorHandle<?> m : members) {
                asks.add(jvm(m).task(TrainWorker::where).remote());
            }
            return kernel.get(asks, startTimeout);
        }
        final List<ObjectRef<Object>> asks = new ArrayList<>(members.size());
        for (final ActorHandle<?> m : members) {
            asks.add(python(m).task("where").remote());
        }
        final List<Object> gpus = kernel.get(asks, startTimeout);
        final List<TrainWorker.Placement> placements = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            final String list = String.valueOf(gpus.get(i)).trim();
            placements.add(new TrainWorker.Placement(members.get(i).nodeId(), list.isEmpty() ? new int[0]
                : java.util.Arrays.stream(list.split(",")).mapToInt(g -> Integer.parseInt(g.trim())).toArray()));
        }
        return placements;
    }

    /** A Python worker's place in the group, as kairos.train.TrainWorker.run reads it. */
    private Map<String, Object> pythonSetup(final TrainContext.Setup s) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("rank", s.rank());
        m.put("local_rank", s.localRank());
        m.put("world_size", s.worldSize());
        m.put("local_world_size", s.localWorldSize());
        m.put("node_rank", s.nodeRank());
        m.put("node_id", s.nodeId());
        m.put("master_addr", s.masterAddr());
        m.put("master_port", s.masterPort());
        m.put("cuda_visible_devices", s.cudaVisibleDevices());
        m.put("config", pythonConfig);
        m.put("checkpoint", s.checkpoint());
        m.put("restarts", s.restarts());
        m.put("group_address", s.groupAddress());
        m.put("group_token", s.groupToken());
        return m;
    }

    /** A Python worker's run: it returns True. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ObjectRef<Boolean> booleanRef(final ObjectRef<Object> ref) {
        return (ObjectRef) ref;
    }

    @SuppressWarnings("unchecked")
    private static ActorHandle<TrainWorker> jvm(final ActorHandle<?> member) {
        return (ActorHandle<TrainWorker>) member;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ActorHandle<PythonActor> python(final ActorHandle<?> member) {
        return (ActorHandle) member;
    }

    /**
     * Waits for every worker; at the first failure, or a worker silent past the health timeout, the rest are released
     * (the coordinator aborts) and it returns the failure.
     */
    private Outcome await(final List<ObjectRef<Boolean>> runs, final Coordinator coordinator, final int workers) {
        final List<ObjectRef<Boolean>> pending = new ArrayList<>(runs);
        while (!pending.isEmpty()) {
            final WaitResult<Boolean> done = kernel.wait(pending, 1, healthInterval);
            if (done.ready().isEmpty()) {
                final int hung = coordinator.silent(healthTimeout.toNanos());
                if (hung >= 0) {
                    final String why = "rank " + hung + " was silent for over " + healthTimeout.toMillis()
                        + " ms (no allReduce, barrier, report or heartbeat): taken as hung";
                    coordinator.abort(why);
                    return new Outcome(workers, new TrainingFailedException(why, null), 0);
                }
                final int more = workers < maxWorkers && pending.size() == runs.size() ? freeWorkers() : 0;
                if (more > 0) {
                    coordinator.abort("the group grows from " + workers + " to " + Math.min(maxWorkers,
                        workers + more) + " workers");
                    return new Outcome(workers, null, Math.min(maxWorkers, workers + more));
                }
            }
            for (final ObjectRef<Boolean> ref : done.ready()) {
                pending.remove(ref);
                try {
                    ref.get();
                } catch (final RuntimeException e) {
                    coordinator.abort("rank " + runs.indexOf(ref) + " failed: " + e);
                    return new Outcome(workers, e, 0);
                }
            }
        }
        return new Outcome(workers, null, 0);
    }
}
