package io.kairos.journal.chronicle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Deterministic test records: record i has 1..300 bytes derived from i. */
final class Records {
    static final int MAX_LENGTH = 300;

    private Records() {
    }

    static int length(final long i) {
        return 1 + (int) ((i * 7919L) % MAX_LENGTH);
    }

    static byte at(final long i, final int j) {
        return (byte) (i * 31 + j * 7 + (i >>> 8));
    }

    /** Fills the buffer (cleared) with record i and flips it. */
    static ByteBuffer fill(final ByteBuffer buffer, final long i) {
        buffer.clear();
        final int length = length(i);
        for (int j = 0; j < length; j++) {
            buffer.put(at(i, j));
        }
        return buffer.flip();
    }

    /** Fails unless the buffer holds exactly record i (position..limit), leaving the buffer unchanged. */
    static void check(final long i, final ByteBuffer record) {
        final int length = length(i);
        if (record.remaining() != length) {
            fail("record " + i + ": " + record.remaining() + " bytes, expected " + length);
        }
        for (int j = 0; j < length; j++) {
            if (record.get(record.position() + j) != at(i, j)) {
                fail("record " + i + ": byte " + j + " differs");
            }
        }
    }

    static void appendRange(final ChronicleJournal journal, final long from, final long to) {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_LENGTH);
        for (long i = from; i < to; i++) {
            journal.append(fill(buffer, i));
        }
    }

    /** Replays and checks that the journal holds exactly records from..to-1, in order. */
    static void assertHolds(final ChronicleJournal journal, final long from, final long to) {
        final long[] next = {from};
        journal.replay(record -> {
            check(next[0], record);
            next[0]++;
        });
        assertEquals(to, next[0], "records replayed up to");
    }

    /** Copies of every record replayed. */
    static List<byte[]> replayAll(final ChronicleJournal journal) {
        final List<byte[]> out = new ArrayList<>();
        journal.replay(record -> {
            final byte[] copy = new byte[record.remaining()];
            record.get(record.position(), copy);
            out.add(copy);
        });
        return out;
    }
}
