package io.kairos;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalException;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A journal in memory that outlives the kernels that open it: a restart in one process, for recovery tests. */
final class MemoryJournal implements JournalProvider {
    final List<byte[]> records = new CopyOnWriteArrayList<>();
    volatile int opened;

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Journal open(final Path directory, final JournalOptions options) {
        opened++;
        return new Journal() {
            private volatile boolean closed;

            @Override
            public void append(final ByteBuffer record) {
                if (closed) {
                    throw new JournalException("memory journal is closed");
                }
                final byte[] copy = new byte[record.remaining()];
                record.duplicate().get(copy);
                records.add(copy);
            }

            @Override
            public void replay(final Consumer<ByteBuffer> consumer) {
                for (final byte[] record : records) {
                    consumer.accept(ByteBuffer.wrap(record).asReadOnlyBuffer());
                }
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
