package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.aeron.security.CredentialsSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

class ClusterSecretTest {
    private static final String SECRET = "0123456789abcdef-secret";

    @TempDir
    Path dir;

    @Test
    void loadsOwnerOnlyFileAndIgnoresOneTrailingLineEnd() throws Exception {
        final Path file = write("s", SECRET + "\n", "rw-------");
        final byte[] nonce = {1, 2, 3};
        assertArrayEquals(hmac(SECRET, nonce), ClusterSecret.load(file).sign(nonce));
        final Path crlf = write("crlf", SECRET + "\r\n", "r--------");
        assertArrayEquals(hmac(SECRET, nonce), ClusterSecret.load(crlf).sign(nonce));
    }

    @Test
    void refusesFileReadableByOthers() throws Exception {
        final Path file = write("s", SECRET, "rw-r--r--");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(file));
        assertEquals("secret file " + file + " is readable by others (mode rw-r--r--); chmod 600 " + file,
            ex.getMessage());
    }

    @Test
    void refusesFileReadableByGroup() throws Exception {
        final Path file = write("s", SECRET, "rw-r-----");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(file));
        assertTrue(ex.getMessage().contains("(mode rw-r-----); chmod 600 " + file), ex.getMessage());
    }

    @Test
    void refusesMissingFile() {
        final Path file = dir.resolve("absent");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(file));
        assertTrue(ex.getMessage().startsWith("secret file " + file + " does not exist"), ex.getMessage());
    }

    @Test
    void refusesEmptyFile() throws Exception {
        final Path file = write("s", "\n", "rw-------");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(file));
        assertTrue(ex.getMessage().startsWith("secret file " + file + " is empty"), ex.getMessage());
    }

    @Test
    void refusesShortSecret() throws Exception {
        final Path file = write("s", "short", "rw-------");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(file));
        assertEquals("secret file " + file + ": secret is 5 bytes, must be 16..4096", ex.getMessage());
    }

    @Test
    void refusesDirectory() throws Exception {
        final Path sub = Files.createDirectory(dir.resolve("d"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.load(sub));
        assertEquals("secret file " + sub + " is not a regular file", ex.getMessage());
    }

    @Test
    void credentialsNameTheIdentityAndAnswerTheChallengeWithTheMac() throws Exception {
        final ClusterSecret secret = ClusterSecret.of(SECRET.getBytes(StandardCharsets.US_ASCII));
        final CredentialsSupplier credentials = secret.credentials("node-7");
        assertEquals("kairos1:node-7", new String(credentials.encodedCredentials(), StandardCharsets.US_ASCII));
        final byte[] nonce = {9, 8, 7, 6};
        assertArrayEquals(hmac(SECRET, nonce), credentials.onChallenge(nonce));
        assertEquals("ClusterSecret[hidden]", secret.toString());
        assertThrows(IllegalArgumentException.class, () -> secret.credentials(""));
        assertThrows(IllegalArgumentException.class, () -> secret.credentials("nöde"));
        assertThrows(IllegalArgumentException.class, () -> secret.credentials("a\nb"));
    }

    private Path write(final String name, final String content, final String mode) throws Exception {
        final Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    static byte[] hmac(final String key, final byte[] data) throws Exception {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return mac.doFinal(data);
    }
}
