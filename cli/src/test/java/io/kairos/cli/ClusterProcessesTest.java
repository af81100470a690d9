package io.kairos.cli;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.TaskContext;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.cluster.aeron.PlacementGroupTable;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real cluster on loopback, every member a process of its own: 3 control store members and 3 nodes started by
 * {@code kairos cluster up}, a driver in this JVM. Work spills over every node and comes back right; a node killed
 * with {@code kill -9} in the middle of a workload loses no task; a node with the wrong secret is refused.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ClusterProcessesTest {
    private static final long NODE_TIMEOUT_MS = 2_000;

    @TempDir
    static Path dir;

    private static final List<Process> extra = new ArrayList<>();
    private static LocalCluster cluster;
    private static Kernel driver;

    @BeforeAll
    static void clusterUp() {
        final int exit = KairosCli.commandLine().execute("cluster", "up", "--nodes", "3", "--cpus", "2",
            "--store-bytes", Long.toString(128L << 20), "--node-timeout-ms", Long.toString(NODE_TIMEOUT_MS),
            "--cluster-dir", dir.toString(), "--timeout-s", "90");
        assertEquals(0, exit, "kairos cluster up");
        cluster = LocalCluster.read(dir);
        driver = Kernel.start(new KernelContext()
            .node("driver", Map.of("CPU", 0.0), Map.of())
            .objectStoreBytes(256L << 20)
            .cluster(transport("driver", ClusterSecret.load(cluster.secretFile()))));
    }

    @AfterAll
    static void clusterDown() {
        try {
            if (driver != null) {
                driver.close();
            }
        } finally {
            for (final Process p : extra) {
                p.destroyForcibly();
            }
            if (cluster != null) {
                KairosCli.commandLine().execute("cluster", "down", "--cluster-dir", dir.toString());
            }
            SharedObjectStore.removeStaleSegments();  // the stores of nodes killed with kill -9
        }
    }

    private static AeronClusterTransport transport(final String id, final ClusterSecret secret) {
        return new AeronClusterTransport(new AeronClusterTransport.Settings(
            ControlMember.ingressEndpoints(ControlMember.parseMembers(cluster.control())), "localhost", 0,
            dir.resolve(id + "-aeron"), 200, 10_000, secret));
    }

    static long square(final long x) {
        return x * x;
    }

    static long add(final long a, final long b) {
        return a + b;
    }

    static String where(final int i) throws InterruptedException {
        Thread.sleep(2);  // the work itself: long enough that one node cannot take every task
        return TaskContext.current().nodeId();
    }

    static byte[] block(final int seed, final int bytes) {
        final byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    static long checksum(final byte[] data) {
        final CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    @Test
    void aTenThousandTaskDagSpillsOverEveryNodeAndSumsRight() {
        final int n = 5_000;
        final List<ObjectRef<Long>> squares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            squares.add(driver.task(ClusterProcessesTest::square, (long) i).remote());
        }
        final List<ObjectRef<Long>> level = new ArrayList<>(squares);
        while (level.size() > 1) {  // a tree of n - 1 adds over the squares: 10k tasks in all
            final List<ObjectRef<Long>> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                next.add(driver.task(ClusterProcessesTest::add, level.get(i), level.get(i + 1)).remote());
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level.clear();
            level.addAll(next);
        }
        long expected = 0;
        for (long i = 0; i < n; i++) {
            expected += i * i;
        }
        assertEquals(expected, level.get(0).get(Duration.ofSeconds(120)));

        final Set<String> nodes = new HashSet<>();
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            refs.add(driver.task(ClusterProcessesTest::where, i).remote());
        }
        for (final ObjectRef<String> r : refs) {
            nodes.add(r.get(Duration.ofSeconds(60)));
        }
        assertTrue(nodes.containsAll(Set.of("node-0", "node-1", "node-2")), () -> "ran on " + nodes);
        awaitIdle();
    }

    @Test
    void aSixtyFourMegabyteObjectMadeOnANodeArrivesWhole() {
        final int bytes = 64 << 20;
        final ObjectRef<byte[]> made = driver.task(ClusterProcessesTest::block, 42, bytes).remote();
        final ObjectRef<Long> sum = driver.task(ClusterProcessesTest::checksum, made).remote();
        assertEquals(checksum(block(42, bytes)), sum.get(Duration.ofSeconds(120)));
        assertEquals(checksum(block(42, bytes)), checksum(made.get(Duration.ofSeconds(60))));
    }

    /** Trials of the kill -9 test: 2 in the build; {@code -Dkairos.cluster.killTrials=10} for the longer run. */
    private static final int KILL_TRIALS = Integer.getInteger("kairos.cluster.killTrials", 2);

    @Test
    void aNodeKilledMidWorkloadLosesNoTask() throws Exception {
        for (int trial = 0; trial < KILL_TRIALS; trial++) {
            final String id = "victim-" + trial;
            final Process victim = ChildJvm.start(dir.resolve(id + ".log"), "node", "--control", cluster.control(),
                "--secret-file", cluster.secretFile().toString(), "--node-id", id, "--resources", "CPU=4",
                "--store-bytes", Long.toString(32L << 20), "--dir", dir.resolve(id).toString(), "--heartbeat-ms", "200");
            extra.add(victim);
            awaitCondition(id + " joined", () -> alive(id));
            final List<ObjectRef<String>> refs = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                refs.add(driver.task(ClusterProcessesTest::where, i).remote());
            }
            awaitCondition("tasks running on " + id, () -> refs.stream().anyMatch(r -> {
                try {
                    return id.equals(r.get(Duration.ZERO));
                } catch (final RuntimeException notYet) {
                    return false;
                }
            }));
            Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(victim.pid())}).waitFor();
            int onVictim = 0;
            for (final ObjectRef<String> r : refs) {
                final String node = r.get(Duration.ofSeconds(60));  // every task finishes: on the victim before, or elsewhere
                onVictim += node.equals(id) ? 1 : 0;
            }
            assertEquals(600, refs.size());
            assertTrue(onVictim > 0, "some tasks ran on " + id + " before it was killed");
            awaitCondition(id + " declared dead", () -> !alive(id));
        }
        awaitIdle();
    }

    @Test
    void aStrictSpreadGroupOfThreeBundlesLandsOnThreeDistinctNodesThroughTheControlStore() {
        final Map<String, Double> cpu = Map.of("CPU", 1.0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(cpu, cpu, cpu),
            PlacementStrategy.STRICT_SPREAD);
        try {
            checkStrictSpread(group);
        } finally {
            driver.removePlacementGroup(group);  // a failure here must not leave the nodes' CPUs reserved for the rest
        }
        awaitCondition("the group forgotten by the control store", () -> {
            try (ControlStoreQuery query = query()) {
                return query.client().placementGroups().list().isEmpty();
            }
        });
        awaitIdle();
    }

    private static void checkStrictSpread(final PlacementGroup group) {
        assertTrue(group.ready(Duration.ofSeconds(60)));
        final Set<String> nodes = new HashSet<>();
        for (int b = 0; b < 3; b++) {
            nodes.add(driver.task(ClusterProcessesTest::where, b).setPlacementGroup(group, b).remote()
                .get(Duration.ofSeconds(60)));
        }
        assertEquals(3, nodes.size(), () -> "the bundles' tasks ran on " + nodes);
        try (ControlStoreQuery query = query()) {  // the control store's table: committed on 3 distinct nodes
            final List<PlacementGroupTable.Group> created = query.client().placementGroups().list().stream()
                .filter(g -> g.state() == PlacementGroupTable.GroupState.CREATED && g.bundles().size() == 3).toList();
            assertEquals(1, created.size(), () -> "groups in the control store: " + created);
            final Set<Long> holders = new HashSet<>();
            for (final PlacementGroupTable.Bundle bundle : created.get(0).bundles()) {
                assertEquals(PlacementGroupTable.Reservation.COMMITTED, bundle.reservation());
                holders.add(bundle.nodeId());
            }
            assertEquals(3, holders.size());
        }
    }

    @Test
    void anActorNameIsUniqueInTheClusterAndFreeAgainWhenItsOwnerLeaves() {
        final Kernel second = Kernel.start(new KernelContext()
            .node("driver-names", Map.of("CPU", 0.0), Map.of())
            .objectStoreBytes(0)
            .cluster(transport("driver-names", ClusterSecret.load(cluster.secretFile()))));
        try {
            final io.kairos.ActorHandle<Counter> held = second.actor(Counter::new).setName("only-one").remote();
            assertEquals(1, held.task(Counter::add, 1).remote().get(Duration.ofSeconds(60)));
            final IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> driver.actor(Counter::new).setName("only-one").remote());
            assertTrue(taken.getMessage().contains("only-one"), taken::getMessage);
        } finally {
            second.close();  // its claims end with it: the name is free again
        }
        final io.kairos.ActorHandle<Counter> mine = driver.actor(Counter::new).setName("only-one").remote();
        assertEquals(5, mine.task(Counter::add, 5).remote().get(Duration.ofSeconds(60)));
        driver.kill(mine, true);
    }

    private static ControlStoreQuery query() {
        return new ControlStoreQuery(ControlMember.ingressEndpoints(ControlMember.parseMembers(cluster.control())),
            ClusterSecret.load(cluster.secretFile()), 5_000);
    }

    @Test
    void aNodeWithTheWrongSecretIsRefused() {
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernel.start(new KernelContext()
            .node("intruder", Map.of("CPU", 1.0), Map.of())
            .objectStoreBytes(0)
            .cluster(transport("intruder", ClusterSecret.of("not the cluster's secret, at all".getBytes())))));
        assertTrue(e.getMessage().contains("wrong cluster secret"), e::getMessage);
    }

    @Test
    void aMalformedControlEndpointIsAClearError() throws Exception {
        final Path log = dir.resolve("malformed.log");
        final Process p = ChildJvm.start(log, "node", "--control", "localhost:notaport", "--secret-file",
            cluster.secretFile().toString(), "--node-id", "malformed");
        extra.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kairos node exits");
        assertTrue(p.exitValue() != 0, "exit code " + p.exitValue());
        final String out = Files.readString(log);
        assertTrue(out.contains("localhost:notaport"), out);
    }

    /** A counter actor for the named-actor checks. */
    public static final class Counter {
        private int count;

        public int add(final int n) {
            count += n;
            return count;
        }
    }

    @Test
    void killingTheControlStoresLeaderMidWorkloadLosesNoWorkAndNamesStillResolve() throws Exception {
        final io.kairos.ActorHandle<Counter> counter = driver.actor(Counter::new).setName("survivor").remote();
        assertEquals(1, counter.task(Counter::add, 1).remote().get(Duration.ofSeconds(60)));
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            refs.add(driver.task(ClusterProcessesTest::where, i).remote());
        }
        final int leader;
        final Map<String, Long> incarnations;
        try (ControlStoreQuery query = query()) {
            incarnations = aliveIncarnations(query);  // a round trip: the client knows the leader
            leader = query.client().leaderMemberId();
        }
        final long pid = cluster.pids().get(leader);  // control members come first, in member order
        Runtime.getRuntime().exec(new String[] {"kill", "-9", Long.toString(pid)}).waitFor();
        for (final ObjectRef<String> r : refs) {
            assertTrue(r.get(Duration.ofSeconds(90)).startsWith("node-"));  // every task completes
        }
        assertEquals(3, counter.task(Counter::add, 2).remote().get(Duration.ofSeconds(60)), "the actor lives on");
        try (Kernel second = Kernel.start(new KernelContext()
            .node("driver-2", Map.of("CPU", 0.0), Map.of())
            .objectStoreBytes(0)
            .cluster(transport("driver-2", ClusterSecret.load(cluster.secretFile()))))) {
            final io.kairos.ActorHandle<Counter> found = second.<Counter>getActor("survivor").orElseThrow();
            assertEquals(6, found.task(Counter::add, 3).remote().get(Duration.ofSeconds(60)), "found by name");
            final ObjectRef<Long> more = second.task(ClusterProcessesTest::square, 9L).remote();
            assertEquals(81L, more.get(Duration.ofSeconds(60)), "new work runs after the election");
        }
        try (ControlStoreQuery query = query()) {  // the election made no member miss its heartbeats
            final Map<String, Long> after = aliveIncarnations(query);
            incarnations.forEach((name, id) -> assertEquals(id, after.get(name), name + " kept its incarnation"));
        }
    }

    private static Map<String, Long> aliveIncarnations(final ControlStoreQuery query) {
        final Map<String, Long> alive = new java.util.TreeMap<>();
        for (final ControlClient.Member m : query.client().listNodes().members()) {
            if (m.status().alive()) {
                alive.put(m.name(), m.nodeId());
            }
        }
        return alive;
    }

    private static boolean alive(final String node) {
        try (ControlStoreQuery query = new ControlStoreQuery(
            ControlMember.ingressEndpoints(ControlMember.parseMembers(cluster.control())),
            ClusterSecret.load(cluster.secretFile()), 5_000)) {
            return query.client().listNodes().members().stream()
                .anyMatch(m -> m.name().equals(node) && m.status().alive());
        }
    }

    /** Every live node reports all its CPUs free again: resource accounting returned to idle. */
    private static void awaitIdle() {
        awaitCondition("every node idle", () -> {
            try (ControlStoreQuery query = new ControlStoreQuery(
                ControlMember.ingressEndpoints(ControlMember.parseMembers(cluster.control())),
                ClusterSecret.load(cluster.secretFile()), 5_000)) {
                for (final ControlClient.Member m : query.client().listNodes().members()) {
                    if (m.status().alive() && !m.status().availableResources().equals(m.status().totalResources())) {
                        return false;
                    }
                }
                return true;
            }
        });
    }

    private static void awaitCondition(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
