package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalOptions;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ChronicleJournalCrashTest}, which kills it.
 * <ul>
 *   <li>{@code append DIR}: appends records 0, 1, 2, ... forever, printing {@code ACK n} after every 1000th
 *   ({@code n} records acknowledged);</li>
 *   <li>{@code partial DIR N}: appends records 0..N-1, closes the journal, starts an excerpt with Chronicle directly,
 *   writes half a record into it, prints {@code PARTIAL} and waits, so that it dies mid-record.</li>
 * </ul>
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(final String[] args) throws Exception {
        final Path dir = Path.of(args[1]);
        final JournalOptions options = new JournalOptions(JournalOptions.Roll.HOURLY, 0);
        if (args[0].equals("append")) {
            final ChronicleJournal journal = new ChronicleJournal(dir, options);
            final ByteBuffer buffer = ByteBuffer.allocateDirect(Records.MAX_LENGTH);
            for (long i = 0; ; i++) {
                journal.append(Records.fill(buffer, i));
                if ((i + 1) % 1000 == 0) {
                    System.out.println("ACK " + (i + 1));
                    System.out.flush();
                }
            }
        }
        final int n = Integer.parseInt(args[2]);
        try (ChronicleJournal journal = new ChronicleJournal(dir, options)) {
            Records.appendRange(journal, 0, n);
        }
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_HOURLY)
                .build();
        final ExcerptAppender appender = queue.createAppender();
        final DocumentContext dc = appender.writingDocument();
        final ByteBuffer record = Records.fill(ByteBuffer.allocate(Records.MAX_LENGTH), n);
        dc.wire().bytes().write(record.array(), 0, record.remaining() / 2);
        System.out.println("PARTIAL");
        System.out.flush();
        Thread.sleep(60_000);
        System.exit(3); // not reached: killed
    }
}
