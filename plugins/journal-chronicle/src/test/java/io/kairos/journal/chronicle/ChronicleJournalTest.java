package io.kairos.journal.chronicle;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.YieldingPauser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleJournalTest {
    private static final JournalOptions HOURLY = new JournalOptions(JournalOptions.Roll.HOURLY, 0);

    @TempDir
    Path tmp;

    @Test
    void roundTripsRecordsAcrossReopen() {
        final Path dir = tmp.resolve("journal");
        final int n = 100_000;
        try (ChronicleJournal journal = new ChronicleJournal(dir, JournalOptions.DEFAULT)) {
            Records.assertHolds(journal, 0, 0);
            Records.appendRange(journal, 0, n);
            Records.assertHolds(journal, 0, n);
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir, JournalOptions.DEFAULT)) {
            Records.assertHolds(journal, 0, n);
            Records.appendRange(journal, n, n + 1000);
            journal.flush();
        }
        try (ChronicleJournal journal = new ChronicleJournal(dir, JournalOptions.DEFAULT)) {
            Records.assertHolds(journal, 0, n + 1000);
        }
    }

    @Test
    void appendTakesEveryKindOfBufferAndLeavesItsPosition() {
        final byte[] bytes = new byte[64];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i + 1);
        }
        final ByteBuffer heap = ByteBuffer.wrap(bytes, 5, 20);
        final ByteBuffer slice = ByteBuffer.wrap(bytes).position(10).slice().limit(7);
        final ByteBuffer readOnly = ByteBuffer.wrap(bytes, 3, 9).asReadOnlyBuffer();
        final ByteBuffer direct = ByteBuffer.allocateDirect(64).put(bytes).position(30).limit(40);
        final ByteBuffer directReadOnly = direct.duplicate().position(1).limit(64).asReadOnlyBuffer();
        final List<ByteBuffer> records = List.of(heap, slice, readOnly, direct, directReadOnly);
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            for (ByteBuffer record : records) {
                final int position = record.position();
                final int limit = record.limit();
                journal.append(record);
                assertEquals(position, record.position());
                assertEquals(limit, record.limit());
            }
            final List<byte[]> replayed = Records.replayAll(journal);
            assertEquals(records.size(), replayed.size());
            for (int i = 0; i < records.size(); i++) {
                final ByteBuffer r = records.get(i);
                final byte[] expected = new byte[r.remaining()];
                r.get(r.position(), expected);
                assertArrayEquals(expected, replayed.get(i), "record " + i);
            }
        }
    }

    @Test
    void replayHandsReadOnlyBuffers() {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            Records.appendRange(journal, 0, 3);
            journal.replay(record -> assertTrue(record.isReadOnly()));
        }
    }

    @Test
    void closeIsIdempotentAndAppendAfterCloseFails() {
        final ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY);
        Records.appendRange(journal, 0, 10);
        journal.close();
        assertDoesNotThrow(journal::close);
        final JournalException e = assertThrows(JournalException.class,
                () -> journal.append(ByteBuffer.wrap(new byte[]{1})));
        assertTrue(e.getMessage().contains("is closed") && e.getMessage().contains(tmp.toString()), e.getMessage());
        assertThrows(JournalException.class, () -> journal.replay(r -> { }));
        assertThrows(JournalException.class, journal::flush);
    }

    @Test
    void rejectsEmptyAndOversizedRecords() {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            assertThrows(JournalException.class, () -> journal.append(ByteBuffer.allocate(0)));
            final JournalException e = assertThrows(JournalException.class,
                    () -> journal.append(ByteBuffer.allocate(journal.maxRecordLength() + 1)));
            assertTrue(e.getMessage().contains(Integer.toString(journal.maxRecordLength())), e.getMessage());
            final ByteBuffer largest = ByteBuffer.allocateDirect(journal.maxRecordLength());
            largest.put(0, (byte) 7).put(largest.limit() - 1, (byte) 9);
            journal.append(largest);
            Records.appendRange(journal, 0, 10);
            final long[] seen = {0};
            journal.replay(record -> {
                if (seen[0] == 0) {
                    assertEquals(largest.capacity(), record.remaining());
                    assertEquals(7, record.get(0));
                    assertEquals(9, record.get(record.limit() - 1));
                } else {
                    Records.check(seen[0] - 1, record);
                }
                seen[0]++;
            });
            assertEquals(11, seen[0]);
        }
    }

    @Test
    void openFailsOnARegularFile() throws Exception {
        final Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        final JournalException e = assertThrows(JournalException.class, () -> new ChronicleJournal(file, HOURLY));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("regular file"),
                e.getMessage());
    }

    @Test
    void openFailsWhenTheDirectoryCannotBeCreated() throws Exception {
        final Path file = Files.writeString(tmp.resolve("data"), "not a directory");
        final Path below = file.resolve("journal");
        final JournalException e = assertThrows(JournalException.class, () -> new ChronicleJournal(below, HOURLY));
        assertTrue(e.getMessage().contains(below.toString()), e.getMessage());
    }

    @Test
    void oneWriterPerDirectory() {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            final JournalException e = assertThrows(JournalException.class, () -> new ChronicleJournal(tmp, HOURLY));
            assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("already open"),
                    e.getMessage());
            Records.appendRange(journal, 0, 5);
        }
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            Records.assertHolds(journal, 0, 5);
        }
    }

    @Test
    void aWriteLockLeftByAnEarlierProcessWithThisPidIsReleased() {
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            Records.appendRange(journal, 0, 10);
        }
        // what a process that died holding Chronicle's write lock leaves, when this one has its pid (a container)
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tmp).rollCycle(RollCycles.FAST_HOURLY)
                .build();
             TableStoreWriteLock lock = new TableStoreWriteLock(queue.metaStore(), () -> new YieldingPauser(1000),
                     10_000L)) {
            lock.lock();
        }
        final long start = System.nanoTime();
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY)) {
            Records.appendRange(journal, 10, 20);
            Records.assertHolds(journal, 0, 20);
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "waited on the stale lock");
    }

    @Test
    void providerIsFoundByServiceLoader() {
        final List<JournalProvider> providers = ServiceLoader.load(JournalProvider.class).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toList());
        assertEquals(1, providers.size());
        assertEquals("chronicle", providers.get(0).name());
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertEquals("true", System.getProperty("chronicle.announcer.disable"));
        try (Journal journal = providers.get(0).open(tmp.resolve("j"), JournalOptions.DEFAULT)) {
            journal.append(ByteBuffer.wrap(new byte[]{42}));
            final int[] count = {0};
            journal.replay(r -> count[0]++);
            assertEquals(1, count[0]);
        }
    }

    @Test
    void dailyAndHourlyFilesAreNamedByCycle() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-04T05:06:07Z"));
        try (ChronicleJournal journal = new ChronicleJournal(tmp.resolve("d"), JournalOptions.DEFAULT, time)) {
            Records.appendRange(journal, 0, 3);
        }
        try (ChronicleJournal journal = new ChronicleJournal(tmp.resolve("h"), HOURLY, time)) {
            Records.appendRange(journal, 0, 3);
        }
        assertEquals(List.of("20260304F.cq4"), cycleFiles(tmp.resolve("d")));
        assertEquals(List.of("20260304-05F.cq4"), cycleFiles(tmp.resolve("h")));
    }

    @Test
    void flushForcesFilesAcrossARoll() {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-04T05:59:00Z"));
        try (ChronicleJournal journal = new ChronicleJournal(tmp, HOURLY, time)) {
            journal.flush();
            Records.appendRange(journal, 0, 100);
            journal.flush();
            time.advanceMillis(TimeUnit.MINUTES.toMillis(2));
            Records.appendRange(journal, 100, 200);
            journal.flush();
            journal.flush();
            Records.assertHolds(journal, 0, 200);
        }
    }

    static List<String> cycleFiles(final Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted()
                    .collect(Collectors.toList());
        }
    }
}
