package io.kairos.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Line-oriented files split by bytes: a split owns the lines that start inside its byte range (a line that starts
 * before its end is read to its end, past the range), so splits read in parallel and every line is read once.
 * JSON Lines rows are maps (Jackson); text rows are the lines.
 */
final class Jsonl {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final com.fasterxml.jackson.databind.ObjectReader READER = MAPPER.readerFor(LinkedHashMap.class);

    private Jsonl() {
    }

    /** The splits of the files, each about blockBytes of them (a file smaller than that is one split). */
    static List<Split> splits(final List<Path> files, final long blockBytes, final boolean json) {
        final List<Split> splits = new ArrayList<>();
        for (final Path file : files) {
            final long size = Sources.size(file);
            for (long start = 0; start < size || start == 0 && size == 0; start += blockBytes) {
                splits.add(new Lines(file.toAbsolutePath().toString(), start, Math.min(size, start + blockBytes),
                    json));
                if (size == 0) {
                    break;
                }
            }
        }
        return splits;
    }

    /** The lines starting in [start, end) of a file; a JSON Lines file's rows are parsed into maps. */
    record Lines(String file, long start, long end, boolean json) implements Split {
        /** Reads in chunks of this many bytes (a longer line grows the buffer). */
        private static final int CHUNK = 1 << 16;

        @Override
        public List<Object> read() throws IOException {
            final List<Object> rows = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
                boolean skip = false;
                if (start > 0) {  // a line that started before this split belongs to the previous one
                    final ByteBuffer before = ByteBuffer.allocate(1);
                    ch.read(before, start - 1);
                    skip = before.get(0) != '\n';
                }
                byte[] buf = new byte[CHUNK];
                long base = start;  // the file offset of buf[0]
                int filled = 0;
                int lineStart = 0;
                int scan = 0;
                for (;;) {
                    while (scan < filled && buf[scan] != '\n') {
                        scan++;
                    }
                    if (scan < filled) {  // a whole line: [lineStart, scan)
                        if (skip) {
                            skip = false;
                        } else if (base + lineStart >= end) {
                            break;
                        } else {
                            emit(rows, buf, lineStart, scan, base + lineStart);
                        }
                        lineStart = ++scan;
                        continue;
                    }
                    if (lineStart > 0) {  // keep the partial line at the front
                        System.arraycopy(buf, lineStart, buf, 0, filled - lineStart);
                        base += lineStart;
                        filled -= lineStart;
                        scan -= lineStart;
                        lineStart = 0;
                    }
                    if (filled == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2);
                    }
                    final int n = ch.read(ByteBuffer.wrap(buf, filled, buf.length - filled), base + filled);
                    if (n <= 0) {  // the end of the file: a last line without a newline
                        if (!skip && filled > 0 && base < end) {
                            emit(rows, buf, 0, filled, base);
                        }
                        break;
                    }
                    filled += n;
                }
            }
            return rows;
        }

        /** A line (without its newline; a CR before it dropped); a blank line is no row. */
        private void emit(final List<Object> rows, final byte[] buf, final int from, final int to, final long offset) {
            int last = to;
            if (last > from && buf[last - 1] == '\r') {
                last--;
            }
            boolean blank = true;
            for (int i = from; i < last && blank; i++) {
                blank = buf[i] == ' ' || buf[i] == '\t';
            }
            if (blank) {
                return;
            }
            rows.add(json ? parse(buf, from, last - from, offset) : new String(buf, from, last - from,
                StandardCharsets.UTF_8));
        }

        private Object parse(final byte[] buf, final int from, final int length, final long offset) {
            try {
                final Object row = READER.readValue(buf, from, length);
                if (row == null) {
                    throw new IllegalArgumentException("file '" + file + "', the line at byte offset " + offset
                        + " is null, not a JSON object");
                }
                return row;
            } catch (final JsonProcessingException e) {
                throw new IllegalArgumentException("file '" + file + "', the line at byte offset " + offset
                    + " is not a JSON object: " + e.getOriginalMessage(), e);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
