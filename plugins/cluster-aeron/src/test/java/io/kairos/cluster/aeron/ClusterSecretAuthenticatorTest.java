package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.aeron.security.SessionProxy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The handshake driven the way the consensus module drives it, without a network.
 */
class ClusterSecretAuthenticatorTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("0123456789abcdef-right".getBytes(StandardCharsets.US_ASCII));
    private static final ClusterSecret WRONG = ClusterSecret.of("0123456789abcdef-wrong".getBytes(StandardCharsets.US_ASCII));

    private final byte[] nonce = new byte[ClusterSecretAuthenticator.NONCE_LENGTH];
    private final ClusterSecretAuthenticator authenticator = new ClusterSecretAuthenticator(
        SECRET, bytes -> Arrays.fill(bytes, ++nonce[0]), 1_000);

    @Test
    void holderOfTheSecretIsChallengedThenAuthenticatedAsItsIdentity() {
        final FakeSession session = new FakeSession(42);
        authenticator.onConnectRequest(42, SECRET.credentials("node-1").encodedCredentials(), 0);
        authenticator.onConnectedSession(session, 1);
        assertNotNull(session.challenge);
        assertEquals(ClusterSecretAuthenticator.NONCE_LENGTH, session.challenge.length);

        authenticator.onChallengedSession(session, 2); // no answer yet: wait
        assertEquals(FakeSession.State.CHALLENGED, session.state);
        authenticator.onChallengeResponse(42, SECRET.credentials("node-1").onChallenge(session.challenge), 3);
        authenticator.onChallengedSession(session, 4);
        assertEquals(FakeSession.State.AUTHENTICATED, session.state);
        assertEquals("node-1", new String(session.principal, StandardCharsets.US_ASCII));
        assertEquals(0, authenticator.pendingSessions());
    }

    @Test
    void eachSessionGetsItsOwnChallenge() {
        final FakeSession a = new FakeSession(1);
        final FakeSession b = new FakeSession(2);
        authenticator.onConnectRequest(1, SECRET.credentials("a").encodedCredentials(), 0);
        authenticator.onConnectRequest(2, SECRET.credentials("b").encodedCredentials(), 0);
        authenticator.onConnectedSession(a, 0);
        authenticator.onConnectedSession(b, 0);
        assertFalse(Arrays.equals(a.challenge, b.challenge));
        // a's answer replayed for b is refused
        authenticator.onChallengeResponse(2, SECRET.sign(a.challenge), 1);
        authenticator.onChallengedSession(b, 1);
        assertEquals(FakeSession.State.REJECTED, b.state);
    }

    @Test
    void wrongSecretIsRejected() {
        final FakeSession session = new FakeSession(7);
        authenticator.onConnectRequest(7, WRONG.credentials("intruder").encodedCredentials(), 0);
        authenticator.onConnectedSession(session, 0);
        authenticator.onChallengeResponse(7, WRONG.credentials("intruder").onChallenge(session.challenge), 1);
        authenticator.onChallengedSession(session, 1);
        assertEquals(FakeSession.State.REJECTED, session.state);
        assertNull(session.principal);
        assertEquals(0, authenticator.pendingSessions());
    }

    @Test
    void missingOrForeignCredentialsAreRejectedWithoutAChallenge() {
        for (final byte[] credentials : new byte[][] {
            new byte[0], null, "user:password".getBytes(StandardCharsets.US_ASCII),
            "kairos1:".getBytes(StandardCharsets.US_ASCII), "kairos1:a\u0001b".getBytes(StandardCharsets.US_ASCII)}) {
            final FakeSession session = new FakeSession(9);
            authenticator.onConnectRequest(9, credentials, 0);
            authenticator.onConnectedSession(session, 0);
            assertNull(session.challenge);
            assertEquals(FakeSession.State.REJECTED, session.state);
        }
        assertEquals(0, authenticator.pendingSessions());
    }

    @Test
    void unansweredChallengeIsRejectedAfterTheTimeout() {
        final FakeSession session = new FakeSession(5);
        authenticator.onConnectRequest(5, SECRET.credentials("slow").encodedCredentials(), 0);
        authenticator.onConnectedSession(session, 0);
        authenticator.onChallengedSession(session, 1_000);
        assertEquals(FakeSession.State.CHALLENGED, session.state);
        authenticator.onChallengedSession(session, 1_001);
        assertEquals(FakeSession.State.REJECTED, session.state);
    }

    @Test
    void emptyOrLateAnswerIsRefused() {
        final FakeSession session = new FakeSession(3);
        authenticator.onConnectRequest(3, SECRET.credentials("x").encodedCredentials(), 0);
        authenticator.onChallengeResponse(3, SECRET.sign(new byte[32]), 0); // before the challenge went out: ignored
        authenticator.onConnectedSession(session, 0);
        authenticator.onChallengeResponse(3, new byte[0], 1);
        authenticator.onChallengedSession(session, 1);
        assertEquals(FakeSession.State.REJECTED, session.state);
    }

    @Test
    void sessionsTheConsensusModuleForgotAreDroppedLater() {
        authenticator.onConnectRequest(11, SECRET.credentials("gone").encodedCredentials(), 0);
        assertEquals(1, authenticator.pendingSessions());
        authenticator.onConnectRequest(12, SECRET.credentials("new").encodedCredentials(), 2_001);
        assertEquals(1, authenticator.pendingSessions());
    }

    static final class FakeSession implements SessionProxy {
        enum State { CONNECTED, CHALLENGED, AUTHENTICATED, REJECTED }

        final long sessionId;
        State state = State.CONNECTED;
        byte[] challenge;
        byte[] principal;

        FakeSession(final long sessionId) {
            this.sessionId = sessionId;
        }

        @Override
        public long sessionId() {
            return sessionId;
        }

        @Override
        public boolean challenge(final byte[] encodedChallenge) {
            challenge = encodedChallenge.clone();
            state = State.CHALLENGED;
            return true;
        }

        @Override
        public boolean authenticate(final byte[] encodedPrincipal) {
            principal = encodedPrincipal;
            state = State.AUTHENTICATED;
            return true;
        }

        @Override
        public void reject() {
            state = State.REJECTED;
        }
    }
}
