package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.lmdbjava.BufferProxy;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;

/**
 * The steps of opening a store's directory, in the order {@link LmdbEnvironment} takes them: check the JVM flags
 * lmdbjava needs, make and check the directory and its files, name the directory (to refuse opening it twice in one
 * process), open the LMDB environment.
 */
final class LmdbOpener {
    private LmdbOpener() {
    }

    /** Fails early, with the flags to add, where lmdbjava's ByteBuffer proxy would fail at its first use. */
    static void checkJvmAccess(final Path directory) {
        final Module lmdb = Env.class.getModule();
        final Module base = Object.class.getModule();
        final List<String> missing = new ArrayList<>();
        if (!base.isOpen("java.nio", lmdb)) {
            missing.add("--add-opens=java.base/java.nio=" + moduleName(lmdb));
        }
        if (!base.isExported("sun.nio.ch", lmdb)) {
            missing.add("--add-exports=java.base/sun.nio.ch=" + moduleName(lmdb));
        }
        if (!missing.isEmpty()) {
            throw new MetadataException("cannot open metadata store " + directory
                    + ": lmdbjava needs the JVM flags " + String.join(" ", missing));
        }
    }

    private static String moduleName(final Module module) {
        return module.isNamed() ? module.getName() : "ALL-UNNAMED";
    }

    /** The mode of data.mdb and lock.mdb: owner read and write only (LMDB's default is 0664). */
    static final int OWNER_FILE_MODE = 0600;
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_DIRECTORY =
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

    static void prepareDirectory(final Path directory) {
        if (Files.isRegularFile(directory)) {
            throw new MetadataException("metadata directory " + directory + " is a regular file, not a directory");
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(directory)) {
            throw new MetadataException("metadata directory " + directory + " exists and is not a directory");
        }
        try {
            try {
                Files.createDirectories(directory, OWNER_DIRECTORY);  // 0700: other users neither list nor read it
            } catch (final UnsupportedOperationException notPosix) {
                Files.createDirectories(directory);
            }
        } catch (final IOException | SecurityException e) {
            throw new MetadataException("cannot create metadata directory " + directory + ": " + e, e);
        }
        if (!Files.isReadable(directory) || !Files.isWritable(directory) || !Files.isExecutable(directory)) {
            throw new MetadataException("metadata directory " + directory
                    + " is not readable, writable and searchable by this process");
        }
        for (final String file : new String[] {"data.mdb", "lock.mdb"}) {
            final Path path = directory.resolve(file);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(path)) {
                    throw new MetadataException("metadata store " + directory + ": " + path
                            + " is not a regular file");
                }
                if (!Files.isReadable(path) || !Files.isWritable(path)) {
                    throw new MetadataException("metadata store " + directory + ": " + path
                            + " is not readable and writable by this process");
                }
            }
        }
    }

    /** The directory's identity (its file key), the same through every path that leads to it. */
    static Object directoryKey(final Path directory) {
        try {
            final Object key = Files.readAttributes(directory, BasicFileAttributes.class).fileKey();
            return key != null ? key : directory.toRealPath();
        } catch (final IOException e) {
            throw new MetadataException("cannot read metadata directory " + directory + ": " + e, e);
        }
    }

    static Env<ByteBuffer> openEnv(final Path directory, final long mapSize) {
        final Env<ByteBuffer> env;
        try {
            // lmdbjava's ByteBuffer proxy: the Unsafe-based one when Unsafe is usable, else the reflective one. Both
            // need --add-opens java.base/java.nio and --add-exports java.base/sun.nio.ch (checked before: touching
            // ByteBufferProxy without them fails its class initialization); both work on JDK 17 and 25.
            final BufferProxy<ByteBuffer> proxy = ByteBufferProxy.PROXY_OPTIMAL;
            env = Env.create(proxy)
                    .setMapSize(mapSize)
                    .setMaxDbs(LmdbMetadataStore.MAX_TABLES)
                    .setMaxReaders(LmdbMetadataStore.MAX_READERS)
                    .open(directory.toFile(), OWNER_FILE_MODE, EnvFlags.MDB_NOTLS);
        } catch (final Env.FileInvalidException e) {
            throw new MetadataException("metadata store " + directory + ": " + directory.resolve("data.mdb")
                    + " (or lock.mdb) is not an LMDB file (MDB_INVALID): it is damaged or was written by something"
                    + " else", e);
        } catch (final Env.VersionMismatchException e) {
            throw new MetadataException("metadata store " + directory
                    + ": the files were written by an incompatible LMDB version (MDB_VERSION_MISMATCH)", e);
        } catch (final LmdbException e) {
            throw new MetadataException("cannot open metadata store " + directory + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (final LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MetadataException("cannot open metadata store " + directory
                    + ": lmdbjava or the LMDB native library could not be loaded: " + e
                    + (root != e ? ", caused by " + root : ""), e);
        }
        try {
            env.readerCheck(); // clear reader slots left by processes that died
        } catch (final LmdbException e) {
            env.close();
            throw new MetadataException("cannot open metadata store " + directory + ": " + e.getMessage(), e);
        }
        return env;
    }
}
