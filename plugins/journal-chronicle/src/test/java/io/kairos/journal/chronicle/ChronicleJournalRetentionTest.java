package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
