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
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.kairos.cluster.aeron.ControlCodec.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A single-member Aeron Cluster in this JVM: write state, snapshot, write more, restart from the same directories,
 * read it all back (snapshot load + log replay).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlServiceClusterTest {
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(15);

    @TempDir
    Path dir;

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> node = new ArrayList<>();
    private MediaDriver clientDriver;
    private AeronCluster client;
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer lastReply = new ExpandableArrayBuffer(256);
    private long correlationId;
    private long replyCorrelationId = -1;
    private int replyLength;
    private int[] ports;
    private Set<Thread> threadsBefore;

    @AfterEach
    void closeAll() {
        CloseHelper.closeAll(client, clientDriver);
        closeNode();
    }

    @Test
    void stateSurvivesRestartFromSnapshotAndLog() {
        threadsBefore = Thread.getAllStackTraces().keySet();
        ports = new int[] {freePort(), freePort(), freePort(), freePort(), freePort()};
        startNode();
        connectClient();

        assertEquals(ControlStatus.OK, send(encodeRegisterNode(command, 0, ++correlationId, 7,
            Map.of("CPU", 40_000L), Map.of("zone", "a"))));
        assertEquals(ControlStatus.OK, send(encodeHeartbeat(command, 0, ++correlationId, 7, Map.of("CPU", 30_000L))));
        assertEquals(ControlStatus.OK, send(encodeRegisterActor(command, 0, ++correlationId, "counter", 7, 99)));
        assertEquals(ControlStatus.CONFLICT, send(encodeRegisterActor(command, 0, ++correlationId, "counter", 7, 5)));
        assertActor();

        final ConsensusModule consensusModule = (ConsensusModule)node.get(2);
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            consensusModule.context().aeron().countersReader(), consensusModule.context().clusterId());
        assertTrue(ClusterControl.ToggleState.SNAPSHOT.toggle(toggle));
        awaitCondition("snapshot taken", () -> consensusModule.context().snapshotCounter().get() >= 1);

        assertEquals(ControlStatus.OK, send(encodeKvPut(command, 0, ++correlationId, "after-snapshot", new byte[] {4, 2})));

        CloseHelper.closeAll(client);
        client = null;
        closeNode();
        startNode();
        connectClient();

        assertActor();
        assertEquals(ControlStatus.OK, send(encodeNodeCommand(command, 0, GET_NODE, ++correlationId, 7)));
        assertEquals(1, lastReply.getByte(REPLY_HEADER_LENGTH), "node 7 alive");
        assertEquals(ControlStatus.OK, send(encodeNameCommand(command, 0, KV_GET, ++correlationId, "after-snapshot")));
        assertEquals(2, lastReply.getInt(REPLY_HEADER_LENGTH, ORDER));
        assertEquals(4, lastReply.getByte(REPLY_HEADER_LENGTH + 4));

        CloseHelper.closeAll(client, clientDriver);
        client = null;
        clientDriver = null;
        closeNode();
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        awaitCondition("no Aeron thread left", () -> newThreads().isEmpty());
    }

    private void assertActor() {
        assertEquals(ControlStatus.OK, send(encodeNameCommand(command, 0, LOOKUP_ACTOR, ++correlationId, "counter")));
        assertEquals(7, lastReply.getLong(REPLY_HEADER_LENGTH, ORDER));
        assertEquals(99, lastReply.getLong(REPLY_HEADER_LENGTH + 8, ORDER));
    }

    private ControlStatus send(final int length) {
        final long id = command.getLong(CORRELATION_ID_OFFSET, ORDER);
        awaitCondition("offer accepted", () -> client.offer(command, 0, length) > 0);
        awaitCondition("reply " + id, () -> {
            client.pollEgress();
            return replyCorrelationId == id;
        });
        return replyStatus(lastReply, 0);
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length) {
        lastReply.putBytes(0, buffer, offset, length);
        replyLength = length;
        replyCorrelationId = replyCorrelationId(buffer, offset);
    }

    private void connectClient() {
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
        client = AeronCluster.connect(new AeronCluster.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .egressListener((sessionId, timestamp, buffer, offset, length, header) -> onReply(buffer, offset, length))
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp")
            .ingressEndpoints("0=localhost:" + ports[0])
            .messageTimeoutNs(DEADLINE_NS)
            .errorHandler(errors::add));
    }

    private void startNode() {
        final String aeronDir = dir.resolve("node-aeron").toString();
        final File clusterDir = dir.resolve("cluster").toFile();
        final String members = "0,localhost:" + ports[0] + ",localhost:" + ports[1] + ",localhost:" + ports[2] +
            ",localhost:" + ports[3] + ",localhost:" + ports[4];
        node.add(MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errors::add)));
        final Archive.Context archiveContext = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(dir.resolve("archive").toFile())
            .archiveId(0)
            .controlChannel("aeron:udp?endpoint=localhost:" + ports[4])
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(BackoffIdleStrategy::new)
            .deleteArchiveOnStart(false)
            .errorHandler(errors::add);
        node.add(Archive.launch(archiveContext));
        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .aeronDirectoryName(aeronDir)
            .controlRequestChannel("aeron:ipc?term-length=64k")
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel("aeron:ipc?term-length=64k");
        node.add(ConsensusModule.launch(new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(0)
            .clusterMembers(members)
            .clusterDir(clusterDir)
            .ingressChannel("aeron:udp?term-length=64k")
            .logChannel("aeron:udp?term-length=256k")
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .archiveContext(archiveClient.clone())
            .idleStrategySupplier(BackoffIdleStrategy::new)
            .deleteDirOnStart(false)
            .errorHandler(errors::add)));
        node.add(ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .clusterDir(clusterDir)
            .archiveContext(archiveClient.clone())
            .clusteredService(new ControlService())
            .idleStrategySupplier(BackoffIdleStrategy::new)
            .errorHandler(errors::add)));
    }

    private void closeNode() {
        for (int i = node.size() - 1; i >= 0; i--) {
            CloseHelper.close(node.get(i));
        }
        node.clear();
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

    private static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
