package io.kairos.cli;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.ControlConnect;
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
        try {
            client = ControlConnect.withRetries(attemptMs -> ControlClient.connect(new AeronCluster.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .egressChannel("aeron:udp?endpoint=localhost:0")
                .ingressChannel("aeron:udp")
                .ingressEndpoints(ingressEndpoints)
                .credentialsSupplier(secret.credentials("kairos-cli"))
                .messageTimeoutNs(TimeUnit.MILLISECONDS.toNanos(attemptMs)), TimeUnit.MILLISECONDS.toNanos(timeoutMs)),
                ingressEndpoints, timeoutMs);
        } catch (final RuntimeException e) {
            close();
            throw e instanceof IllegalStateException ? e : new IllegalStateException("the control store at "
                + ingressEndpoints + " refused this client: " + e.getMessage(), e);
        }
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
