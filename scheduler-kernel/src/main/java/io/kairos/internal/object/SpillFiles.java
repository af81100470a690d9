package io.kairos.internal.object;

import io.kairos.spi.metadata.MetadataStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files spilled objects live in: each spill writes its batch of objects, back to back, into one new file (so
 * small objects are fused into one file and one write), and a file is deleted when the last of its objects is freed.
 * With a metadata store, every file and object is indexed (tables {@value #TABLE}, {@value #OBJECTS}) until it is
 * deleted, so that a kernel started again on the directory finds the results of tasks that ended before (they stay
 * readable) and deletes everything else a crash left behind. Thread-safe.
 */
public final class SpillFiles implements AutoCloseable {
    public static final String TABLE = "spill-files";
    /** Object id (long) -> offset (long), length (int), file name (UTF-8): the spilled objects, for a restart. */
    public static final String OBJECTS = "spilled-objects";

    /** One spill file and how many of its objects are live. */
    public static final class SpillFile {
        public final Path path;
        public final FileChannel channel;
        public final AtomicInteger live;
        public final long bytes;

        public SpillFile(final Path path, final FileChannel channel, final int objects, final long bytes) {
            this.path = path;
            this.channel = channel;
            this.live = new AtomicInteger(objects);
            this.bytes = bytes;
        }
    }

    /** Where a spilled object is. */
    public record Location(SpillFile file, long offset, int length, long objectId) {
    }

    private final Path directory;
    private final MetadataStore index;
    private final boolean ownsDirectory;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong diskBytes = new AtomicLong();
    private final java.util.Set<SpillFile> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<Long, Location> retained = new java.util.HashMap<>();

    private static final java.nio.file.attribute.FileAttribute<?> OWNER_FILE =
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    /** Creates the directory (and missing parents) as 0700, where the file system is POSIX. */
    private static void createOwnerOnly(final Path directory) throws IOException {
        try {
            Files.createDirectories(directory, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (final UnsupportedOperationException notPosix) {
            Files.createDirectories(directory);
        }
    }

    /**
     * @param directory     where the files go (created if needed); files a previous kernel left are deleted now,
     *                      except those holding objects to keep
     * @param index         the metadata store to index files and objects in, or null
     * @param ownsDirectory true to delete the directory itself at close (a temporary one)
     * @param keep          which objects a previous kernel spilled to keep (the results of tasks whose end is in
     *                      the journal): they are found through the index and stay in their files
     */
    public SpillFiles(final Path directory, final MetadataStore index, final boolean ownsDirectory,
               final java.util.function.LongPredicate keep) {
        this.directory = directory;
        this.index = index;
        this.ownsDirectory = ownsDirectory;
        try {
            createOwnerOnly(directory);
            final java.util.Map<String, List<long[]>> kept = new java.util.HashMap<>();
            if (index != null) {
                final List<byte[]> staleObjects = new ArrayList<>();
                index.scan(OBJECTS, new byte[0], (key, value) -> {
                    final long id = ByteBuffer.wrap(key).getLong();
                    final ByteBuffer v = ByteBuffer.wrap(value);
                    final long offset = v.getLong();
                    final int length = v.getInt();
                    final String file = StandardCharsets.UTF_8.decode(v.slice()).toString();
                    if (keep.test(id) && Files.isRegularFile(directory.resolve(file))) {
                        kept.computeIfAbsent(file, f -> new ArrayList<>()).add(new long[] {id, offset, length});
                    } else {
                        staleObjects.add(key);
                    }
                });
                for (final byte[] key : staleObjects) {
                    index.delete(OBJECTS, key);
                }
                final List<byte[]> staleFiles = new ArrayList<>();
                index.scan(TABLE, new byte[0], (key, value) -> {
                    if (!kept.containsKey(new String(key, StandardCharsets.UTF_8))) {
                        staleFiles.add(key);
                    }
                });
                for (final byte[] key : staleFiles) {
                    index.delete(TABLE, key);
                }
            }
            try (var old = Files.newDirectoryStream(directory, "spill-*.bin")) {
                for (final Path path : old) {
                    if (!kept.containsKey(path.getFileName().toString())) {
                        Files.deleteIfExists(path);
                    }
                }
            }
            for (final java.util.Map.Entry<String, List<long[]>> e : kept.entrySet()) {
                final Path path = directory.resolve(e.getKey());
                final SpillFile file = new SpillFile(path, FileChannel.open(path, StandardOpenOption.READ),
                    e.getValue().size(), Files.size(path));
                open.add(file);
                files.incrementAndGet();
                diskBytes.addAndGet(file.bytes);
                for (final long[] object : e.getValue()) {
                    retained.put(object[0], new Location(file, object[1], (int) object[2], object[0]));
                }
            }
            long highest = 0;
            try (var all = Files.newDirectoryStream(directory, "spill-*.bin")) {
                for (final Path path : all) {
                    final String name = path.getFileName().toString();
                    highest = Math.max(highest, Long.parseLong(name.substring(6, name.length() - 4)));
                }
            }
            sequence.set(highest);
        } catch (final IOException | RuntimeException e) {
            final String why = e instanceof java.nio.file.FileAlreadyExistsException
                ? ((java.nio.file.FileAlreadyExistsException) e).getFile() + " exists and is not a directory"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new UncheckedIOException("spill directory " + directory + " cannot be prepared: " + why,
                e instanceof IOException ? (IOException) e : new IOException(e));
        }
    }

    /** The kept objects of a previous kernel (see the constructor), by object id. */
    public java.util.Map<Long, Location> retained() {
        return retained;
    }

    /**
     * Writes the buffers (one per object) into a new file with one gathering write.
     *
     * @return each object's location, in order
     */
    public Location[] write(final ByteBuffer[] objects, final long[] objectIds, final int count) throws IOException {
        final Path path = directory.resolve("spill-" + sequence.incrementAndGet() + ".bin");
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += objects[i].remaining();
        }
        if (index != null) {
            index.put(TABLE, path.getFileName().toString().getBytes(StandardCharsets.UTF_8), longBytes(total));
        }
        final FileChannel channel;
        try {
            channel = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), OWNER_FILE);  // 0600: spilled objects are private
        } catch (final IOException | RuntimeException e) {
            unindex(path);
            throw new IOException("creating " + path + " failed: " + e, e);
        }
        final Location[] locations = new Location[count];
        try {
            final SpillFile file = new SpillFile(path, channel, count, total);
            long offset = 0;
            for (int i = 0; i < count; i++) {
                locations[i] = new Location(file, offset, objects[i].remaining(), objectIds[i]);
                offset += objects[i].remaining();
            }
            long written = 0;
            while (written < total) {
                written += channel.write(objects, 0, count);
            }
        } catch (final IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(path);
            unindex(path);
            throw new IOException("writing " + path + " failed: " + e, e);
        }
        open.add(locations[0].file());
        if (index != null) {
            for (final Location location : locations) {
                index.put(OBJECTS, idBytes(location.objectId()), locationBytes(location));
            }
        }
        files.incrementAndGet();
        diskBytes.addAndGet(total);
        return locations;
    }

    /** Reads a spilled object into a new heap buffer. */
    public ByteBuffer read(final Location location) {
        final ByteBuffer into = ByteBuffer.allocate(location.length());
        try {
            long position = location.offset();
            while (into.hasRemaining()) {
                final int n = location.file().channel.read(into, position);
                if (n < 0) {
                    throw new IOException("end of file at " + position);
                }
                position += n;
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("spilled object at " + location.offset() + " of " + location.file().path
                + " cannot be read: " + e.getMessage(), e);
        }
        return into.flip();
    }

    /** The object at this location is freed: deletes its file once none of the file's objects is live. */
    public void free(final Location location) {
        if (index != null) {
            try {
                index.delete(OBJECTS, idBytes(location.objectId()));
            } catch (final RuntimeException e) {
                // the store is closed: the next kernel drops the entry
            }
        }
        final SpillFile file = location.file();
        if (file.live.decrementAndGet() == 0) {
            delete(file);
        }
    }

    private void delete(final SpillFile file) {
        open.remove(file);
        try {
            file.channel.close();
            Files.deleteIfExists(file.path);
        } catch (final IOException e) {
            // a file we cannot delete is deleted by the next kernel on this directory
        }
        unindex(file.path);
        files.decrementAndGet();
        diskBytes.addAndGet(-file.bytes);
    }

    private void unindex(final Path path) {
        if (index != null) {
            try {
                index.delete(TABLE, path.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            } catch (final RuntimeException e) {
                // the store is closed: the next kernel cleans up from the directory listing
            }
        }
    }

    public long files() {
        return files.get();
    }

    public long diskBytes() {
        return diskBytes.get();
    }

    private static byte[] idBytes(final long objectId) {
        return ByteBuffer.allocate(8).putLong(objectId).array();
    }

    private static byte[] locationBytes(final Location location) {
        final byte[] name = location.file().path.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + name.length).putLong(location.offset()).putInt(location.length()).put(name)
            .array();
    }

    private static byte[] longBytes(final long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /**
     * Closes the files. Without an index every spill file is deleted (the objects are gone with the kernel), and a
     * temporary directory with them; with one they stay for the next kernel on the directory, which keeps the results
     * of finished tasks and deletes the rest.
     */
    @Override
    public void close() {
        for (final SpillFile file : open) {
            try {
                file.channel.close();
            } catch (final IOException e) {
                // deleted below, or by the next kernel
            }
        }
        if (index != null) {
            return;
        }
        try (var all = Files.newDirectoryStream(directory, "spill-*.bin")) {
            for (final Path path : all) {
                Files.deleteIfExists(path);
            }
            if (ownsDirectory) {
                Files.deleteIfExists(directory);
            }
        } catch (final IOException e) {
            // left for the next kernel on this directory
        }
    }
}
