package io.kairos.journal.chronicle;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.YieldingPauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;

import java.io.File;
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
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link Journal} kept in a single-writer Chronicle Queue: one {@code .cq4} file per roll cycle (an hour or a day,
 * UTC) in the data directory, each record one excerpt holding exactly the record's bytes.
 *
 * <p><b>Durability.</b> {@link #append} writes into a memory-mapped file: a record is in the OS page cache when the
 * call returns and survives a crash of the process (kill -9). {@link #flush} forces the cycle files written since the
 * previous flush to the device ({@code fdatasync}), for a power failure. A record that was being appended when the
 * process died (an incomplete excerpt at the end of a file) was never acknowledged: replay skips it and the next
 * append overwrites it (in an older cycle, Chronicle first waits half a second for it, then closes the file). A cycle
 * file whose header a dying writer never published holds no record: the journal moves it aside at open (renamed
 * {@code *.discard}, with a warning) if it is the newest file, and refuses to open otherwise.
 *
 * <p><b>Damage.</b> Chronicle does not checksum excerpts and, on its own, neither reports a truncated file (it
 * extends it with zeros when mapping it) nor a damaged excerpt header (it stops reading, or skips the excerpt as
 * meta data): records are silently lost. This journal checks the structure instead: each cycle file's length at open
 * (a record that ends past it was cut), and that the excerpts read chain up to the last record the writer
 * published and number as many records as the file's index says. A damaged header or a truncated file so fails
 * {@link #replay} with a {@link JournalException} naming the file, the record number and its position. Replay checks
 * each file in full before handing any of its records, so no record of a damaged file reaches the consumer. Damage
 * inside a record's payload that leaves the headers intact (or changes a length by less than the 4-byte alignment)
 * cannot be seen: the records carry no checksum of their own.
 *
 * <p><b>Retention.</b> With {@link JournalOptions#retainedCycles()} {@code > 0}, when the writer starts a new cycle
 * the cycle files beyond the newest {@code retainedCycles} are deleted.
 *
 * <p><b>Limits and threading.</b> One writer per directory: an OS lock on {@value #LOCK_FILE_NAME} keeps a second
 * journal (another process, or this one) out. {@link #append} and {@link #flush} are called from one thread at a
 * time (not necessarily the same one), {@link #replay} and {@link #close} never at the same time as they are
 * (Chronicle's appender and its memory mappings are not thread-safe). Records are 1 byte to
 * {@link #maxRecordLength()} bytes. A directory keeps the roll cycle it was created with (Chronicle records it in
 * {@code metadata.cq4t}).
 */
public final class ChronicleJournal implements Journal {
    static {
        ChronicleDefaults.apply();
    }

    /** The file in the data directory whose OS lock marks the journal as open. */
    public static final String LOCK_FILE_NAME = "journal.lock";

    private static final String SUFFIX = SingleChronicleQueue.SUFFIX;
    /** Chronicle's wait for other writers; there are none (the OS lock), so it only delays crash recovery. */
    private static final long QUEUE_TIMEOUT_MS = 500;
    private static final int MAX_FILE_HEADER_LENGTH = 64 << 10;
    private static final System.Logger LOG = System.getLogger(ChronicleJournal.class.getName());

    private final Path directory;
    private final FileChannel lockChannel;
    private final SingleChronicleQueue queue;
    private final RollingResourcesCache fileNames;
    private final int retainedCycles;
    private final int maxRecordLength;
    /** Cycle file lengths before Chronicle mapped (and so zero-extended) them; dropped once this journal writes one. */
    private final Map<Integer, Long> lengthsAtOpen;

    private ExcerptAppender appender;
    private int appenderCycle = Integer.MIN_VALUE;
    private final List<File> rolledSinceFlush = new ArrayList<>(2);
    private byte[] appendCopy = new byte[0];
    private byte[] replayCopy = new byte[0];
    private ByteBuffer replayView = ByteBuffer.wrap(replayCopy).asReadOnlyBuffer();
    private FileChannel syncChannel;
    private File syncFile;
    private volatile boolean closed;

    /**
     * Opens (creating if needed) the journal in this directory, the roll cycle and retention from the options.
     *
     * @throws JournalException if the directory cannot be created, read or written, is used by another journal, or
     *                          holds a cycle file with a damaged header
     */
    public ChronicleJournal(final Path directory, final JournalOptions options) {
        this(directory, options, SystemTimeProvider.INSTANCE);
    }

    /** As the public constructor, with Chronicle's clock (tests move it across cycles). */
    ChronicleJournal(final Path directory, final JournalOptions options, final TimeProvider time) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(time, "time");
        this.directory = directory.toAbsolutePath().normalize();
        this.retainedCycles = options.retainedCycles();
        prepareDirectory(this.directory);
        this.lockChannel = lock(this.directory);
        SingleChronicleQueue q = null;
        try {
            final Map<String, Long> lengths = inspectCycleFiles(this.directory);
            q = openQueue(this.directory, options, time);
            releaseStaleWriteLock(q);
            this.fileNames = new RollingResourcesCache(q.rollCycle(), q.epoch(),
                    name -> new File(this.directory.toFile(), name + SUFFIX),
                    file -> file.getName().substring(0, file.getName().length() - SUFFIX.length()));
            this.lengthsAtOpen = new HashMap<>();
            for (Map.Entry<String, Long> e : lengths.entrySet()) {
                lengthsAtOpen.put(cycleOf(e.getKey(), q.rollCycle()), e.getValue());
            }
            this.maxRecordLength = (int) Math.min(q.overlapSize() - 64, (1 << 30) - 64);
            this.queue = q;
        } catch (RuntimeException | Error e) {
            if (q != null) {
                closeQuietly(q);
            }
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /** The data directory. */
    public Path directory() {
        return directory;
    }

    /** The largest record {@link #append} takes, in bytes (a quarter of Chronicle's block size). */
    public int maxRecordLength() {
        return maxRecordLength;
    }

    /**
     * Appends one record as one excerpt; allocation-free once the record sizes have been seen.
     *
     * @throws JournalException if the journal is closed, the record is empty or longer than
     *                          {@link #maxRecordLength()}, or Chronicle cannot write it
     */
    @Override
    public void append(final ByteBuffer record) {
        if (closed) {
            throw closedException();
        }
        final int length = record.remaining();
        if (length == 0 || length > maxRecordLength) {
            throw new JournalException("journal " + directory + ": cannot append a record of " + length
                    + " bytes (records are 1 to " + maxRecordLength + " bytes)");
        }
        ExcerptAppender a = appender;
        if (a == null) {
            a = createAppender();
        }
        try {
            final DocumentContext dc = a.writingDocument();
            try {
                final Bytes<?> bytes = dc.wire().bytes();
                final long at = bytes.writePosition();
                final int from = record.position();
                if (record.isDirect()) {
                    bytes.write(at, record, from, length);
                } else if (record.hasArray()) {
                    bytes.write(at, record.array(), record.arrayOffset() + from, length);
                } else {
                    // read-only heap buffer: no array to copy from
                    if (appendCopy.length < length) {
                        appendCopy = new byte[Math.max(length, Math.min(appendCopy.length * 2, maxRecordLength))];
                    }
                    record.get(from, appendCopy, 0, length);
                    bytes.write(at, appendCopy, 0, length);
                }
                bytes.writePosition(at + length);
            } catch (Throwable t) {
                dc.rollbackOnClose();
                throw t;
            } finally {
                dc.close();
            }
        } catch (RuntimeException e) {
            if (closed) {
                throw closedException();
            }
            throw new JournalException("journal " + directory + ": cannot append a record of " + length
                    + " bytes: " + e, e);
        }
        final int cycle = a.cycle();
        if (cycle != appenderCycle) {
            startedCycle(a, cycle);
        }
    }

    /**
     * Forces the records appended since the previous flush to the storage device.
     *
     * @throws JournalException if the journal is closed or the OS reports an I/O error
     */
    @Override
    public void flush() {
        if (closed) {
            throw closedException();
        }
        final ExcerptAppender a = appender;
        final File current = a == null ? null : a.currentFile();
        File file = null;
        try {
            for (int i = 0; i < rolledSinceFlush.size(); i++) {
                file = rolledSinceFlush.get(i);
                if (!file.equals(syncFile) && !file.equals(current) && file.exists()) {
                    try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
                        channel.force(false);
                    }
                }
            }
            if (current != null && !current.equals(syncFile)) {
                file = syncFile;
                if (syncChannel != null) {
                    syncChannel.force(false);
                    syncChannel.close();
                    syncChannel = null;
                    syncFile = null;
                }
                file = current;
                syncChannel = FileChannel.open(current.toPath(), StandardOpenOption.WRITE);
                syncFile = current;
                forceDirectory();
            }
            if (syncChannel != null) {
                file = syncFile;
                syncChannel.force(false);
            }
            rolledSinceFlush.clear();
        } catch (IOException e) {
            throw new JournalException("cannot flush journal file " + file + ": " + describe(e), e);
        }
    }

    /**
     * Hands every record, oldest first, to the consumer as a read-only buffer that is valid only during the call
     * (the same buffer object is reused). Skips an incomplete record at the end of a file (an append cut short by a
     * crash). Exceptions thrown by the consumer pass through unchanged.
     *
     * @throws JournalException naming the cycle file, the record number and position if a file is truncated or an
     *                          excerpt header is damaged, or if the journal is closed
     */
    @Override
    public void replay(final Consumer<ByteBuffer> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (closed) {
            throw closedException();
        }
        final NavigableMap<Integer, File> cycles = listCycleFiles();
        if (cycles.isEmpty()) {
            return;
        }
        ExcerptTailer tailer = null;
        ExcerptTailer counter = null;
        try {
            try {
                queue.refreshDirectoryListing();
                tailer = queue.createTailer();
                counter = queue.createTailer();
            } catch (RuntimeException e) {
                throw new JournalException("cannot read journal in " + directory + ": " + e, e);
            }
            for (Map.Entry<Integer, File> e : cycles.entrySet()) {
                replayCycle(e.getKey(), e.getValue(), tailer, counter, consumer);
            }
        } finally {
            closeQuietly(counter);
            closeQuietly(tailer);
        }
    }

    /** Closes the files and releases the directory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(appender);
        closeQuietly(syncChannel);
        closeQuietly(queue);
        closeQuietly(lockChannel);
    }

    @Override
    public String toString() {
        return "ChronicleJournal[" + directory + "]";
    }

    // ---------------------------------------------------------------------------------------------- replay

    private void replayCycle(final int cycle, final File file, final ExcerptTailer tailer,
                             final ExcerptTailer counter, final Consumer<ByteBuffer> consumer) {
        final long published;
        final long expected;
        try {
            published = lastPublishedPosition(cycle, file);
            expected = counter.excerptsInCycle(cycle);
        } catch (JournalException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JournalException("cannot read journal file " + file + ": " + e, e);
        }
        // check the whole file before handing any of its records, so that no damaged record is handed
        walkCycle(cycle, file, tailer, published, expected, null);
        walkCycle(cycle, file, tailer, published, expected, consumer);
    }

    /** Reads one cycle file, checking its structure; hands its records to the consumer unless it is null. */
    private void walkCycle(final int cycle, final File file, final ExcerptTailer tailer, final long published,
                           final long expected, final Consumer<ByteBuffer> consumer) {
        try {
            if (!tailer.moveToCycle(cycle)) {
                throw new JournalException("journal file " + file + " cannot be read: Chronicle finds no data in it");
            }
        } catch (JournalException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JournalException("cannot read journal file " + file + ": " + e, e);
        }
        final long lengthAtOpen = lengthsAtOpen.getOrDefault(cycle, Long.MAX_VALUE);
        long records = 0;
        int recordsAfterPublished = 0;
        boolean reachedPublished = false;
        long lastPosition = -1;
        long lastEnd = 0;
        for (; ; ) {
            final int length;
            try (DocumentContext dc = tailer.readingDocument(true)) {
                if (!dc.isPresent() || tailer.cycle() != cycle) {
                    break;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                final long start = bytes.readPosition();
                final long size = bytes.readRemaining();
                final long position = start - 4;
                final long end = start + size;
                if (position == published) {
                    reachedPublished = true;
                } else if (position < published && end > published) {
                    throw damaged(file, cycle, records, position, "has a damaged header: its length (" + size
                            + " bytes) runs over the last record written, at position " + published);
                } else if (position > published && !reachedPublished) {
                    throw damaged(file, cycle, records, position, "does not follow the last record written,"
                            + " at position " + published + ": an excerpt header before it is damaged");
                }
                if (end > lengthAtOpen) {
                    throw damaged(file, cycle, records, position, "is cut short: it ends at byte " + end
                            + " but the file had " + lengthAtOpen + " bytes when the journal was opened"
                            + " (the file was truncated, or the header is damaged)");
                }
                if (dc.isMetaData()) {
                    lastPosition = position;
                    lastEnd = end;
                    continue;
                }
                // one complete record may follow the last published one: its writer died before publishing it
                if (position > published && ++recordsAfterPublished > 1) {
                    throw damaged(file, cycle, records, position, "lies beyond the last record written, at position "
                            + published + ": an excerpt header is damaged");
                }
                if (size > maxRecordLength) {
                    throw damaged(file, cycle, records, position, "has a damaged header (length " + size + ")");
                }
                length = (int) size;
                if (consumer != null) {
                    if (replayCopy.length < length) {
                        replayCopy = new byte[Math.max(length, Math.min(replayCopy.length * 2, maxRecordLength))];
                        replayView = ByteBuffer.wrap(replayCopy).asReadOnlyBuffer();
                    }
                    if (bytes.read(start, replayCopy, 0, length) != length) {
                        throw damaged(file, cycle, records, position, "cannot be read in full (" + length
                                + " bytes)");
                    }
                }
                lastPosition = position;
                lastEnd = end;
            } catch (JournalException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new JournalException("journal file " + file + " is damaged: cannot read record #" + records
                        + " after position " + lastEnd + ": " + e, e);
            }
            if (consumer != null) {
                replayView.clear().limit(length);
                consumer.accept(replayView);
            }
            records++;
        }
        if (!reachedPublished) {
            throw new JournalException("journal file " + file + " is damaged or truncated: its records stop at"
                    + " position " + align4(lastEnd) + " (after record #" + (records - 1) + " at position "
                    + lastPosition + ") but it was written up to the record at position " + published
                    + "; the excerpt header at " + align4(lastEnd) + " is damaged or cut");
        }
        if (records != expected) {
            throw new JournalException("journal file " + file + " is damaged: " + records + " records read up to"
                    + " position " + lastPosition + " but its index counts " + expected + ": an excerpt header before"
                    + " position " + published + " (the last record written) was altered");
        }
    }

    private long lastPublishedPosition(final int cycle, final File file) {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null) {
            throw new JournalException("journal file " + file + " cannot be opened");
        }
        try {
            return store.writePosition();
        } finally {
            queue.closeStore(store);
        }
    }

    private JournalException damaged(final File file, final int cycle, final long record, final long position,
                                     final String what) {
        return new JournalException("journal file " + file + " is damaged: record #" + record + " (index 0x"
                + Long.toHexString(queue.rollCycle().toIndex(cycle, record)) + ") at position " + position + " "
                + what);
    }

    private static long align4(final long position) {
        return (position + 3) & ~3L;
    }

    // ---------------------------------------------------------------------------------------------- append

    private ExcerptAppender createAppender() {
        try {
            final ExcerptAppender a = queue.createAppender();
            a.singleThreadedCheckDisabled(true);
            appender = a;
            return a;
        } catch (RuntimeException e) {
            if (closed) {
                throw closedException();
            }
            throw new JournalException("journal " + directory + ": cannot start appending: " + e, e);
        }
    }

    /** The writer has just written the first record of this cycle (in this process). */
    private void startedCycle(final ExcerptAppender a, final int cycle) {
        if (appenderCycle != Integer.MIN_VALUE) {
            rolledSinceFlush.add(fileNames.resourceFor(appenderCycle).path);
        }
        appenderCycle = cycle;
        lengthsAtOpen.remove(cycle);
        if (retainedCycles > 0) {
            deleteOldCycles();
        }
    }

    /** Keeps the newest {@code retainedCycles} cycle files; a failure is logged (the append itself succeeded). */
    private void deleteOldCycles() {
        final NavigableMap<Integer, File> cycles;
        try {
            cycles = listCycleFiles();
        } catch (JournalException e) {
            LOG.log(System.Logger.Level.WARNING, "journal " + directory + ": cannot apply retention", e);
            return;
        }
        int kept = 0;
        boolean deleted = false;
        for (Map.Entry<Integer, File> e : cycles.descendingMap().entrySet()) {
            if (++kept <= retainedCycles) {
                continue;
            }
            try {
                Files.deleteIfExists(e.getValue().toPath());
                lengthsAtOpen.remove(e.getKey());
                deleted = true;
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "journal " + directory + ": cannot delete old cycle file "
                        + e.getValue() + ": " + describe(ex), ex);
            }
        }
        if (deleted) {
            queue.refreshDirectoryListing();
        }
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not every platform can sync a directory; the file data itself has been forced
        }
    }

    // ---------------------------------------------------------------------------------------------- files

    /** The cycle files on disk by cycle. */
    private NavigableMap<Integer, File> listCycleFiles() {
        final NavigableMap<Integer, File> cycles = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                final String name = f.getFileName().toString();
                cycles.put(cycleOf(name, queue.rollCycle()), f.toFile());
            }
        } catch (IOException e) {
            throw new JournalException("cannot list journal directory " + directory + ": " + describe(e), e);
        }
        return cycles;
    }

    private int cycleOf(final String fileName, final RollCycle rollCycle) {
        final String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            final int cycle = fileNames.parseCount(name);
            if (fileNames.resourceFor(cycle).text.equals(name)) {
                return cycle;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new JournalException("journal file " + directory.resolve(fileName) + " is not a cycle file of this"
                + " journal (its roll cycle " + rollCycle + " names files " + rollCycle.format() + SUFFIX + ")");
    }

    private static void prepareDirectory(final Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new JournalException("journal directory " + dir + " is not a directory"
                    + (Files.isRegularFile(dir) ? " (it is a regular file)" : ""));
        }
        try {
            Files.createDirectories(dir);
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

    private static FileChannel lock(final Path dir) {
        final Path lockFile = dir.resolve(LOCK_FILE_NAME);
        final FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
    private static Map<String, Long> inspectCycleFiles(final Path dir) {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
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

    private static SingleChronicleQueue openQueue(final Path dir, final JournalOptions options,
                                                  final TimeProvider time) {
        final RollCycle roll = options.roll() == JournalOptions.Roll.HOURLY ? RollCycles.FAST_HOURLY
                : RollCycles.FAST_DAILY;
        try {
            return SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(roll)
                    .timeProvider(time)
                    .timeoutMS(QUEUE_TIMEOUT_MS)
                    .checkInterrupts(false)
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
    private static void releaseStaleWriteLock(final SingleChronicleQueue q) {
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

    private JournalException closedException() {
        return new JournalException("journal " + directory + " is closed");
    }

    private static String describe(final Exception e) {
        final String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void closeQuietly(final AutoCloseable closeable) {
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
