package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged cycle files. On its own Chronicle zero-extends a truncated file and stops at (or skips) a damaged excerpt
 * header without a word; the journal must fail replay instead, naming the file, and hand no damaged record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleJournalDamageTest {
    private static final JournalOptions HOURLY = new JournalOptions(JournalOptions.Roll.HOURLY, 0);
    private static final int RECORDS = 2000;
    private static final int DAMAGED = 1000;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "cut {0} bytes into record #" + DAMAGED)
    @ValueSource(ints = {2, 4, 50})
    void replayFailsOnAFileTruncatedMidRecord(final int into) throws Exception {
        writeRecords(tmp, RECORDS);
        final Path file = onlyCycleFile(tmp);
        final long position = headerPositions(tmp).get(DAMAGED);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(position + into);
        }
        assertReplayFails(file, DAMAGED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "zeros", "ones", "meta-bit", "longer", "shorter", "end-of-file"})
    void replayFailsOnGarbageInTheMiddleOfAFile(final String kind) throws Exception {
        writeRecords(tmp, RECORDS);
        final Path file = onlyCycleFile(tmp);
        final long position = headerPositions(tmp).get(DAMAGED);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            final int header = Integer.reverseBytes(raf.readInt());
            final byte[] garbage;
            switch (kind) {
                case "random":
                    garbage = new byte[64];
                    new Random(42).nextBytes(garbage);
                    break;
                case "zeros":
                    garbage = new byte[64];
                    break;
                case "ones":
                    garbage = new byte[64];
                    java.util.Arrays.fill(garbage, (byte) 0xFF);
                    break;
                case "meta-bit": // the excerpt would be skipped as Chronicle meta data
                    garbage = intBytes(header | 0x4000_0000);
                    break;
                case "longer":
                    garbage = intBytes(header + 8);
                    break;
                case "shorter": // by less than 4 it would be payload damage: the next header stays in place
                    garbage = intBytes(header - 4);
                    break;
                case "end-of-file":
                    garbage = intBytes(0xC000_0000);
                    break;
                default:
                    throw new AssertionError(kind);
            }
            raf.seek(position);
            raf.write(garbage);
        }
        assertReplayFails(file, DAMAGED);
    }

    @Test
    void replayFailsOnADamagedOlderCycle() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z"));
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY, time)) {
            Records.appendRange(journal, 0, RECORDS);
            time.advanceMillis(TimeUnit.HOURS.toMillis(1));
            Records.appendRange(journal, RECORDS, RECORDS + 10);
        }
        final Path older = tmp.resolve("20260501-10F.cq4");
        final long position = headerPositions(tmp).get(DAMAGED);
        try (FileChannel channel = FileChannel.open(older, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4), position);
        }
        assertReplayFails(older, DAMAGED);
    }

    @Test
    void theNewestFileWithoutAHeaderIsMovedAside() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z"));
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY, time)) {
            Records.appendRange(journal, 0, 100);
        }
        // a writer that died creating the next cycle's file, before its header
        Files.createFile(tmp.resolve("20260501-11F.cq4"));
        time.advanceMillis(TimeUnit.HOURS.toMillis(1));
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY, time)) {
            Records.assertHolds(journal, 0, 100);
            Records.appendRange(journal, 100, 200);
            Records.assertHolds(journal, 0, 200);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().endsWith(".discard")).count());
        }
    }

    @Test
    void openFailsOnAnOlderFileWithoutAHeader() throws Exception {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY,
                new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z")))) {
            Records.appendRange(journal, 0, 100);
        }
        final Path older = Files.createFile(tmp.resolve("20260501-09F.cq4"));
        final JournalException e = assertThrows(JournalException.class, () -> new ChronicleJournal(tmp, HOURLY));
        assertTrue(e.getMessage().contains(older.toString()), e.getMessage());
    }

    /** Replay must throw naming the file, having handed no record of it (the damaged file is the first). */
    private void assertReplayFails(final Path file, final int damaged) {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            final long[] count = {0};
            final long start = System.nanoTime();
            final JournalException e = assertThrows(JournalException.class, () -> journal.replay(record -> {
                Records.check(count[0], record);
                count[0]++;
            }));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("position"),
                    e.getMessage());
            assertEquals(0, count[0], "records handed from a file whose record #" + damaged + " is damaged");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "replay took too long");
        }
    }

    private static void writeRecords(final Path dir, final int n) {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-05-01T10:00:00Z"));
        try (ChronicleJournal journal = new ChronicleJournal(dir, HOURLY, time)) {
            Records.appendRange(journal, 0, n);
        }
    }

    /** The header positions of the data excerpts, read with Chronicle directly. */
    private static List<Long> headerPositions(final Path dir) {
        final List<Long> positions = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_HOURLY)
                .build();
             ExcerptTailer tailer = queue.createTailer()) {
            for (; ; ) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    positions.add(bytes.readPosition() - 4);
                }
            }
        }
        return positions;
    }

    private static Path onlyCycleFile(final Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            final List<Path> cq4 = new ArrayList<>();
            files.filter(p -> p.getFileName().toString().endsWith(".cq4")).forEach(cq4::add);
            assertEquals(1, cq4.size(), cq4.toString());
            return cq4.get(0);
        }
    }

    private static byte[] intBytes(final int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
