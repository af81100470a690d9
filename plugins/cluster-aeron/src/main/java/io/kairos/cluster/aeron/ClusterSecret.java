package io.kairos.cluster.aeron;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.aeron.security.AuthenticatorSupplier;
import io.aeron.security.CredentialsSupplier;

/**
 * The secret shared by every member and client of one cluster. Joins are authenticated by a challenge: the control
 * store sends a random nonce and the client answers {@code HMAC-SHA256(secret, nonce)}, so the secret itself never goes
 * on the wire (see {@link ClusterSecretAuthenticator}).
 * <p>
 * A secret file holds the secret's bytes, {@value #MIN_LENGTH} to {@value #MAX_LENGTH} of them; one trailing line end
 * ({@code \n} or {@code \r\n}) is not part of the secret, so {@code head -c 32 /dev/urandom | base64 > F} works. The
 * file must be readable by its owner only ({@code chmod 600 F}); a file that group or others may read is refused.
 * Make one with:
 * <pre>
 *   umask 077 &amp;&amp; head -c 32 /dev/urandom | base64 &gt; cluster.secret
 * </pre>
 * Immutable and thread-safe; {@link #toString()} never shows the secret.
 */
public final class ClusterSecret {
    /** Fewest bytes a secret may have. */
    public static final int MIN_LENGTH = 16;
    /** Most bytes a secret may have. */
    public static final int MAX_LENGTH = 4096;
    /** The MAC the challenge is answered with. */
    public static final String HMAC_ALGORITHM = "HmacSHA256";

    private static final Set<PosixFilePermission> NOT_OWNER = Set.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final SecretKeySpec key;

    private ClusterSecret(final byte[] secret) {
        this.key = new SecretKeySpec(secret, HMAC_ALGORITHM);
    }

    /**
     * Reads a secret file.
     *
     * @param file holding the secret.
     * @return the secret.
     * @throws IllegalArgumentException naming the file if it is missing, not a regular file, empty, too short or too
     *                                  long, or readable or writable by group or others.
     * @throws java.io.UncheckedIOException if it cannot be read.
     */
    public static ClusterSecret load(final Path file) {
        final PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("secret file " + file + " is not a regular file");
            }
            if (posix != null) {
                final Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
                if (permissions.stream().anyMatch(NOT_OWNER::contains)) {
                    throw new IllegalArgumentException("secret file " + file + " is readable by others (mode " +
                        PosixFilePermissions.toString(permissions) + "); chmod 600 " + file);
                }
            }
            final long size = Files.size(file);
            if (size > MAX_LENGTH + 2) {
                throw new IllegalArgumentException("secret file " + file + " holds " + size + " bytes, more than " +
                    "the limit of " + MAX_LENGTH);
            }
            final byte[] bytes = Files.readAllBytes(file);
            int length = bytes.length;
            if (length > 0 && bytes[length - 1] == '\n') {
                length--;
                if (length > 0 && bytes[length - 1] == '\r') {
                    length--;
                }
            }
            if (length == 0) {
                throw new IllegalArgumentException("secret file " + file + " is empty; it needs at least " +
                    MIN_LENGTH + " bytes, e.g. head -c 32 /dev/urandom | base64 > " + file);
            }
            final byte[] secret = Arrays.copyOf(bytes, length);
            Arrays.fill(bytes, (byte)0);
            try {
                return of(secret);
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException("secret file " + file + ": " + ex.getMessage(), ex);
            } finally {
                Arrays.fill(secret, (byte)0);
            }
        } catch (final NoSuchFileException ex) {
            throw new IllegalArgumentException("secret file " + file + " does not exist; create it with: umask 077 " +
                "&& head -c 32 /dev/urandom | base64 > " + file, ex);
        } catch (final IOException ex) {
            throw new java.io.UncheckedIOException("secret file " + file + " cannot be read: " + ex, ex);
        }
    }

    /**
     * @param secret its bytes, copied; {@value #MIN_LENGTH} to {@value #MAX_LENGTH} of them.
     * @return the secret.
     * @throws IllegalArgumentException if it is too short or too long.
     */
    public static ClusterSecret of(final byte[] secret) {
        if (secret.length < MIN_LENGTH || secret.length > MAX_LENGTH) {
            throw new IllegalArgumentException("secret is " + secret.length + " bytes, must be " + MIN_LENGTH + ".." +
                MAX_LENGTH);
        }
        return new ClusterSecret(secret.clone());
    }

    /**
     * @param challenge the nonce the control store sent.
     * @return {@code HMAC-SHA256(secret, challenge)}, the answer a holder of the secret gives.
     */
    public byte[] sign(final byte[] challenge) {
        return mac().doFinal(challenge);
    }

    /**
     * @return a MAC keyed with this secret, for one thread's repeated use.
     */
    Mac mac() {
        try {
            final Mac mac = Mac.getInstance(HMAC_ALGORITHM);
            mac.init(key);
            return mac;
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException(HMAC_ALGORITHM + " is not available in this JVM", ex);
        }
    }

    /**
     * The client side of the challenge, for {@code AeronCluster.Context.credentialsSupplier}.
     *
     * @param identity who connects (a node id, a host name, a tool name): logged by the control store, 1 to
     *                 {@value ClusterSecretAuthenticator#MAX_IDENTITY_BYTES} printable ASCII characters.
     * @return credentials naming the identity that answer the challenge with this secret.
     * @throws IllegalArgumentException if the identity is empty, too long or not printable ASCII.
     */
    public CredentialsSupplier credentials(final String identity) {
        final byte[] encoded = ClusterSecretAuthenticator.encodeIdentity(identity);
        return new CredentialsSupplier() {
            @Override
            public byte[] encodedCredentials() {
                return encoded.clone();
            }

            @Override
            public byte[] onChallenge(final byte[] encodedChallenge) {
                return sign(encodedChallenge);
            }
        };
    }

    /**
     * The server side, for {@code ConsensusModule.Context.authenticatorSupplier}.
     *
     * @return a supplier of authenticators that accept only holders of this secret.
     */
    public AuthenticatorSupplier authenticator() {
        return () -> new ClusterSecretAuthenticator(this);
    }

    /**
     * @return a fixed text: the secret is never shown.
     */
    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
