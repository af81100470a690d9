package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rough check of append's cost: allocation-free in steady state; its rate and replay's are printed, not asserted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChronicleJournalAppendCostTest {
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 500_000;

    @TempDir
    Path tmp;

    @Test
    void appendIsAllocationFree() {
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final ByteBuffer direct = ByteBuffer.allocateDirect(100);
        final ByteBuffer heap = ByteBuffer.allocate(100);
        for (int i = 0; i < 100; i++) {
            direct.put(i, (byte) i);
            heap.put(i, (byte) i);
        }
        try (ChronicleJournal journal = new ChronicleJournal(tmp, new JournalOptions(JournalOptions.Roll.DAILY, 0))) {
            for (int i = 0; i < WARM_UP; i++) {
                journal.append((i & 1) == 0 ? direct : heap);
            }
            final long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            final long start = System.nanoTime();
            for (int i = 0; i < MEASURED; i++) {
                journal.append((i & 1) == 0 ? direct : heap);
            }
            final long nanos = System.nanoTime() - start;
            final long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
            System.out.printf("append: %d records of 100 bytes in %.1f ms: %.0f ns/record, %.2f M records/s,"
                            + " %d bytes allocated%n", MEASURED, nanos / 1e6, (double) nanos / MEASURED,
                    MEASURED * 1e3 / nanos, allocated);
            assertTrue(allocated < MEASURED / 10, allocated + " bytes allocated by " + MEASURED + " appends");
            final long[] count = {0};
            final long replayStart = System.nanoTime();
            journal.replay(r -> count[0]++);
            final long replayNanos = System.nanoTime() - replayStart;
            System.out.printf("replay: %d records in %.1f ms: %.0f ns/record%n", count[0], replayNanos / 1e6,
                    (double) replayNanos / count[0]);
            assertTrue(count[0] == WARM_UP + MEASURED, count[0] + " records replayed");
        }
    }
}
