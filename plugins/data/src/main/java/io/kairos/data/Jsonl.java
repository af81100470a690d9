package io.kairos.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ByteArrayOutputStream;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

    private Jsonl() {
    }

    /** The splits of the files, each about blockBytes of them (a file smaller than that is one split). */
    static List<Split> splits(final List<Path> files, final long blockBytes, final boolean json) {
        final List<Split> splits = new ArrayList<>();
        for (final Path file : files) {
            final long size;
            try {
                size = Files.size(file);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read '" + file + "': " + e.getMessage(), e);
            }
            for (long start = 0; start < size || start == 0 && size == 0; start += blockBytes) {
                splits.add(new Lines(file.toAbsolutePath().toString(), start, Math.min(size, start + blockBytes), json));
                if (size == 0) {
                    break;
                }
            }
        }
        return splits;
    }

    /** The lines starting in [start, end) of a file; a JSON Lines file's rows are parsed into maps. */
    record Lines(String file, long start, long end, boolean json) implements Split {
        @Override
        public List<Object> read() throws IOException {
            final List<Object> rows = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
                boolean midLine = false;
                if (start > 0) {  // a line that started before this split belongs to the previous one
                    final ByteBuffer before = ByteBuffer.allocate(1);
                    ch.read(before, start - 1);
                    midLine = before.get(0) != '\n';
                }
                ch.position(start);
                final InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
                long at = start + (midLine ? skipLine(in) : 0);
                final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
                while (at < end) {
                    line.reset();
                    final long lineStart = at;
                    int b;
                    while ((b = in.read()) != -1 && b != '\n') {
                        line.write(b);
                    }
                    at += line.size() + (b == '\n' ? 1 : 0);
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.endsWith("\r")) {  // CRLF line ends
                        text = text.substring(0, text.length() - 1);
                    }
                    if (!text.isBlank()) {  // blank lines are no rows
                        rows.add(json ? parse(text, lineStart) : text);
                    }
                    if (b == -1) {
                        break;
                    }
                }
            }
            return rows;
        }

        private Object parse(final String text, final long offset) {
            try {
                final Object row = MAPPER.readValue(text, LinkedHashMap.class);
                if (row == null) {
                    throw new IllegalArgumentException("file '" + file + "', the line at byte offset " + offset
                        + " is null, not a JSON object");
                }
                return row;
            } catch (final JsonProcessingException e) {
                throw new IllegalArgumentException("file '" + file + "', the line at byte offset " + offset
                    + " is not a JSON object: " + e.getOriginalMessage(), e);
            }
        }

        private static long skipLine(final InputStream in) throws IOException {
            long n = 0;
            int b;
            while ((b = in.read()) != -1) {
                n++;
                if (b == '\n') {
                    break;
                }
            }
            return n;
        }
    }
}
