package io.kairos.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV files through Apache Commons CSV (RFC 4180: quotes, escaped quotes, newlines inside quoted fields): the first
 * record names the columns, each later one is a row, a map from column to its text. A file is one split (a quoted
 * field may hold a newline, so a file cannot be cut at an arbitrary byte).
 */
final class Csv {
    private Csv() {
    }

    /** A CSV file: its rows. */
    record File(String file) implements Split {
        @Override
        public List<Object> read() throws IOException {
            final List<Object> rows = new ArrayList<>();
            final CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).get();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
                 CSVParser parser = CSVParser.parse(in, format)) {
                final List<String> columns = parser.getHeaderNames();
                for (final CSVRecord record : parser) {
                    if (record.size() != columns.size()) {
                        throw new IllegalArgumentException("file '" + file + "', record " + record.getRecordNumber()
                            + " (line " + parser.getCurrentLineNumber() + ") has " + record.size() + " fields; the "
                            + "header has " + columns.size() + " " + columns);
                    }
                    final Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), record.get(i));
                    }
                    rows.add(row);
                }
            } catch (final UncheckedIOException e) {  // Commons CSV's iterator wraps a malformed file's IOException
                throw new IllegalArgumentException("file '" + file + "': " + e.getCause().getMessage(), e);
            }
            return rows;
        }
    }

    static List<Split> splits(final List<Path> files) {
        final List<Split> splits = new ArrayList<>(files.size());
        for (final Path f : files) {
            splits.add(new File(f.toAbsolutePath().toString()));
        }
        return splits;
    }

    /**
     * Terminal: writes the block to dir/part-NNNNN.csv (a header of the columns, then a record per row; RFC 4180
     * quoting) and counts its rows. Rows are Maps (their keys, in the first row's order, are the columns) or records
     * (their components); a value is written as its text, a null as an empty field.
     */
    static Ops.Op write(final String dir) {
        return (rows, block) -> {
            final Path file = Path.of(dir).resolve(String.format("part-%05d.csv", block));
            List<String> columns = null;
            try (java.io.Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                 org.apache.commons.csv.CSVPrinter out = new org.apache.commons.csv.CSVPrinter(w, CSVFormat.RFC4180)) {
                for (int r = 0; r < rows.size(); r++) {
                    final Map<String, Object> row = Parquet.asMap(rows.get(r), block, r, "writeCsv");
                    if (columns == null) {
                        columns = new ArrayList<>(row.keySet());
                        out.printRecord(columns);
                    } else if (!columns.equals(new ArrayList<>(row.keySet())) && !new java.util.HashSet<>(columns)
                        .equals(row.keySet())) {
                        throw new IllegalArgumentException("writeCsv: block " + block + ", row " + r + " has the "
                            + "columns " + row.keySet() + "; the block's first row has " + columns);
                    }
                    final List<Object> values = new ArrayList<>(columns.size());
                    for (final String c : columns) {
                        values.add(row.get(c));
                    }
                    out.printRecord(values);
                }
            } catch (final IOException e) {
                throw new IOException("writing " + file + ": " + e.getMessage(), e);
            }
            return List.of((long) rows.size());
        };
    }
}
