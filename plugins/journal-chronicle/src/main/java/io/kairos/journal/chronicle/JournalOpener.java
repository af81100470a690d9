package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.YieldingPauser;
import net.openhft.chronicle.wire.Wires;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kairos.journal.chronicle.JournalIo.closeQuietly;
import static io.kairos.journal.chronicle.JournalIo.describe;

/**
 * The steps of opening a journal directory, in the order {@link ChronicleJournal} takes them: make the directory,
 * take its OS lock, check the cycle files' headers before Chronicle maps them, open the queue, free a write lock a
 * dead writer left.
 */
final class JournalOpener {
    /** Chronicle's wait for other writers; there are none (the OS lock), so it only delays crash recovery. */
    private static final long QUEUE_TIMEOUT_MS = 500;
    private static final int MAX_FILE_HEADER_LENGTH = 64 << 10;
    private static final System.Logger LOG = System.getLogger(ChronicleJournal.class.getName());

    private JournalOpener() {
    }

    /**
     * Fails early, with the flags to add, where Chronicle Queue would fail obscurely at its first use (its method
     * writers and memory mapping reach into these JDK packages).
     */
    static void checkJvmAccess(final Path directory) {
        final Module chronicle = SingleChronicleQueue.class.getModule();
        final String target = chronicle.isNamed() ? chronicle.getName() : "ALL-UNNAMED";
        final List<String> missing = new ArrayList<>();
        final String[][] needed = {  // module, package, "exports" or "opens"
            {"java.base", "jdk.internal.ref", "exports"}, {"java.base", "sun.nio.ch", "exports"},
            {"jdk.compiler", "com.sun.tools.javac.file", "exports"}, {"java.base", "java.lang", "opens"},
            {"java.base", "java.lang.reflect", "opens"}};
        for (final String[] flag : needed) {
            final boolean granted = ModuleLayer.boot().findModule(flag[0])
                .map(m -> flag[2].equals("opens") ? m.isOpen(flag[1], chronicle) : m.isExported(flag[1], chronicle))
                .orElse(true);  // a module this JVM lacks cannot be granted anyway
            if (!granted) {
                missing.add("--add-" + flag[2] + "=" + flag[0] + "/" + flag[1] + "=" + target);
            }
        }
        if (!missing.isEmpty()) {
            throw new JournalException("cannot open journal " + directory + ": Chronicle Queue needs the JVM flags "
                + String.join(" ", missing));
        }
    }

