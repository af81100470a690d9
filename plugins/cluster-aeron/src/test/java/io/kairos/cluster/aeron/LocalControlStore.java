package io.kairos.cluster.aeron;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-member control store in this JVM for tests: media driver, archive, consensus module and the
 * {@link ControlService}, each in its own directory under dir, on loopback ports chosen at run time. Closing and
 * starting it again over the same directory is a restart (snapshot load and log replay).
 */
final class LocalControlStore implements AutoCloseable {
    private final Path dir;
    private final int[] ports = {freePort(), freePort(), freePort(), freePort(), freePort()};
    private final ErrorHandler errors;
    private final List<AutoCloseable> parts = new ArrayList<>();

    LocalControlStore(final Path dir, final ErrorHandler errors) {
        this.dir = dir;
        this.errors = errors;
    }

    /** The endpoints clients connect to, as Aeron Cluster's ingress endpoints ("0=localhost:port"). */
    String ingressEndpoints() {
        return "0=localhost:" + ports[0];
    }

    LocalControlStore start(final ControlService service) {
        final String aeronDir = dir.resolve("node-aeron").toString();
        final java.io.File clusterDir = dir.resolve("cluster").toFile();
        final String members = "0,localhost:" + ports[0] + ",localhost:" + ports[1] + ",localhost:" + ports[2] +
            ",localhost:" + ports[3] + ",localhost:" + ports[4];
        parts.add(MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errors)));
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
            .errorHandler(errors);
        parts.add(Archive.launch(archiveContext));
        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .aeronDirectoryName(aeronDir)
            .controlRequestChannel("aeron:ipc?term-length=64k")
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel("aeron:ipc?term-length=64k");
        parts.add(ConsensusModule.launch(new ConsensusModule.Context()
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
            .errorHandler(errors)));
        parts.add(ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .clusterDir(clusterDir)
            .archiveContext(archiveClient.clone())
            .clusteredService(service)
            .idleStrategySupplier(BackoffIdleStrategy::new)
            .errorHandler(errors)));
        return this;
    }

    ConsensusModule consensusModule() {
        return (ConsensusModule) parts.get(2);
    }

    /** Stops the service only: commands are still logged, never answered. */
    void closeService() {
        CloseHelper.close(parts.remove(parts.size() - 1));
    }

    @Override
    public void close() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            CloseHelper.close(parts.get(i));
        }
        parts.clear();
    }

    static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
