package io.kairos.cluster.aeron;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A single-member Aeron Cluster in this JVM, driven through {@link ControlClient}: state survives a restart (snapshot
 * load + log replay), and the expiry timer declares a silent node dead.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlServiceClusterTest {
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(15);

    @TempDir
    Path dir;

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private LocalControlStore store;
    private MediaDriver clientDriver;
    private ControlClient client;
    private Set<Thread> threadsBefore;

    @AfterEach
    void closeAll() {
        CloseHelper.closeAll(client, clientDriver);
        CloseHelper.close(store);
    }

    @Test
    void stateSurvivesRestartFromSnapshotAndLog() {
        threadsBefore = Thread.getAllStackTraces().keySet();
        store = new LocalControlStore(dir, errors::add).start(new ControlService());
        client = connectClient(DEADLINE_NS);

        client.registerNode(7, Map.of("CPU", 40_000L), Map.of("zone", "a"));
        client.heartbeat(7, Map.of("CPU", 30_000L));
        client.registerActor("counter", 7, 99);
        final ControlRejection taken = assertThrows(ControlRejection.class, () -> client.registerActor("counter", 7, 5));
        assertEquals(ControlStatus.CONFLICT, taken.status());
        assertTrue(taken.getMessage().contains("registerActor('counter')"), taken.getMessage());
        assertActor();

        final ConsensusModule consensusModule = store.consensusModule();
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            consensusModule.context().aeron().countersReader(), consensusModule.context().clusterId());
        assertTrue(ClusterControl.ToggleState.SNAPSHOT.toggle(toggle));
        awaitCondition("snapshot taken", () -> consensusModule.context().snapshotCounter().get() >= 1);

        client.kvPut("after-snapshot", new byte[] {4, 2});

        CloseHelper.closeAll(client);
        client = null;
        store.close();
        store.start(new ControlService());
        client = connectClient(DEADLINE_NS);

        assertActor();
        final ControlClient.NodeStatus status = client.nodeStatus(7);
        assertTrue(status.alive(), "node 7 alive");
        assertEquals(Map.of("CPU", 40_000L), status.totalResources());
        assertEquals(Map.of("CPU", 30_000L), status.availableResources());
        assertEquals(Map.of("zone", "a"), status.labels());
        assertArrayEquals(new byte[] {4, 2}, client.kvGet("after-snapshot"));

        CloseHelper.closeAll(client, clientDriver);
        client = null;
        clientDriver = null;
        store.close();
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        awaitCondition("no Aeron thread left", () -> newThreads().isEmpty());
    }

    /**
     * The most nodes the table holds (10,000, with labels: ~3 MB of records, more than one session message takes)
     * are listed whole through Raft, in pages, as of one membership version.
     */
    @Test
    void tenThousandNodesAreListedWholeInPages() {
        store = new LocalControlStore(dir, errors::add).start(new ControlService(60_000, 1_000));
        client = connectClient(DEADLINE_NS);
        final Map<String, String> labels = Map.of("zone", "zone-a-of-the-test-cluster", "rack", "rack-17-row-3",
            "team", "inference-serving", "pool", "a100-spot-instances");
        final List<java.util.concurrent.CompletableFuture<Void>> registered = new java.util.ArrayList<>();
        for (long id = 1; id <= ControlState.MAX_NODES; id++) {
            final long nodeId = id;
            registered.add(client.sendAsync(ControlCodec.REGISTER_NODE, "registerNode", nodeId,
                (b, o, cid) -> ControlCodec.encodeRegisterNode(b, o, cid, nodeId, "node-" + nodeId,
                    "10.0." + nodeId / 250 + "." + nodeId % 250 + ":40000", Map.of("CPU", 640_000L), labels),
                body -> null));
        }
        registered.forEach(client::await);
        final ControlClient.Membership membership = client.listNodes();
        assertEquals(ControlState.MAX_NODES, membership.members().size());
        for (int i = 0; i < membership.members().size(); i++) {
            final ControlClient.Member m = membership.members().get(i);
            assertEquals(i + 1, m.nodeId());
            assertEquals("node-" + (i + 1), m.name());
            assertEquals(labels, m.status().labels());
        }
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
    }

    @Test
    void silentNodeIsDeclaredDeadAndComesBackByRegistering() {
        store = new LocalControlStore(dir, errors::add).start(new ControlService(300, 100));
        client = connectClient(DEADLINE_NS);

        client.registerNode(3, Map.of("CPU", 10_000L), Map.of());
        client.heartbeat(3, Map.of("CPU", 5_000L));
        assertTrue(client.nodeStatus(3).alive());

        final long start = System.nanoTime();
        awaitCondition("node 3 declared dead", () -> !client.nodeStatus(3).alive());
        final long deadAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(deadAfterMs < 5_000, "declared dead after " + deadAfterMs + " ms");

        final ControlRejection refused = assertThrows(ControlRejection.class,
            () -> client.heartbeat(3, Map.of("CPU", 5_000L)));
        assertEquals(ControlStatus.CONFLICT, refused.status());

        client.registerNode(3, Map.of("CPU", 10_000L), Map.of());
        final ControlClient.NodeStatus back = client.nodeStatus(3);
        assertTrue(back.alive(), "node 3 alive again");
        assertEquals(Map.of("CPU", 10_000L), back.availableResources());
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);

        CloseHelper.close(client);
        client = connectClient(TimeUnit.MILLISECONDS.toNanos(500));
        store.closeService(); // commands are logged but never answered
        final ControlTimeoutException timeout = assertThrows(ControlTimeoutException.class, () -> client.kvGet("k"));
        assertEquals("kvGet('k'): no reply within 500 ms", timeout.getMessage());
    }

    @Test
    void placementGroupsThroughRaftPipelinedAndAfterRestart() {
        store = new LocalControlStore(dir, errors::add).start(new ControlService());
        client = connectClient(DEADLINE_NS);
        final PlacementGroupClient pgs = client.placementGroups();
        client.registerNode(1, Map.of("CPU", 20_000L), Map.of());
        client.registerNode(2, Map.of("CPU", 20_000L), Map.of());
        final List<Map<String, Long>> two = List.of(Map.of("CPU", 10_000L), Map.of("CPU", 10_000L));

        pgs.create(5, "spread", PlacementGroupTable.Strategy.STRICT_SPREAD, two);
        final ControlRejection sameNode = assertThrows(ControlRejection.class, () -> pgs.prepare(5, Map.of(0, 1L, 1, 1L)));
        assertEquals(ControlStatus.CONFLICT, sameNode.status());
        assertTrue(sameNode.getMessage().startsWith("preparePlacementGroup(5): prepare of group 5: STRICT_SPREAD"),
            sameNode.getMessage());
        pgs.prepare(5, Map.of(0, 1L, 1, 2L));
        pgs.commit(5);
        assertEquals(PlacementGroupTable.GroupState.CREATED, pgs.getByName("spread").state());

        // pipelined: many creates and removes in flight, gathered into batches, each answered
        final int n = 2_000;
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pgs.createAsync(100 + i, "", PlacementGroupTable.Strategy.PACK, List.of(Map.of("CPU", 1L))));
            futures.add(pgs.removeAsync(100 + i));
            client.poll();
        }
        final CompletableFuture<Void> missing = pgs.removeAsync(99);
        futures.forEach(client::await);
        assertEquals(ControlStatus.NOT_FOUND, assertThrows(ControlRejection.class, () -> client.await(missing)).status());
        assertEquals(0, client.inFlight());
        assertEquals(1, pgs.list().size());
        // a table of 5,001 groups (~0.5 MB) is listed in pages of ~16 KiB, whole and by id
        final List<Map<String, Long>> four = List.of(Map.of("CPU", 1L), Map.of("CPU", 1L), Map.of("CPU", 1L),
            Map.of("CPU", 1L));
        final List<CompletableFuture<Void>> made = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            made.add(pgs.createAsync(10_000 + i, "", PlacementGroupTable.Strategy.SPREAD, four));
            client.poll();
        }
        made.forEach(client::await);
        final PlacementGroupClient.Page first = client.await(pgs.pageAsync(Long.MIN_VALUE));
        assertTrue(first.more() && first.groups().size() < 1_000, first.groups().size() + " groups in a page");
        final List<PlacementGroupTable.Group> all = pgs.list();
        assertEquals(5_001, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(10_000 + i - 1, all.get(i).groupId());
        }
        final List<CompletableFuture<Void>> removed = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            removed.add(pgs.removeAsync(10_000 + i));
            client.poll();
        }
        removed.forEach(client::await);
        assertEquals(new ControlState.Actor("x", 1, 2), client.await(client.registerActorAsync("x", 1, 2)
            .thenCompose(ignored -> client.lookupActorAsync("x"))));

        CloseHelper.closeAll(client);
        client = null;
        store.close();
        store.start(new ControlService());
        client = connectClient(DEADLINE_NS);
        final PlacementGroupTable.Group replayed = client.placementGroups().get(5);
        assertEquals(PlacementGroupTable.GroupState.CREATED, replayed.state());
        assertEquals(2, replayed.bundles().get(1).nodeId());
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);

        CloseHelper.close(client);
        client = connectClient(TimeUnit.MILLISECONDS.toNanos(300));
        store.closeService(); // commands are logged but never answered
        final CompletableFuture<Void> unanswered = client.placementGroups().removeAsync(5);
        final ControlTimeoutException timeout = assertThrows(ControlTimeoutException.class, () -> client.await(unanswered));
        assertEquals("removePlacementGroup(5): no reply within 300 ms", timeout.getMessage());
        assertEquals(0, client.inFlight());
    }

    @Test
    void jobsEndWithTheirDriversThroughRaftAndSurviveARestart() {
        store = new LocalControlStore(dir, errors::add).start(new ControlService(300, 100));
        client = connectClient(DEADLINE_NS);
        final JobClient jobs = new JobClient(client);
        client.registerNode(11, "leaves", "", Map.of(), Map.of());
        final long silentRegisteredBy = System.currentTimeMillis();  // the cluster's clock is the epoch clock
        client.registerNode(12, "goes-silent", "", Map.of(), Map.of());
        jobs.register(11, "com.example.Leaves");
        client.await(jobs.registerAsync(12, "com.example.Silent"));
        final ControlRejection twice = assertThrows(ControlRejection.class, () -> jobs.register(12, ""));
        assertEquals("registerJob(12): job 12 exists (RUNNING)", twice.getMessage());
        assertEquals(JobTable.Status.RUNNING, jobs.get(11).status());

        client.deregisterNode(11);
        awaitCondition("the silent driver's job failed", () -> jobs.get(12).status() == JobTable.Status.FAILED);
        final List<JobTable.Job> ended = jobs.list();
        assertEquals(List.of(11L, 12L), ended.stream().map(JobTable.Job::jobId).toList());
        assertEquals(JobTable.Status.SUCCEEDED, ended.get(0).status());
        // its node's 300 ms timeout runs from the node's registration, which came before the job's start
        assertTrue(ended.get(1).endMs() - silentRegisteredBy >= 300,
            () -> ended.get(1) + " ended less than 300 ms after its node registered at " + silentRegisteredBy);

        final ConsensusModule consensusModule = store.consensusModule();
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            consensusModule.context().aeron().countersReader(), consensusModule.context().clusterId());
        assertTrue(ClusterControl.ToggleState.SNAPSHOT.toggle(toggle));
        awaitCondition("snapshot taken", () -> consensusModule.context().snapshotCounter().get() >= 1);
        client.registerNode(13, "after-snapshot", "", Map.of(), Map.of());
        jobs.register(13, "com.example.Later");

        CloseHelper.closeAll(client);
        client = null;
        store.close();
        store.start(new ControlService(300, 100));
        client = connectClient(DEADLINE_NS);
        final List<JobTable.Job> replayed = new JobClient(client).list();
        assertEquals(ended, replayed.subList(0, 2), "from the snapshot");
        assertEquals("com.example.Later", replayed.get(2).entrypoint(), "from the log after it");
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
    }

    private void assertActor() {
        assertEquals(new ControlState.Actor("counter", 7, 99), client.lookupActor("counter"));
    }

    private ControlClient connectClient(final long timeoutNs) {
        if (clientDriver == null) {
            clientDriver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("client-aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .errorHandler(errors::add));
        }
        return ControlClient.connect(new AeronCluster.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp")
            .ingressEndpoints(store.ingressEndpoints())
            .messageTimeoutNs(DEADLINE_NS)
            .errorHandler(errors::add), timeoutNs);
    }

    private Set<Thread> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !threadsBefore.contains(t))
            .filter(t -> !t.getName().startsWith("Common-Cleaner") && !t.getName().startsWith("process reaper"))
            .collect(Collectors.toSet());
    }

    private static void awaitCondition(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            idle.idle();
        }
    }
}
