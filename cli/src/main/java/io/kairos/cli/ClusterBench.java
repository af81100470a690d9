package io.kairos.cli;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.SuitePlan;
import io.kairos.bench.plan.Cluster;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.store.SharedObjectStore;
import org.HdrHistogram.Histogram;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The cluster section of {@code kairos bench} ({@link SuitePlan.Cluster}): a real cluster on loopback, every member
 * a process of its own (3 control store members and the nodes, started as {@code kairos cluster up} and
 * {@code kairos node} start them), the driver in this JVM offering no CPU, so that its tasks run on the nodes; the
 * raw peers (TCP, Aeron) between this JVM and a process of their own ({@link BenchPeerCommand}). Only the phases
 * whose figures the suite selected run. Every process it starts is stopped when it closes (and by a shutdown hook,
 * should this JVM be interrupted), and crashed nodes' shared-memory segments are removed.
 */
final class ClusterBench implements AutoCloseable {
    /** The control store's node timeout in the recovery trials (and the heartbeat of the killed node). */
    static final long NODE_TIMEOUT_MS = 2_000;
    static final long VICTIM_HEARTBEAT_MS = 200;
    private static final int PHASES = 7;
    /**
     * CPUs each node offers (a diagnostic: the driver's view of a node loses a CPU per forward and gets it back only
     * from the node's next report, so more CPUs hide the wait for the 100 ms periodic report).
     */
    static final String NODE_CPUS_PROP = "kairos.bench.cluster.nodeCpus";

    /** What the section measured: figure readings (ns, GB/s, ops/s, s), latency histograms (ns), failures. */
    record Result(Map<String, Double> readings, Map<String, Histogram> histograms, List<String> failures) {
    }

    /** How long each phase runs. */
    record Timing(long warmupMs, long measureMs, int maxSamples, int tasks, int trials, int repeatScale) {
        static Timing of(final boolean longRun, final boolean smoke) {
            if (smoke) {
                return new Timing(100, 200, 200, 200, 1, 0);
            }
            return longRun ? new Timing(5_000, 10_000, 1_000_000, 100_000, 5, 3)
                : new Timing(2_000, 3_000, 300_000, 20_000, 3, 1);
        }
    }

