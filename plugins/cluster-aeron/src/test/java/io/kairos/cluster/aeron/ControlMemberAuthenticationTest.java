package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.security.AuthenticationException;
import io.aeron.security.CredentialsSupplier;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A one-member control store in this JVM, started by {@link ControlMember}: only holders of the cluster secret get a
 * session; a wrong secret and missing credentials are refused with an error naming the endpoints.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ControlMemberAuthenticationTest {
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final ClusterSecret SECRET =
        ClusterSecret.of("authentication-test-secret".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private List<ControlMember.Endpoint> members;
    private ControlMember member;
    private MediaDriver clientDriver;
    private ControlClient client;

    @BeforeEach
    void startMember() {
        members = FreePorts.members(1);
        member = ControlMember.start(config().build());
        clientDriver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.resolve("client-aeron").toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    @AfterEach
    void stop() {
        CloseHelper.closeAll(client, clientDriver, member);
    }

    @Test
    void holderOfTheSecretIsAdmitted() {
        client = ControlClient.connect(context(SECRET.credentials("auth-test")), TIMEOUT_NS);
        client.kvPut("k", new byte[] {1});
        assertArrayEquals(new byte[] {1}, client.kvGet("k"));
    }

    @Test
    void wrongSecretIsRefusedWithAClearError() {
        final ClusterSecret wrong = ClusterSecret.of("authentication-test-wrong!".getBytes(StandardCharsets.US_ASCII));
        final AuthenticationException ex = assertThrows(AuthenticationException.class,
            () -> client = ControlClient.connect(context(wrong.credentials("intruder")), TIMEOUT_NS));
        assertTrue(ex.getMessage().contains("control store at " + ControlMember.ingressEndpoints(members)),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("wrong cluster secret"), ex.getMessage());
    }

    @Test
    void clientWithoutCredentialsIsRefused() {
        final AuthenticationException ex = assertThrows(AuthenticationException.class,
            () -> client = ControlClient.connect(context(null), TIMEOUT_NS));
        assertTrue(ex.getMessage().contains("wrong cluster secret or no credentials"), ex.getMessage());
    }

    @Test
    void secondMemberOnTheSameDirIsRefused() {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> ControlMember.start(config().build()));
        assertEquals("dir " + dir.resolve("member") + " is in use by another control member (lock " +
            dir.resolve("member").resolve(ControlMember.LOCK_FILE) + ")", ex.getMessage());
        member.close();
        member.close(); // idempotent
    }

    private ControlMemberConfig.Builder config() {
        return ControlMemberConfig.builder()
            .members(members)
            .memberIndex(0)
            .dir(dir.resolve("member"))
            .secret(SECRET);
    }

    private AeronCluster.Context context(final CredentialsSupplier credentials) {
        final AeronCluster.Context context = new AeronCluster.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp?term-length=64k")
            .ingressEndpoints(ControlMember.ingressEndpoints(members))
            .messageTimeoutNs(TIMEOUT_NS);
        return credentials == null ? context : context.credentialsSupplier(credentials);
    }
}
