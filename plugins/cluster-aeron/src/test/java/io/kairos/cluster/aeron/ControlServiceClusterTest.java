package io.kairos.cluster.aeron;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