    static void prepareDirectory(final Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new JournalException("journal directory " + dir + " is not a directory"
                    + (Files.isRegularFile(dir) ? " (it is a regular file)" : ""));
        }
        try {
            Files.createDirectories(dir, JournalIo.OWNER_DIRECTORY);  // 0700: other users neither list nor read it
        } catch (UnsupportedOperationException e) {
            createDirectoriesNotPosix(dir);
        } catch (FileAlreadyExistsException e) {
            throw new JournalException("cannot create journal directory " + dir + ": " + e.getFile()
                    + " exists and is not a directory", e);
        } catch (IOException | SecurityException e) {
            throw new JournalException("cannot create journal directory " + dir + ": " + describe(e), e);
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new JournalException("journal directory " + dir + " is not readable and writable");
        }
    }

    private static void createDirectoriesNotPosix(final Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new JournalException("cannot create journal directory " + dir + ": " + describe(e), e);
        }
    }

    /** Opens and locks the directory's lock file; the channel returned holds the OS lock until it is closed. */
    static FileChannel lock(final Path dir) {
        final Path lockFile = dir.resolve(ChronicleJournal.LOCK_FILE_NAME);
        final FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    JournalIo.OWNER_FILE_ATTRIBUTE);
        } catch (IOException | SecurityException e) {
            throw new JournalException("journal directory " + dir + " is not writable: cannot open " + lockFile
                    + ": " + describe(e), e);
        }
        try {
            final FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new JournalException("journal directory " + dir + " is in use by another process ("
                        + lockFile + " is locked)");
            }
            return channel;
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new JournalException("journal directory " + dir + " is already open in this process", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new JournalException("cannot lock journal directory " + dir + " (" + lockFile + "): "
                    + describe(e), e);
        } catch (JournalException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Checks each cycle file's header before Chronicle maps it, and notes its length. The newest file may have
     * been created by a process that died before publishing its header: no record was ever written to it (records
     * follow the header), so it is moved aside; Chronicle would otherwise wait on it and then do the same.
     */
    static Map<String, Long> inspectCycleFiles(final Path dir) {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + CycleFiles.SUFFIX)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new JournalException("cannot list journal directory " + dir + ": " + describe(e), e);
        }
        files.sort(null); // the names sort by time for a given roll cycle
        final Map<String, Long> lengths = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            final Path file = files.get(i);
            final long length;
            final int header;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                length = channel.size();
                final ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                    // read the first int
                }
                header = buffer.position() == 4 ? buffer.getInt(0) : 0;
            } catch (IOException e) {
                throw new JournalException("cannot read journal file " + file + ": " + describe(e), e);
            }
            final boolean valid = length >= 4 && Wires.isReadyMetaData(header)
                    && Wires.lengthOf(header) <= MAX_FILE_HEADER_LENGTH && length >= 4L + Wires.lengthOf(header);
            if (valid) {
                lengths.put(file.getFileName().toString(), length);
                continue;
            }
            final boolean neverPublished = length == 0
                    || (length >= 4 && (header == 0 || header == Wires.NOT_COMPLETE_UNKNOWN_LENGTH));
            if (i == files.size() - 1 && neverPublished) {
                discard(file, length);
                continue;
            }
            throw new JournalException("journal file " + file + " is damaged or truncated: "
                    + (length < 4 ? "it has " + length + " bytes, less than a header"
                    : "its header (0x" + Integer.toHexString(header) + ") is not a complete file header"
                    + " (file length " + length + ")"));
        }
        return lengths;
    }

    private static void discard(final Path file, final long length) {
        final Path aside = file.resolveSibling(file.getFileName() + "-" + System.currentTimeMillis() + ".discard");
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException ignored) {
            return;
        } catch (IOException e) {
            throw new JournalException("journal file " + file + " has no header (a writer died creating it) and"
                    + " cannot be moved aside: " + describe(e), e);
        }
        LOG.log(System.Logger.Level.WARNING, "journal file " + file + " (" + length + " bytes) has no header: its"
                + " writer died creating it, before any record; moved aside to " + aside);
    }

    /** Each cycle file Chronicle creates (with the umask's mode) becomes owner-only as soon as it is acquired. */
    private static final class OwnerOnlyFiles implements StoreFileListener {
        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void onAcquired(final int cycle, final java.io.File file) {
            JournalIo.ownerOnly(file.toPath());
        }

        @Override
        public void onReleased(final int cycle, final java.io.File file) {
            // nothing to do
        }
    }

    static SingleChronicleQueue openQueue(final Path dir, final JournalOptions options, final TimeProvider time) {
        final RollCycle roll = options.roll() == JournalOptions.Roll.HOURLY ? RollCycles.FAST_HOURLY
                : RollCycles.FAST_DAILY;
        try {
            return SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(roll)
                    .timeProvider(time)
                    .timeoutMS(QUEUE_TIMEOUT_MS)
                    .checkInterrupts(false)
                    .storeFileListener(new OwnerOnlyFiles())
                    .build();
        } catch (RuntimeException e) {
            throw new JournalException("cannot open journal in " + dir + ": " + e, e);
        }
    }

    /**
     * Chronicle frees a write lock left by a dead process when it opens the queue, but not one left by an earlier
     * process with this process's id (a restarted container). Holding the directory's OS lock, no other writer
     * exists: whatever holds Chronicle's lock is stale.
     */
    static void releaseStaleWriteLock(final SingleChronicleQueue q) {
        try (TableStoreWriteLock lock = new TableStoreWriteLock(q.metaStore(), () -> new YieldingPauser(500_000),
                QUEUE_TIMEOUT_MS)) {
            if (lock.locked()) {
                lock.forceUnlock();
            }
        } catch (RuntimeException e) {
            throw new JournalException("cannot open journal in " + q.fileAbsolutePath() + ": cannot release the"
                    + " write lock of a dead writer: " + e, e);
        }
    }
}
