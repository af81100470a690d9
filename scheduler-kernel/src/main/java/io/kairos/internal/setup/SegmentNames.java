package io.kairos.internal.setup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Default names of a kernel's store segment. */
public final class SegmentNames {
    private SegmentNames() {
    }

    /**
     * The store name of a kernel on a data directory: {@code kernel-} and 16 hex digits of a SHA-256 of the directory's
     * absolute, normalised path; the same after a restart, so the predecessor's segment is replaced, not leaked.
     */
    public static String forDirectory(final Path directory) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                directory.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "kernel-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);  // every JDK has it
        }
    }
}
