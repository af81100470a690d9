package io.kairos.journal.chronicle;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import static io.kairos.journal.chronicle.JournalIo.closeQuietly;
import static io.kairos.journal.chronicle.JournalIo.describe;

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

    private final Path directory;
    private final FileChannel lockChannel;
    private final SingleChronicleQueue queue;
    private final CycleFiles cycleFiles;
    private final JournalReplayer replayer;
    private final int retainedCycles;
    private final int maxRecordLength;

    private ExcerptAppender appender;
    private int appenderCycle = Integer.MIN_VALUE;
    private final List<File> rolledSinceFlush = new ArrayList<>(2);
    private byte[] appendCopy = new byte[0];
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
        JournalOpener.checkJvmAccess(this.directory);
        JournalOpener.prepareDirectory(this.directory);
        this.lockChannel = JournalOpener.lock(this.directory);
        SingleChronicleQueue q = null;
        try {
            final Map<String, Long> lengths = JournalOpener.inspectCycleFiles(this.directory);
            q = JournalOpener.openQueue(this.directory, options, time);
            JournalOpener.releaseStaleWriteLock(q);
            JournalIo.ownerOnlyFiles(this.directory);  // the table store Chronicle created with the umask's mode
            this.cycleFiles = new CycleFiles(this.directory, q, lengths);
            this.maxRecordLength = (int) Math.min(q.overlapSize() - 64, (1 << 30) - 64);
            this.replayer = new JournalReplayer(this.directory, q, cycleFiles, maxRecordLength);
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
        replayer.replay(consumer);
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
            rolledSinceFlush.add(cycleFiles.file(appenderCycle));
        }
        appenderCycle = cycle;
        // Chronicle tells its store-file listener on a background thread, so a reader could see the umask's mode
        // until then: the writer makes the file owner-only itself, before its append returns.
        JournalIo.ownerOnly(cycleFiles.file(cycle).toPath());
        cycleFiles.writing(cycle);
        if (retainedCycles > 0 && cycleFiles.deleteAllButNewest(retainedCycles)) {
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

    private JournalException closedException() {
        return new JournalException("journal " + directory + " is closed");
    }
}
