package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Consumer;

import static io.kairos.journal.chronicle.JournalIo.closeQuietly;

/**
 * {@link ChronicleJournal#replay}: reads the cycle files oldest first and checks each one's structure in full (the
 * excerpts chain up to the last record the writer published, number as many records as the file's index says, and
 * end within the file's length at open) before handing any of its records. Not thread-safe, like the journal's
 * replay; the buffer handed to the consumer is reused.
 */
final class JournalReplayer {
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final CycleFiles cycleFiles;
    private final int maxRecordLength;
    private byte[] replayCopy = new byte[0];
    private ByteBuffer replayView = ByteBuffer.wrap(replayCopy).asReadOnlyBuffer();

    JournalReplayer(final Path directory, final SingleChronicleQueue queue, final CycleFiles cycleFiles,
                    final int maxRecordLength) {
        this.directory = directory;
        this.queue = queue;
        this.cycleFiles = cycleFiles;
        this.maxRecordLength = maxRecordLength;
    }

    /** Hands every record of every cycle file, oldest first; see {@link ChronicleJournal#replay}. */
    void replay(final Consumer<ByteBuffer> consumer) {
        final NavigableMap<Integer, File> cycles = cycleFiles.list();
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
        final long lengthAtOpen = cycleFiles.lengthAtOpen(cycle);
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
}
