package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parquet written by the test (through the dataset and through Apache Parquet directly, with small row groups) reads
 * back as a sequential computation expects, a block per row group; mismatched schemas, bad rows and files that are
 * not Parquet are named.
 */
@Timeout(120)
class ParquetTest {
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private void start() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
    }

    /** A generated row. */
    record Item(long id, String name, double score, boolean flag, byte[] blob, float[] vector)
        implements java.io.Serializable {
    }

    private static List<Item> items(final int n) {
        final SplittableRandom random = new SplittableRandom(11);
        final List<Item> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Item(i, i % 10 == 0 ? null : "item-" + random.nextInt(1_000), random.nextDouble(),
                random.nextBoolean(), new byte[] {(byte) i, (byte) (i >> 8)},
                new float[] {random.nextInt(100), random.nextInt(100)}));
        }
        return rows;
    }

    @Test
    void writtenRowsReadBackAsTheSequentialComputationExpects(@TempDir final Path dir) throws IOException {
        start();
        final List<Item> rows = items(30_000);
        assertEquals(30_000, Dataset.from(kernel, rows, 7_000).writeParquet(dir));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("part-00000.parquet", "part-00001.parquet", "part-00002.parquet",
                "part-00003.parquet", "part-00004.parquet"), files.map(f -> f.getFileName().toString()).sorted()
                .collect(Collectors.toList()), "one file per block, named by its index");
        }
        final List<Map<String, Object>> back = Dataset.readParquet(kernel, dir).preserveOrder(true).takeAll();
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i += 997) {
            final Item it = rows.get(i);
            final Map<String, Object> m = back.get(i);
            assertEquals(List.of("id", "name", "score", "flag", "blob", "vector"), new ArrayList<>(m.keySet()));
            assertEquals(it.id(), m.get("id"));
            assertEquals(it.name(), m.get("name"), "a null string reads as null");
            assertEquals(it.score(), m.get("score"));
            assertEquals(it.flag(), m.get("flag"));
            assertArrayEquals(it.blob(), (byte[]) m.get("blob"));
            assertEquals(List.of((double) it.vector()[0], (double) it.vector()[1]), m.get("vector"));
        }
        final Map<Boolean, Double> expected = rows.stream().filter(r -> r.name() != null)
            .collect(Collectors.groupingBy(Item::flag, Collectors.summingDouble(Item::score)));
        final Map<Boolean, Double> got = Dataset.readParquet(kernel, dir).filter(m -> m.get("name") != null)
            .groupBy(m -> (Boolean) m.get("flag")).aggregate(Aggregator.sum(m -> (Double) m.get("score"))).takeAll()
            .stream().collect(Collectors.toMap(g -> g.key(), g -> g.value()));
        assertEquals(expected.keySet(), got.keySet());
        for (final Boolean k : expected.keySet()) {
            assertEquals(expected.get(k), got.get(k), 1e-6);
        }
    }

    @Test
    void aFileIsReadABlockPerRowGroup(@TempDir final Path dir) throws IOException {
        start();
        final MessageType schema = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("n")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("s")
            .named("row");
        final Path file = dir.resolve("groups.parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
            .withConf(new PlainParquetConfiguration()).withRowGroupSize(32L << 10).withPageSize(4 << 10).build()) {
            final SimpleGroupFactory f = new SimpleGroupFactory(schema);
            for (int i = 0; i < 100_000; i++) {
                w.write(f.newGroup().append("n", i).append("s", "s" + (i * 7919 % 100_003)));
            }
        }
        final Dataset<Map<String, Object>> ds = Dataset.readParquet(kernel, file);
        assertTrue(ds.numBlocks() > 3, "row groups: " + ds.numBlocks());
        final List<Map<String, Object>> rows = ds.preserveOrder(true).takeAll();
        assertEquals(100_000, rows.size());
        for (int i = 0; i < rows.size(); i += 1_001) {
            assertEquals(Map.of("n", i, "s", "s" + (i * 7919 % 100_003)), rows.get(i));
        }
        assertEquals(100_000, ds.map(m -> m.get("n")).count());
    }

    @Test
    void mismatchedSchemasBadRowsAndNonParquetFilesAreNamed(@TempDir final Path dir) throws IOException {
        start();
        final Path a = dir.resolve("a");
        final Path b = dir.resolve("b");
        Dataset.from(kernel, List.of(Map.of("x", 1L)), 10).writeParquet(a);
        Dataset.from(kernel, List.of(Map.of("y", "text")), 10).writeParquet(b);
        final IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
            () -> Dataset.readParquet(kernel, a, b));
        assertTrue(mismatch.getMessage().contains("int64 x") && mismatch.getMessage().contains("binary y")
            && mismatch.getMessage().contains("part-00000.parquet"), mismatch.getMessage());

        final List<Map<String, Object>> mixed = new ArrayList<>();
        mixed.add(Map.of("x", 1L));
        mixed.add(Map.of("x", 2));  // an Integer beside a Long: one int64 column
        mixed.add(Map.of("x", 2.5));  // and a Double: the column is double
        Dataset.from(kernel, mixed, 10).writeParquet(dir.resolve("c"));
        assertEquals(List.of(1.0, 2.0, 2.5), Dataset.readParquet(kernel, dir.resolve("c")).preserveOrder(true)
            .map(m -> m.get("x")).takeAll(), "numbers widen within a block");

        final List<Map<String, Object>> bad = new ArrayList<>(mixed);
        bad.add(Map.of("x", "three"));
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> Dataset.from(kernel, bad, 10).writeParquet(dir.resolve("d")));
        final String why = String.valueOf(e.getCause());
        assertTrue(why.contains("block 0, row 3, column 'x'") && why.contains("String"), why);

        final Path notParquet = dir.resolve("junk.parquet");
        Files.writeString(notParquet, "not parquet at all");
        final IllegalArgumentException junk = assertThrows(IllegalArgumentException.class,
            () -> Dataset.readParquet(kernel, notParquet));
        assertTrue(junk.getMessage().contains("junk.parquet"), junk.getMessage());
    }
}
