package io.kairos.cli;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A short-lived client of a cluster's control store, with a media driver of its own (for status and cluster up). */
final class ControlStoreQuery implements AutoCloseable {
    private final MediaDriver driver;
    private final ControlClient client;
    private final Path dir;

    ControlStoreQuery(final String ingressEndpoints, final ClusterSecret secret, final long timeoutMs) {
        try {
            dir = Files.createTempDirectory("kairos-status-");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.resolve("driver").toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        ControlClient connected = null;
        RuntimeException last = null;
        while (connected == null && System.nanoTime() - deadline < 0) {  // a member may be down: try the others
            try {
                connected = ControlClient.connect(new AeronCluster.Context()
                    .aeronDirectoryName(driver.aeronDirectoryName())
                    .egressChannel("aeron:udp?endpoint=localhost:0")
                    .ingressChannel("aeron:udp")
                    .ingressEndpoints(ingressEndpoints)
                    .credentialsSupplier(secret.credentials("kairos-cli"))
                    .messageTimeoutNs(TimeUnit.MILLISECONDS.toNanos(Math.min(2_000, timeoutMs))),
                    TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            } catch (final io.aeron.security.AuthenticationException e) {
                last = e;
                break;
            } catch (final RuntimeException e) {
                last = e;
            }
        }
        if (connected == null) {
            close();
            throw new IllegalStateException("the control store at " + ingressEndpoints + " did not answer within "
                + timeoutMs + " ms: " + (last != null ? last.getMessage() : "no answer"), last);
        }
        client = connected;
    }

    ControlClient client() {
        return client;
    }

    @Override
    public void close() {
        CloseHelper.quietCloseAll(client, driver);  // client is null when the connect failed
        try {
            Files.deleteIfExists(dir);
        } catch (final IOException ignored) {
            // a temporary directory left behind
        }
    }
}
