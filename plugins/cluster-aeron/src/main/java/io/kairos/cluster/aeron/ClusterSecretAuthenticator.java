package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Consumer;

import javax.crypto.Mac;

import io.aeron.security.Authenticator;
import io.aeron.security.SessionProxy;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Aeron Cluster {@link Authenticator} that admits only holders of the {@link ClusterSecret}, by challenge and response:
 * <ol>
 *   <li>the client connects with credentials {@code "kairos1:" + identity} (ASCII);</li>
 *   <li>the control store answers with a challenge of {@value #NONCE_LENGTH} random bytes;</li>
 *   <li>the client answers {@code HMAC-SHA256(secret, nonce)}, which is compared in constant time.</li>
 * </ol>
 * The secret never goes on the wire and a nonce is used once. A session with no or foreign credentials, a wrong answer,
 * or no answer within {@link #DEFAULT_RESPONSE_TIMEOUT_MS} is rejected, and the refusal is logged (System.Logger
 * {@code io.kairos.cluster.aeron.ClusterSecretAuthenticator}, level WARNING) with the session id and the identity,
 * at most {@value #MAX_LOGGED_REFUSALS_PER_SECOND} a second so that a flood of bad joins cannot stall the consensus
 * module on its log.
 * <p>
 * Runs on the consensus module's agent thread, as Aeron calls it; not thread-safe. At most
 * {@value #MAX_PENDING_SESSIONS} sessions may be in the handshake at once; more are rejected.
 */
public final class ClusterSecretAuthenticator implements Authenticator {
    /** What credentials start with. */
    public static final String CREDENTIALS_PREFIX = "kairos1:";
    /** Bytes of the random challenge. */
    public static final int NONCE_LENGTH = 32;
    /** Most bytes of an identity. */
    public static final int MAX_IDENTITY_BYTES = 128;
    /** Time a client has to answer the challenge. */
    public static final long DEFAULT_RESPONSE_TIMEOUT_MS = 5_000;
    /** Most sessions in the handshake at once. */
    public static final int MAX_PENDING_SESSIONS = 1024;
    /** Most refusals logged one by one per second; the rest are counted in one line. */
    public static final int MAX_LOGGED_REFUSALS_PER_SECOND = 10;

    private static final System.Logger LOGGER = System.getLogger(ClusterSecretAuthenticator.class.getName());
    private static final byte[] PREFIX = CREDENTIALS_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private enum Stage { CHALLENGE, AWAIT_RESPONSE, ACCEPT, REJECT }

    private static final class Pending {
        final String identity;
        final byte[] nonce;
        final long deadlineMs;
        Stage stage;
        String reason;

        Pending(final String identity, final byte[] nonce, final long deadlineMs, final Stage stage,
            final String reason) {
            this.identity = identity;
            this.nonce = nonce;
            this.deadlineMs = deadlineMs;
            this.stage = stage;
            this.reason = reason;
        }
    }

    private final Mac mac;
    private final Consumer<byte[]> nonceSource;
    private final long responseTimeoutMs;
    private final Long2ObjectHashMap<Pending> sessions = new Long2ObjectHashMap<>();
    private long logWindowStartMs = Long.MIN_VALUE / 2;
    private int loggedRefusals;
    private long unloggedRefusals;

    /**
     * @param secret the cluster's secret.
     */
    public ClusterSecretAuthenticator(final ClusterSecret secret) {
        this(secret, new SecureRandom()::nextBytes, DEFAULT_RESPONSE_TIMEOUT_MS);
    }

    ClusterSecretAuthenticator(
        final ClusterSecret secret, final Consumer<byte[]> nonceSource, final long responseTimeoutMs) {
        this.mac = secret.mac();
        this.nonceSource = nonceSource;
        this.responseTimeoutMs = responseTimeoutMs;
    }

    @Override
    public void onConnectRequest(final long sessionId, final byte[] encodedCredentials, final long nowMs) {
        expire(nowMs);
        final String identity = decodeIdentity(encodedCredentials);
        if (identity == null) {
            final String what = encodedCredentials == null || encodedCredentials.length == 0 ?
                "no credentials" : "credentials not of the form '" + CREDENTIALS_PREFIX + "<identity>'";
            sessions.put(sessionId, new Pending("?", null, nowMs + responseTimeoutMs, Stage.REJECT, what));
        } else if (sessions.size() >= MAX_PENDING_SESSIONS) {
            sessions.put(sessionId, new Pending(identity, null, nowMs + responseTimeoutMs, Stage.REJECT,
                "more than " + MAX_PENDING_SESSIONS + " sessions in the handshake"));
        } else {
            final byte[] nonce = new byte[NONCE_LENGTH];
            nonceSource.accept(nonce);
            sessions.put(sessionId, new Pending(identity, nonce, nowMs + responseTimeoutMs, Stage.CHALLENGE, null));
        }
    }

    @Override
    public void onChallengeResponse(final long sessionId, final byte[] encodedCredentials, final long nowMs) {
        final Pending pending = sessions.get(sessionId);
        if (pending == null || pending.stage != Stage.AWAIT_RESPONSE) {
            return;
        }
        final byte[] expected = mac.doFinal(pending.nonce);
        if (encodedCredentials != null && MessageDigest.isEqual(expected, encodedCredentials)) {
            pending.stage = Stage.ACCEPT;
        } else {
            pending.stage = Stage.REJECT;
            pending.reason = "wrong answer to the challenge: wrong cluster secret";
        }
        Arrays.fill(pending.nonce, (byte)0);
    }

    @Override
    public void onConnectedSession(final SessionProxy sessionProxy, final long nowMs) {
        final long sessionId = sessionProxy.sessionId();
        final Pending pending = sessions.get(sessionId);
        if (pending == null) {
            reject(sessionProxy, "?", "no connect request seen", nowMs);
        } else if (pending.stage == Stage.REJECT) {
            reject(sessionProxy, pending.identity, pending.reason, nowMs);
        } else if (pending.stage == Stage.CHALLENGE) {
            if (sessionProxy.challenge(pending.nonce)) {
                pending.stage = Stage.AWAIT_RESPONSE;
            } else if (nowMs - pending.deadlineMs > 0) {
                reject(sessionProxy, pending.identity, "challenge not sent within " + responseTimeoutMs + " ms",
                    nowMs);
            }
        }
    }

    @Override
    public void onChallengedSession(final SessionProxy sessionProxy, final long nowMs) {
        final long sessionId = sessionProxy.sessionId();
        final Pending pending = sessions.get(sessionId);
        if (pending == null) {
            reject(sessionProxy, "?", "no connect request seen", nowMs);
        } else if (pending.stage == Stage.ACCEPT) {
            if (sessionProxy.authenticate(pending.identity.getBytes(StandardCharsets.US_ASCII))) {
                sessions.remove(sessionId);
            }
        } else if (pending.stage == Stage.REJECT) {
            reject(sessionProxy, pending.identity, pending.reason, nowMs);
        } else if (nowMs - pending.deadlineMs > 0) {
            reject(sessionProxy, pending.identity, "no answer to the challenge within " + responseTimeoutMs + " ms",
                nowMs);
        }
    }

    /**
     * @return sessions in the handshake, for tests.
     */
    int pendingSessions() {
        return sessions.size();
    }

    private void reject(
        final SessionProxy sessionProxy, final String identity, final String reason, final long nowMs) {
        if (nowMs - logWindowStartMs >= 1_000) {
            if (unloggedRefusals > 0) {
                LOGGER.log(System.Logger.Level.WARNING, "control store refused {0} more sessions, not logged",
                    Long.toString(unloggedRefusals));
            }
            logWindowStartMs = nowMs;
            loggedRefusals = 0;
            unloggedRefusals = 0;
        }
        if (loggedRefusals < MAX_LOGGED_REFUSALS_PER_SECOND) {
            loggedRefusals++;
            LOGGER.log(System.Logger.Level.WARNING, "control store refused session {0} of ''{1}'': {2}",
                Long.toString(sessionProxy.sessionId()), identity, reason);
        } else {
            unloggedRefusals++;
        }
        sessionProxy.reject();
        sessions.remove(sessionProxy.sessionId());
    }

    /**
     * Forgets sessions the consensus module dropped without asking us again.
     */
    private void expire(final long nowMs) {
        if (!sessions.isEmpty()) {
            sessions.values().removeIf(p -> nowMs - (p.deadlineMs + responseTimeoutMs) > 0);
        }
    }

    static byte[] encodeIdentity(final String identity) {
        final byte[] bytes = identity.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length > MAX_IDENTITY_BYTES || !isPrintable(bytes, 0) ||
            !identity.equals(new String(bytes, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("identity '" + identity + "' must be 1.." + MAX_IDENTITY_BYTES +
                " printable ASCII characters");
        }
        final byte[] encoded = Arrays.copyOf(PREFIX, PREFIX.length + bytes.length);
        System.arraycopy(bytes, 0, encoded, PREFIX.length, bytes.length);
        return encoded;
    }

    /**
     * @return the identity, or null if the credentials are not ours.
     */
    static String decodeIdentity(final byte[] credentials) {
        if (credentials == null || credentials.length <= PREFIX.length ||
            credentials.length > PREFIX.length + MAX_IDENTITY_BYTES ||
            !Arrays.equals(credentials, 0, PREFIX.length, PREFIX, 0, PREFIX.length) ||
            !isPrintable(credentials, PREFIX.length)) {
            return null;
        }
        return new String(credentials, PREFIX.length, credentials.length - PREFIX.length, StandardCharsets.US_ASCII);
    }

    private static boolean isPrintable(final byte[] bytes, final int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