    private final List<Figure> selected;
    private final Timing timing;
    private final PrintStream log;
    private final Map<String, Double> readings = new LinkedHashMap<>();
    private final Map<String, Histogram> histograms = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "kairos-bench-cluster-cleanup");
    private Path dir;
    private LocalCluster cluster;
    private ClusterSecret secret;
    private Kernel driver;
    private ClusterPeers peers;
    private int nodes;

    private ClusterBench(final SuitePlan suite, final Timing timing, final PrintStream log) {
        this.selected = List.copyOf(suite.plan.measured);
        this.timing = timing;
        this.log = log;
    }

    /** How many progress lines {@link #run} adds. */
    static int phases() {
        return PHASES;
    }

    /** Runs the selected phases of the suite's cluster section, one progress line each. */
    static Result run(final SuitePlan suite, final boolean longRun, final boolean smoke, final BenchProgress progress) {
        try (ClusterBench bench = new ClusterBench(suite, Timing.of(longRun, smoke), progress.out())) {
            bench.runPhases(progress);
            return new Result(bench.readings, bench.histograms, bench.failures);
        }
    }

    private boolean wants(final String prefix) {
        return selected.stream().anyMatch(f -> f.key().startsWith(prefix));
    }

    private interface Phase {
        String run() throws Exception;
    }

    private void runPhases(final BenchProgress progress) {
        Runtime.getRuntime().addShutdownHook(hook);
        final boolean up = phase(progress, "cluster: 3 control store members (Raft) and a node, each a process",
            true, this::start);
        phase(progress, "cluster: task round trip on another node", up && wants(Cluster.RTT_KAIROS),
            this::roundTrip);
        phase(progress, "cluster: round-trip peers (TCP echo, Aeron UDP ping-pong x2), another process",
            wants(Cluster.RTT_TCP) || wants(Cluster.RTT_AERON), this::roundTripPeers);
        phase(progress, "cluster: object transfer node to driver, and a TCP socket copy",
            wants(Cluster.PREFIX + "transfer."), () -> transfer(up));
        phase(progress, "cluster: tasks/s across 3 nodes", up && wants(Cluster.TASKS_3_NODES), this::tasks);
        phase(progress, "cluster: control store ops/s through Raft", up && wants(Cluster.PREFIX + "control."),
            this::controlStore);
        phase(progress, "cluster: recovery after kill -9 of a node", up && wants(Cluster.RECOVERY), this::recovery);
    }

    private boolean phase(final BenchProgress progress, final String label, final boolean run, final Phase phase) {
        progress.begin(label);
        if (!run) {
            progress.end("skipped");
            return false;
        }
        try {
            progress.end(phase.run());
            return true;
        } catch (final Exception | AssertionError e) {
            progress.end("FAILED");
            log.println("    " + e);
            failures.add(label + ": " + e);
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // the cluster

    private String start() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("kairos-bench-cluster-");
        final PrintStream out = System.out;
        final int exit;
        System.setOut(log);  // cluster up's lines go with the progress, not into the table on stdout
        try {
            exit = KairosCli.commandLine().execute("cluster", "up", "--nodes", "1", "--control-members", "3",
                "--cpus", nodeCpus(), "--store-bytes", Long.toString(storeBytes()), "--node-timeout-ms",
                Long.toString(NODE_TIMEOUT_MS), "--cluster-dir", dir.toString(), "--timeout-s", "120");
        } finally {
            System.setOut(out);
        }
        if (Files.exists(dir.resolve(LocalCluster.FILE))) {
            cluster = LocalCluster.read(dir);
        }
        if (exit != 0) {
            throw new IllegalStateException("kairos cluster up exited with " + exit + "; logs in " + dir);
        }
        nodes = 1;
        secret = ClusterSecret.load(cluster.secretFile());
        driver = Kernel.start(new KernelContext()
            .node("bench-driver", Map.of("CPU", 0.0), Map.of())
            .objectStoreBytes(driverStoreBytes())
            .cluster(new AeronClusterTransport(new AeronClusterTransport.Settings(ingress(), "localhost", 0,
                dir.resolve("driver-aeron"), 200, 10_000, secret))));
        if (driver.objectStorePrefault().isPresent()) {
            // its store's pages made resident before any row (a GiB or more with --long: seconds of a core, in the
            // background, which the round trip and the transfers would otherwise share the machine with)
            driver.objectStorePrefault().get().await(Duration.ofSeconds(60));
        }
        return "up (node timeout " + NODE_TIMEOUT_MS + " ms)";
    }

    private static String nodeCpus() {
        return System.getProperty(NODE_CPUS_PROP, "2");
    }

    /** The nodes' stores: room for the largest object twice over (a node frees its copy once the driver has it). */
    private long storeBytes() {
        return 2 * sizes().stream().max(Long::compare).orElse(Cluster.SIZES.get(0)) + (64L << 20);
    }

    /**
     * The driver's store: room for a few objects of the largest size. The driver frees each result once it has read
     * it ({@code ObjectRef.free}); left to the garbage collector, the store would fill with results not collected yet
     * and the row would time their spilling (measured: 1 GiB in a 2 GiB store spilled 2 GiB, 0.43 GB/s).
     */
    private long driverStoreBytes() {
        long most = storeBytes();
        for (final long bytes : sizes()) {
            most = Math.max(most, 4 * bytes + (64L << 20));
        }
        return most;
    }

    private String ingress() {
        return ControlMember.ingressEndpoints(ControlMember.parseMembers(cluster.control()));
    }

    private Process startNode(final String id, final String cpus, final String... more) throws IOException {
        final List<String> args = new ArrayList<>(List.of("node", "--control", cluster.control(), "--secret-file",
            cluster.secretFile().toString(), "--node-id", id, "--resources", "CPU=" + cpus, "--store-bytes",
            Long.toString(64L << 20), "--dir", dir.resolve(id).toString()));
        args.addAll(List.of(more));
        final Process p = ChildJvm.start(dir.resolve(id + ".log"), args.toArray(new String[0]));
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    private List<ControlClient.Member> members() {
        try (ControlStoreQuery query = new ControlStoreQuery(ingress(), secret, 5_000)) {
            return query.client().listNodes().members();
        }
    }

    private boolean alive(final String node) {
        return members().stream().anyMatch(m -> m.name().equals(node) && m.status().alive());
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. round trip

    private String roundTrip() {
        final Duration limit = Duration.ofSeconds(30);
        final Histogram h = sample(() -> driver.task(ClusterBenchTasks::echo, 7L).remote().get(limit));
        return record(Cluster.RTT_KAIROS, h);
    }

    private interface Op {
        void run() throws Exception;
    }

    /** Warm-up, then one op at a time into a histogram (ns) until the measurement time or the sample cap. */
    private Histogram sample(final Op op) {
        try {
            final long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timing.warmupMs());
            while (System.nanoTime() - warmEnd < 0) {
                op.run();
            }
            final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timing.measureMs());
            long now = System.nanoTime();
            for (int i = 0; i < timing.maxSamples() && now - end < 0; i++) {
                final long t0 = now;
                op.run();
                now = System.nanoTime();
                h.recordValue(Math.max(1, now - t0));
            }
            return h;
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String record(final String key, final Histogram h) {
        histograms.put(key, h);
        readings.put(key + ".p50", (double) h.getValueAtPercentile(50));
        readings.put(key + ".p99", (double) h.getValueAtPercentile(99));
        readings.put(key + ".p999", (double) h.getValueAtPercentile(99.9));
        return String.format(Locale.ROOT, "p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs (%,d samples)",
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
            h.getTotalCount());
    }

    private String roundTripPeers() throws Exception {
        ensureDir();
        final List<String> results = new ArrayList<>();
        if (wants(Cluster.RTT_TCP)) {
            final byte[] message = new byte[4 + Cluster.MESSAGE_BYTES];
            ByteBuffer.wrap(message).putInt(Cluster.MESSAGE_BYTES);
            final byte[] reply = new byte[Cluster.MESSAGE_BYTES];
            try (Socket socket = peers().tcpConnect()) {
                final OutputStream out = socket.getOutputStream();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                results.add("TCP " + record(Cluster.RTT_TCP, sample(() -> {
                    out.write(message);
                    in.readFully(reply);
                })));
                out.write(new byte[4]);
            }
        }
        if (wants(Cluster.RTT_AERON)) {
            try (ClusterPeers.AeronPing ping = peers().aeron(false)) {
                results.add("Aeron " + record(Cluster.RTT_AERON, sample(ping::ping)));
            }
        }
        if (wants(Cluster.RTT_AERON_SPIN)) {
            try (ClusterPeers.AeronPing ping = peers().aeron(true)) {
                results.add("Aeron spin " + record(Cluster.RTT_AERON_SPIN, sample(ping::ping)));
            }
        }
        return String.join("; ", results);
    }

    private ClusterPeers peers() {
        if (peers == null) {
            peers = new ClusterPeers(dir, processes);
        }
        return peers;
    }

    private void ensureDir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("kairos-bench-cluster-");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. object transfer

    private List<Long> sizes() {
        final List<Long> sizes = new ArrayList<>();
        for (final Figure f : selected) {
            final String prefix = Cluster.PREFIX + "transfer.kairos.";
            if (f.key().startsWith(prefix)) {
                sizes.add(Long.parseLong(f.key().substring(prefix.length())));
            }
        }
        return sizes;
    }

    /** Transfers of a size per figure: about 64 MiB worth for small objects, at least 2 for large ones. */
    private int repeats(final long bytes) {
        if (timing.repeatScale() == 0) {
            return 1;
        }
        return (int) Math.max(2, timing.repeatScale() * Math.min(256, (256L << 20) / bytes));
    }

    /**
     * Untimed transfers before the timed ones, for Kairos and the TCP copy alike: as many as the timed ones for
     * objects up to 16 MiB (the first ones after start run at a fraction of the steady rate: connections, threads,
     * the JIT), one for larger ones.
     */
    private int warmups(final long bytes) {
        return bytes <= (16L << 20) ? repeats(bytes) : 1;
    }

    private String transfer(final boolean up) throws Exception {
        ensureDir();
        final List<String> results = new ArrayList<>();
        final Duration limit = Duration.ofSeconds(120);
        for (final long bytes : sizes()) {
            final int n = (int) bytes;
            final int repeats = repeats(bytes);
            double kairos = Double.NaN;
            String spilled = "";
            if (up) {
                final io.kairos.SpillStats before = driver.spillStats();
                for (int i = 0; i < warmups(bytes); i++) {  // the first one: the node makes its array
                    final io.kairos.ObjectRef<byte[]> ref = driver.task(ClusterBenchTasks::payload, n).remote();
                    ref.get(limit);
                    ref.free();
                }
                final long t0 = System.nanoTime();
                for (int i = 0; i < repeats; i++) {
                    final io.kairos.ObjectRef<byte[]> ref = driver.task(ClusterBenchTasks::payload, n).remote();
                    final byte[] got = ref.get(limit);
                    ref.free();  // its store memory now, not at the collector's next cycle
                    if (got.length != n) {
                        throw new IllegalStateException("a transfer of " + n + " bytes gave " + got.length);
                    }
                }
                kairos = bytes * (double) repeats / (System.nanoTime() - t0);
                final io.kairos.SpillStats after = driver.spillStats();
                if (after.spilledObjects() > before.spilledObjects()) {
                    spilled = String.format(Locale.ROOT, " (the driver spilled %d MiB)",
                        (after.spilledBytes() - before.spilledBytes()) >> 20);
                }
                readings.put(Cluster.transfer("kairos", bytes), kairos);
            }
            final double tcp;
            try (Socket socket = peers().tcpConnect()) {
                final OutputStream out = socket.getOutputStream();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final byte[] request = ByteBuffer.allocate(4).putInt(-n).array();
                for (int i = 0; i < warmups(bytes); i++) {
                    out.write(request);
                    in.readFully(new byte[n]);
                }
                final long t0 = System.nanoTime();
                for (int i = 0; i < repeats; i++) {
                    out.write(request);
                    in.readFully(new byte[n]);  // a new array each time, as a get() gives
                }
                tcp = bytes * (double) repeats / (System.nanoTime() - t0);
                out.write(new byte[4]);
            }
            readings.put(Cluster.transfer("tcp", bytes), tcp);
            results.add(String.format(Locale.ROOT, "%s %.2f vs %.2f GB/s%s", Cluster.size(bytes), kairos, tcp, spilled));
        }
        return String.join(", ", results) + " (Kairos vs TCP)";
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. throughput, control store

    private String tasks() throws IOException {
        while (nodes < 3) {
            startNode("node-" + nodes, nodeCpus());
            nodes++;
        }
        awaitCondition("3 nodes alive", 120, () -> members().stream().filter(m -> m.status().alive()
            && m.name().startsWith("node-")).count() >= 3);
        final Duration limit = Duration.ofSeconds(300);
        runTasks(Math.max(1, timing.tasks() / 4), limit);  // warm-up
        final long t0 = System.nanoTime();
        runTasks(timing.tasks(), limit);
        final double rate = timing.tasks() * 1e9 / (System.nanoTime() - t0);
        readings.put(Cluster.TASKS_3_NODES, rate);
        return String.format(Locale.ROOT, "%,.0f tasks/s (%,d tasks)", rate, timing.tasks());
    }

    private void runTasks(final int n, final Duration limit) {
        final List<ObjectRef<Long>> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            refs.add(driver.task(ClusterBenchTasks::echo, (long) i).remote());
        }
        for (int i = 0; i < n; i++) {
            if (refs.get(i).get(limit) != i) {
                throw new IllegalStateException("task " + i + " gave the wrong result");
            }
        }
    }

    private String controlStore() {
        return ControlStoreBench.phase(ingress(), secret, timing.warmupMs() / 2, Math.max(200,
            timing.measureMs() * 2 / 3), timing.trials(), key -> selected.stream().anyMatch(f -> f.key().equals(key)),
            readings, histograms, log);
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. failure

    private String recovery() throws Exception {
        final List<Double> seconds = new ArrayList<>();
        final List<String> trials = new ArrayList<>();
        for (int trial = 0; trial < timing.trials(); trial++) {
            final String id = "victim-" + trial;
            final Process victim = startNode(id, "4", "--heartbeat-ms", Long.toString(VICTIM_HEARTBEAT_MS));
            awaitCondition(id + " joined", 120, () -> alive(id));
            final List<ObjectRef<String>> refs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                refs.add(driver.task(ClusterBenchTasks::sleepy, 20).remote());
            }
            awaitCondition("a task done on " + id, 60, () -> refs.stream().anyMatch(r -> done(r, id)));
            final long t0 = System.nanoTime();
            victim.destroyForcibly();  // SIGKILL
            int onVictim = 0;
            for (final ObjectRef<String> r : refs) {
                onVictim += id.equals(r.get(Duration.ofSeconds(120))) ? 1 : 0;
            }
            final double s = (System.nanoTime() - t0) / 1e9;
            seconds.add(s);
            trials.add(String.format(Locale.ROOT, "%.2f s (%d of 400 on the victim)", s, onVictim));
            victim.waitFor(10, TimeUnit.SECONDS);
        }
        final List<Double> sorted = seconds.stream().sorted().toList();
        final double median = sorted.get(sorted.size() / 2);
        readings.put(Cluster.RECOVERY, median);
        readings.put(Cluster.NODE_TIMEOUT, NODE_TIMEOUT_MS / 1000.0);
        log.println("    recovery trials: " + String.join(", ", trials));
        return String.format(Locale.ROOT, "median %.2f s of %d trials (node timeout %d ms)", median, seconds.size(),
            NODE_TIMEOUT_MS);
    }

    private static boolean done(final ObjectRef<String> ref, final String node) {
        try {
            return node.equals(ref.get(Duration.ZERO));
        } catch (final RuntimeException notYet) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    static void awaitCondition(final String what, final long seconds, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Stops the driver, the nodes (politely, then not), the peers and the cluster; removes what they left. */
    @Override
    public void close() {
        try {
            if (driver != null) {
                driver.close();
            }
        } catch (final RuntimeException e) {
            log.println("    closing the driver: " + e);
        }
        final List<Process> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
        }
        started.forEach(Process::destroy);
        for (final Process p : started) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        if (cluster != null) {
            final PrintStream out = System.out;
            System.setOut(log);
            try {
                KairosCli.commandLine().execute("cluster", "down", "--cluster-dir", dir.toString());
            } finally {
                System.setOut(out);
            }
            cluster.live().forEach(ProcessHandle::destroyForcibly);
        }
        SharedObjectStore.removeStaleSegments();
        deleteDir();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException | IllegalArgumentException shuttingDown) {
            // the hook runs or was not added
        }
    }

    /** The shutdown hook: every process this section started, killed. */
    private void killAll() {
        synchronized (processes) {
            processes.forEach(Process::destroyForcibly);
        }
        if (cluster != null) {
            cluster.live().forEach(ProcessHandle::destroyForcibly);
        }
        SharedObjectStore.removeStaleSegments();
    }

    private void deleteDir() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException | RuntimeException e) {
            log.println("    could not delete " + dir + ": " + e);
        }
    }
}
