package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleJournalRetentionTest {
    private static final int PER_CYCLE = 1000;

    @TempDir
    Path tmp;

    @Test
    void keepsTheNewestCycles() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-02-03T10:15:00Z"));
        final JournalOptions options = new JournalOptions(JournalOptions.Roll.HOURLY, 2);
        try (ChronicleJournal journal = new ChronicleJournal(tmp, options, time)) {
            for (int cycle = 0; cycle < 5; cycle++) {
                Records.appendRange(journal, cycle * PER_CYCLE, (cycle + 1) * PER_CYCLE);
                time.advanceMillis(TimeUnit.HOURS.toMillis(1));
            }
            assertEquals(List.of("20260203-13F.cq4", "20260203-14F.cq4"), ChronicleJournalTest.cycleFiles(tmp));
            Records.assertHolds(journal, 3 * PER_CYCLE, 5 * PER_CYCLE);
        }
        try (ChronicleJournal journal = new ChronicleJournal(tmp, options, time)) {
            Records.assertHolds(journal, 3 * PER_CYCLE, 5 * PER_CYCLE);
            // a restart a day later: the first append starts a new cycle and drops the older of the two kept
            time.advanceMillis(TimeUnit.DAYS.toMillis(1));
            Records.appendRange(journal, 5 * PER_CYCLE, 6 * PER_CYCLE);
            assertEquals(List.of("20260203-14F.cq4", "20260204-15F.cq4"), ChronicleJournalTest.cycleFiles(tmp));
            Records.assertHolds(journal, 4 * PER_CYCLE, 6 * PER_CYCLE);
        }
    }

    @Test
    void zeroKeepsEverything() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-02-03T10:15:00Z"));
        final JournalOptions options = new JournalOptions(JournalOptions.Roll.HOURLY, 0);
        try (ChronicleJournal journal = new ChronicleJournal(tmp, options, time)) {
            for (int cycle = 0; cycle < 4; cycle++) {
                Records.appendRange(journal, cycle * PER_CYCLE, (cycle + 1) * PER_CYCLE);
                time.advanceMillis(TimeUnit.HOURS.toMillis(1));
            }
            assertEquals(4, ChronicleJournalTest.cycleFiles(tmp).size());
            Records.assertHolds(journal, 0, 4 * PER_CYCLE);
        }
    }

    /**
     * The mode is set by the writer before its first append in a cycle returns, not later by Chronicle's store-file
     * listener: that one runs on Chronicle's background thread, which this test holds busy meanwhile.
     */
    @Test
    void eachNewCycleFileIsOwnerOnlyWhenItsFirstAppendReturns() throws Exception {
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-02-03T10:15:00Z"));
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        BackgroundResourceReleaser.run(() -> {
            holding.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS), "Chronicle's background thread never ran");
        try (ChronicleJournal journal = new ChronicleJournal(tmp, new JournalOptions(JournalOptions.Roll.HOURLY, 0),
                time)) {
            try {
                for (int cycle = 0; cycle < 4; cycle++) {
                    Records.appendRange(journal, cycle, cycle + 1);
                    final List<String> files = ChronicleJournalTest.cycleFiles(tmp);
                    assertEquals(cycle + 1, files.size(), files.toString());
                    final String newest = files.get(files.size() - 1);
                    assertEquals("rw-------", PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(tmp.resolve(newest))), newest);
                    time.advanceMillis(TimeUnit.HOURS.toMillis(1));
                }
            } finally {
                release.countDown();
            }
        }
    }
}
