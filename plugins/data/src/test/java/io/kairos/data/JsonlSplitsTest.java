package io.kairos.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded random text files (lines from empty to longer than the read chunk, CRLF and LF, blank lines, with and without
 * a last newline) split at random byte sizes: every line is read once, by the split it starts in, as it was written.
 */
@Timeout(60)
class JsonlSplitsTest {
    @Test
    void everyLineIsReadOnceWhateverTheSplits(@TempDir final Path dir) throws Exception {
        for (long seed = 0; seed < 40; seed++) {
            final SplittableRandom random = new SplittableRandom(seed);
            final List<String> expected = new ArrayList<>();
            final StringBuilder file = new StringBuilder();
            final int lines = random.nextInt(60);
            for (int i = 0; i < lines; i++) {
                final int kind = random.nextInt(10);
                final int length = kind == 0 ? 0 : kind == 1 ? 70_000 + random.nextInt(100_000) : random.nextInt(200);
                final StringBuilder line = new StringBuilder(length);
                for (int c = 0; c < length; c++) {
                    line.append(random.nextInt(20) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
                }
                if (!line.isEmpty()) {
                    expected.add(line.toString());
                }
                file.append(line);
                if (i < lines - 1 || random.nextBoolean()) {
                    file.append(random.nextBoolean() ? "\r\n" : "\n");
                }
            }
            final Path f = dir.resolve("text-" + seed + ".txt");
            Files.writeString(f, file.toString(), StandardCharsets.UTF_8);
            final long blockBytes = 1 + random.nextLong(Math.max(1, Files.size(f)) + 10);
            final List<Object> read = new ArrayList<>();
            for (final Split split : Jsonl.splits(List.of(f), blockBytes, false)) {
                read.addAll(split.read());
            }
            assertEquals(expected, read, "seed " + seed + ", blocks of " + blockBytes + " bytes");
        }
    }

    @Test
    void jsonRowsParseFromTheBytesAndABadLineNamesItsOffset(@TempDir final Path dir) throws Exception {
        final Path f = dir.resolve("rows.jsonl");
        Files.writeString(f, "{\"a\":1}\n\n{\"b\":\"é\"}\r\n{bad\n");
        final Split whole = Jsonl.splits(List.of(f), 1 << 20, true).get(0);
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, whole::read);
        assertEquals(true, e.getMessage().contains("rows.jsonl', the line at byte offset 21"), e.getMessage());
        final List<Object> good = Jsonl.splits(List.of(f), 9, true).get(0).read();
        assertEquals(List.of(java.util.Map.of("a", 1)), good, "the first split: the lines that start in it");
    }
}
