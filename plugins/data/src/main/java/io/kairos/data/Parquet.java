package io.kairos.data;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parquet files through Apache Parquet (parquet-hadoop's local files, no Hadoop file system): a read is one split per
 * row group; a write is one file per block, its schema made from the block's rows.
 */
final class Parquet {
    private Parquet() {
    }

    private static ParquetReadOptions options() {
        return ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    }

    /** One row group of a file. */
    record RowGroup(String file, int index) implements Split {
        @Override
        public List<Object> read() throws IOException {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(Path.of(file)), options())) {
                final MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                for (int i = 0; i < index; i++) {
                    reader.skipNextRowGroup();
                }
                final PageReadStore pages = reader.readNextRowGroup();
                if (pages == null) {
                    throw new IOException("file '" + file + "' has no row group " + index);
                }
                final RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                    .getRecordReader(pages, new GroupRecordConverter(schema));
                final List<Object> rows = new ArrayList<>((int) pages.getRowCount());
                for (long r = 0; r < pages.getRowCount(); r++) {
                    rows.add(toMap(records.read()));
                }
                return rows;
            } catch (final RuntimeException e) {
                throw new IOException("file '" + file + "', row group " + index + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A split per row group of each file. The files' schemas must have the same columns (their types may differ: a
     * row is read with its file's); otherwise fails naming both files and both schemas.
     */
    static List<Split> splits(final List<Path> files) {
        final List<Split> splits = new ArrayList<>();
        MessageType first = null;
        Path firstFile = null;
        for (final Path f : files) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(f), options())) {
                final MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                if (first == null) {
                    first = schema;
                    firstFile = f;
                } else if (!columns(first).equals(columns(schema))) {
                    throw new IllegalArgumentException("readParquet: the schema of '" + f + "' is not that of '"
                        + firstFile + "' (other columns):\n" + schema + "\nversus\n" + first);
                }
                for (int g = 0; g < reader.getRowGroups().size(); g++) {
                    splits.add(new RowGroup(f.toAbsolutePath().toString(), g));
                }
            } catch (final IOException | RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw (IllegalArgumentException) e;
                }
                throw new IllegalArgumentException("readParquet: '" + f + "' is not a Parquet file: " + e.getMessage(),
                    e);
            }
        }
        return splits;
    }

    private static List<String> columns(final MessageType schema) {
        final List<String> names = new ArrayList<>();
        for (final Type t : schema.getFields()) {
            names.add(t.getName());
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------------------
    // reading: a record as a Map (a repeated field as a List, a group as a Map, a LIST group as a List)

    static Map<String, Object> toMap(final Group g) {
        final GroupType type = g.getType();
        final Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < type.getFieldCount(); i++) {
            row.put(type.getFieldName(i), field(g, i));
        }
        return row;
    }

    private static Object field(final Group g, final int i) {
        final Type t = g.getType().getType(i);
        final int n = g.getFieldRepetitionCount(i);
        if (t.isRepetition(Type.Repetition.REPEATED)) {
            final List<Object> values = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                values.add(value(g, i, r, t));
            }
            return values;
        }
        return n == 0 ? null : value(g, i, 0, t);
    }

    private static Object value(final Group g, final int i, final int r, final Type t) {
        if (!t.isPrimitive()) {
            final Group sub = g.getGroup(i, r);
            if (t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
                && sub.getType().getFieldCount() == 1) {
                return listOf(sub);
            }
            return toMap(sub);
        }
        final PrimitiveType p = t.asPrimitiveType();
        switch (p.getPrimitiveTypeName()) {
            case INT32:
                return g.getInteger(i, r);
            case INT64:
                return g.getLong(i, r);
            case FLOAT:
                return g.getFloat(i, r);
            case DOUBLE:
                return g.getDouble(i, r);
            case BOOLEAN:
                return g.getBoolean(i, r);
            default:
                final Binary b = g.getBinary(i, r);
                return isText(p) ? b.toStringUsingUTF8() : b.getBytes();
        }
    }

    /** A LIST group (three levels: the list, a repeated group, its element): its elements. */
    private static List<Object> listOf(final Group list) {
        final Object repeated = field(list, 0);
        final List<Object> out = new ArrayList<>();
        for (final Object item : (List<?>) repeated) {
            out.add(item instanceof Map && ((Map<?, ?>) item).size() == 1 ? ((Map<?, ?>) item).values().iterator()
                .next() : item);
        }
        return out;
    }

    private static boolean isText(final PrimitiveType p) {
        final LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        return a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    // ------------------------------------------------------------------------------------------------------------
    // writing: rows are Maps (String keys) or records; a schema from the block's rows

    /** Terminal: writes the block to dir/part-NNNNN.parquet (Snappy) and counts its rows. */
    static Ops.Op write(final String dir) {
        return (rows, block) -> {
            final Path file = Path.of(dir).resolve(String.format("part-%05d.parquet", block));
            final List<Map<String, Object>> maps = new ArrayList<>(rows.size());
            for (int r = 0; r < rows.size(); r++) {
                maps.add(asMap(rows.get(r), block, r, "writeParquet"));
            }
            final MessageType schema = schemaOf(maps, block);
            Files.deleteIfExists(file);
            final SimpleGroupFactory groups = new SimpleGroupFactory(schema);
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
                for (int r = 0; r < maps.size(); r++) {
                    w.write(group(groups.newGroup(), schema, maps.get(r), block, r));
                }
            } catch (final IOException e) {
                throw new IOException("writing " + file + ": " + e.getMessage(), e);
            }
            return List.of((long) rows.size());
        };
    }

    /** A row as a map of column to value: a Map with String keys as it is, a record by its components. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(final Object row, final int block, final int r, final String sink)
        throws Exception {
        if (row instanceof Map) {
            return (Map<String, Object>) row;
        }
        if (row != null && row.getClass().isRecord()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            for (final RecordComponent c : row.getClass().getRecordComponents()) {
                m.put(c.getName(), c.getAccessor().invoke(row));
            }
            return m;
        }
        throw new IllegalArgumentException(sink + ": row " + r + " of block " + block + " is "
            + (row == null ? "null" : "a " + row.getClass().getName()) + "; a row must be a Map or a record");
    }

    /** A column's Parquet type for a value: the widest over the block's rows (integers as int64, decimals double). */
    private static PrimitiveTypeName kind(final Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return PrimitiveTypeName.INT64;
        }
        if (v instanceof Double || v instanceof Float) {
            return PrimitiveTypeName.DOUBLE;
        }
        if (v instanceof Boolean) {
            return PrimitiveTypeName.BOOLEAN;
        }
        if (v instanceof String || v instanceof byte[]) {
            return PrimitiveTypeName.BINARY;
        }
        return null;
    }

    private static final class Column {
        PrimitiveTypeName kind;
        boolean repeated;
        boolean text;
        String seen;
    }

    static MessageType schemaOf(final List<Map<String, Object>> rows, final int block) {
        final Map<String, Column> columns = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            for (final Map.Entry<String, Object> e : rows.get(r).entrySet()) {
                final Column c = columns.computeIfAbsent(String.valueOf(e.getKey()), k -> new Column());
                final Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                final boolean repeated = v instanceof List || v.getClass().isArray() && !(v instanceof byte[]);
                final Object sample = repeated ? firstElement(v) : v;
                final PrimitiveTypeName k = sample == null ? null : kind(sample);
                if (sample != null && k == null || c.seen != null && c.repeated != repeated) {
                    throw new IllegalArgumentException("writeParquet: block " + block + ", row " + r + ", column '"
                        + e.getKey() + "': a " + v.getClass().getSimpleName() + (c.seen == null ? ""
                        : " where earlier rows have a " + c.seen) + " (columns are numbers, booleans, strings, byte[], "
                        + "or lists or arrays of those)");
                }
                c.repeated = repeated;
                c.seen = v.getClass().getSimpleName();
                if (k != null) {
                    final boolean text = sample instanceof String;
                    if (c.kind != null && c.kind != k && !(numeric(c.kind) && numeric(k))
                        || c.kind == PrimitiveTypeName.BINARY && c.text != text) {
                        throw new IllegalArgumentException("writeParquet: block " + block + ", row " + r + ", column '"
                            + e.getKey() + "' holds a " + sample.getClass().getSimpleName() + " where earlier rows "
                            + "make it " + c.kind + (c.text ? " (string)" : ""));
                    }
                    c.kind = c.kind == null || c.kind == k ? k : PrimitiveTypeName.DOUBLE;
                    c.text = text;
                }
            }
        }
        final Types.MessageTypeBuilder b = Types.buildMessage();
        for (final Map.Entry<String, Column> e : columns.entrySet()) {
            final Column c = e.getValue();
            final PrimitiveTypeName k = c.kind == null ? PrimitiveTypeName.BINARY : c.kind;
            final var field = c.repeated ? b.repeated(k) : b.optional(k);
            (k == PrimitiveTypeName.BINARY && (c.text || c.kind == null)
                ? field.as(LogicalTypeAnnotation.stringType()) : field).named(e.getKey());
        }
        return b.named("row");
    }

    private static boolean numeric(final PrimitiveTypeName k) {
        return k == PrimitiveTypeName.INT64 || k == PrimitiveTypeName.DOUBLE;
    }

    private static Object firstElement(final Object v) {
        if (v instanceof List) {
            for (final Object x : (List<?>) v) {
                if (x != null) {
                    return x;
                }
            }
            return null;
        }
        return Array.getLength(v) == 0 ? null : Array.get(v, 0);
    }

    private static Group group(final Group g, final MessageType schema, final Map<String, Object> row, final int block,
                               final int r) {
        for (final Map.Entry<String, Object> e : row.entrySet()) {
            final Object v = e.getValue();
            if (v == null) {
                continue;
            }
            final PrimitiveType t = schema.getType(e.getKey()).asPrimitiveType();
            if (v instanceof List) {
                for (final Object x : (List<?>) v) {
                    add(g, e.getKey(), t, x);
                }
            } else if (v.getClass().isArray() && !(v instanceof byte[])) {
                for (int i = 0; i < Array.getLength(v); i++) {
                    add(g, e.getKey(), t, Array.get(v, i));
                }
            } else {
                add(g, e.getKey(), t, v);
            }
        }
        return g;
    }

    private static void add(final Group g, final String name, final PrimitiveType t, final Object v) {
        if (v == null) {
            throw new IllegalArgumentException("writeParquet: column '" + name + "' has a null in a list");
        }
        switch (t.getPrimitiveTypeName()) {
            case INT64:
                g.add(name, ((Number) v).longValue());
                break;
            case DOUBLE:
                g.add(name, ((Number) v).doubleValue());
                break;
            case BOOLEAN:
                g.add(name, (Boolean) v);
                break;
            default:
                g.add(name, v instanceof String ? Binary.fromString((String) v)
                    : Binary.fromConstantByteArray((byte[]) v));
        }
    }
}
