package io.kairos.journal.chronicle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * I/O helpers the journal's classes share: an exception as a message names it, closing that cannot fail, and the
 * owner-only modes of the journal's directory (0700) and files (0600).
 */
final class JournalIo {
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    static final FileAttribute<Set<PosixFilePermission>> OWNER_DIRECTORY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE_ATTRIBUTE =
        PosixFilePermissions.asFileAttribute(OWNER_FILE);

    private JournalIo() {
    }

    /** Makes the file readable and writable by its owner only (a no-op where the file system is not POSIX). */
    static void ownerOnly(final Path file) {
        try {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        } catch (UnsupportedOperationException | IOException ignored) {
            // not POSIX, or gone meanwhile: the directory's 0700 still keeps other users out
        }
    }

    /** {@link #ownerOnly} on every regular file in the directory: the files Chronicle created with the umask's mode. */
    static void ownerOnlyFiles(final Path directory) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, Files::isRegularFile)) {
            files.forEach(JournalIo::ownerOnly);
        } catch (IOException ignored) {
            // listing failed: the directory's 0700 still keeps other users out
        }
    }

    /** The exception's simple class name and message, for a {@link io.kairos.spi.journal.JournalException}'s text. */
    static String describe(final Exception e) {
        final String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static void closeQuietly(final AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing; nothing to recover
        }
    }
}
