package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Datasets give what a plain sequential {@code java.util.stream} computation of the same pipeline gives, ordered or
 * not; stream a dataset ten times the object store through it within the memory budget without spilling; retry a
 * failing block; and name the file and line of bad input.
 */
@Timeout(120)
class DatasetTest {
    private static final Map<Long, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
        ATTEMPTS.clear();
    }

    private Kernel start(final long storeBytes) {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(storeBytes));
        return kernel;
    }

    @Test
    void aPipelineGivesWhatASequentialStreamGives() {
        start(64L << 20);
        final Dataset<Long> ds = Dataset.range(kernel, 200_000, 5_000)
            .map(x -> x * 3)
            .filter(x -> x % 7 != 0)
            .flatMap(x -> x % 2 == 0 ? List.of(x, -x) : List.of(x))
            .mapBatches(batch -> batch.stream().map(x -> x + 1).collect(Collectors.toList()), 100);
        final List<Long> expected = LongStream.range(0, 200_000).map(x -> x * 3).filter(x -> x % 7 != 0)
            .flatMap(x -> x % 2 == 0 ? LongStream.of(x, -x) : LongStream.of(x)).map(x -> x + 1).boxed()
            .collect(Collectors.toList());
        assertEquals(40, ds.numBlocks());
        assertEquals(expected.size(), ds.count());
        assertEquals(expected, ds.preserveOrder(true).takeAll(), "in the source's order when asked");
        final List<Long> unordered = new ArrayList<>(ds.takeAll());
        unordered.sort(null);
        final List<Long> sorted = new ArrayList<>(expected);
        sorted.sort(null);
        assertEquals(sorted, unordered, "the same rows in any order otherwise");
        assertEquals(expected.subList(0, 10), ds.preserveOrder(true).take(10));
        final Iterator<List<Long>> batches = ds.preserveOrder(true).iterBatches(3_333);
        final List<Long> rebatched = new ArrayList<>();
        int n = 0;
        while (batches.hasNext()) {
            final List<Long> batch = batches.next();
            assertTrue(batch.size() == 3_333 || !batches.hasNext(), "full batches across blocks, the last may be short");
            rebatched.addAll(batch);
            n++;
        }
        assertEquals(expected, rebatched);
        assertEquals((expected.size() + 3_332) / 3_333, n);
    }

    @Test
    void csvFilesAreReadWithTheirHeadersQuotesAndBadRecordsNamed(@TempDir final Path dir) throws IOException {
        start(16L << 20);
        final Path in = Files.createDirectories(dir.resolve("csv"));
        Files.writeString(in.resolve("a.csv"), "name,score,note\r\nann,3,\"likes \"\"quotes\"\"\"\r\n\r\n"
            + "bob,5,\"two\nlines\"\r\n", StandardCharsets.UTF_8);
        Files.writeString(in.resolve("b.csv"), "name,score,note\ncid,7,plain\n", StandardCharsets.UTF_8);
        final List<Map<String, String>> rows = Dataset.readCsv(kernel, in).preserveOrder(true).takeAll();
        assertEquals(List.of(
            Map.of("name", "ann", "score", "3", "note", "likes \"quotes\""),
            Map.of("name", "bob", "score", "5", "note", "two\nlines"),
            Map.of("name", "cid", "score", "7", "note", "plain")), rows);
        assertEquals(15L, Dataset.readCsv(kernel, in).map(r -> Long.parseLong(r.get("score")))
            .takeAll().stream().mapToLong(Long::longValue).sum());
        final Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b\n1,2\n3\n", StandardCharsets.UTF_8);
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> Dataset.readCsv(kernel, bad)
            .count());
        assertTrue(String.valueOf(e.getCause()).contains("bad.csv', record 2"), String.valueOf(e.getCause()));
    }

    /** A row written as CSV. */
    record Person(String name, long age, String note) implements java.io.Serializable {
    }

    @Test
    void rowsWrittenAsCsvReadBackWithTheirQuotesAndNewlines(@TempDir final Path dir) {
        start(64L << 20);
        final List<Person> people = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            final String note = i % 7 == 0 ? "says \"hi\", then\nleaves" : i % 5 == 0 ? null : "ok";
            people.add(new Person("p" + i, i % 90, note));
        }
        assertEquals(2_500, Dataset.from(kernel, people, 1_000).writeCsv(dir));
        final List<Map<String, String>> back = Dataset.readCsv(kernel, dir).preserveOrder(true).takeAll();
        assertEquals(people.stream().map(p -> Map.of("name", p.name(), "age", Long.toString(p.age()), "note",
            p.note() == null ? "" : p.note())).collect(Collectors.toList()), back, "a null is an empty field");
        final List<Object> mixed = new ArrayList<>();
        mixed.add(Map.of("a", 1));
        mixed.add(Map.of("b", 2));
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> Dataset.from(kernel, mixed).writeCsv(dir.resolve("mixed")));
        assertTrue(String.valueOf(e.getCause()).contains("block 0, row 1 has the columns [b]"),
            String.valueOf(e.getCause()));
    }

    @Test
    void aUnionIsOneSidesRowsThenTheOthers() {
        start(16L << 20);
        final Dataset<Long> evens = Dataset.range(kernel, 1_000, 100).map(x -> x * 2);
        final Dataset<Long> odds = Dataset.from(kernel, LongStream.range(0, 500).boxed().collect(Collectors.toList()),
            64).map(x -> x * 2 + 1);
        final Dataset<Long> both = evens.union(odds).filter(x -> x % 3 == 0);
        final List<Long> expected = java.util.stream.Stream.concat(LongStream.range(0, 1_000).map(x -> x * 2).boxed(),
            LongStream.range(0, 500).map(x -> x * 2 + 1).boxed()).filter(x -> x % 3 == 0).collect(Collectors.toList());
        assertEquals(expected, both.preserveOrder(true).takeAll());
        assertEquals(10 + 8, both.numBlocks());
        assertThrows(IllegalArgumentException.class, () -> evens.mapBatches(ActorPoolTest.Model::new,
            ActorPool.of(1, 1), 10).union(odds));
    }

    @Test
    void jsonLinesAreReadSplitByBytesAndWrittenOneFilePerBlock(@TempDir final Path dir) throws IOException {
        start(64L << 20);
        final Path in = Files.createDirectories(dir.resolve("in"));
        final List<Map<String, Object>> records = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(42);
        for (int f = 0; f < 3; f++) {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                final Map<String, Object> r = new java.util.LinkedHashMap<>();
                r.put("file", f);
                r.put("i", i);
                r.put("user", "u" + random.nextInt(100));
                r.put("score", random.nextInt(1000) / 10.0);
                records.add(r);
                text.append(io.kairos.data.Jsonl.MAPPER.writeValueAsString(r)).append('\n');
                if (i % 5000 == 0) {
                    text.append('\n');  // an empty line is no row
                }
            }
            Files.writeString(in.resolve("part-" + f + ".jsonl"), text.toString());
        }
        Files.writeString(in.resolve("notes.txt"), "not read: not .jsonl");
        final Dataset<Map<String, Object>> ds = Dataset.readJsonl(kernel, in);
        assertTrue(ds.numBlocks() >= 3);
        assertEquals(records, ds.preserveOrder(true).takeAll(), "every line once, split by bytes or not");
        final long highScores = records.stream().filter(r -> (Double) r.get("score") > 50).count();
        final Path out = dir.resolve("out");
        assertEquals(highScores, ds.filter(r -> ((Number) r.get("score")).doubleValue() > 50)
            .map(r -> Map.of("user", r.get("user"), "score", r.get("score"))).writeJsonl(out));
        try (var files = Files.list(out)) {
            assertEquals(ds.numBlocks(), files.count(), "one file per block");
        }
        assertTrue(Files.exists(out.resolve("part-00000.jsonl")));
        assertEquals(highScores, Dataset.readJsonl(kernel, out).count(), "what was written reads back");
        assertEquals(60_000, Dataset.readText(kernel, in.resolve("part-0.jsonl"), in.resolve("part-1.jsonl"),
            in.resolve("part-2.jsonl")).count());
    }

    @Test
    void crlfLineEndsAndBlankLinesAreReadAsLinesAreElsewhere(@TempDir final Path dir) throws IOException {
        start(16L << 20);
        final Path text = dir.resolve("crlf.txt");
        Files.writeString(text, "a\r\nb\r\n  \r\n\r\nc", StandardCharsets.UTF_8);
        assertEquals(List.of("a", "b", "c"), Dataset.readText(kernel, text).preserveOrder(true).takeAll());
        final Path json = dir.resolve("crlf.jsonl");
        Files.writeString(json, "{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n", StandardCharsets.UTF_8);
        assertEquals(List.of(Map.of("a", 1), Map.of("a", 2)), Dataset.readJsonl(kernel, json).preserveOrder(true)
            .takeAll());
        for (final String bad : List.of("null", "{}{}", "[1, 2]")) {
            final Path file = dir.resolve("bad-" + bad.length() + ".jsonl");
            Files.writeString(file, "{\"a\": 1}\n" + bad + "\n", StandardCharsets.UTF_8);
            final TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> Dataset.readJsonl(kernel, file).count(), bad);
            assertTrue(String.valueOf(e.getCause()).contains("byte offset 9"), bad + ": " + e.getCause());
        }
    }

    @Test
    void aLineThatIsNotJsonNamesTheFileAndTheLine(@TempDir final Path dir) throws IOException {
        start(16L << 20);
        final Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"a\": 1}\n{\"a\": 2}\n{oops\n", StandardCharsets.UTF_8);
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> Dataset.readJsonl(kernel, file).count());
        final String cause = String.valueOf(e.getCause());
        assertTrue(cause.contains("bad.jsonl") && cause.contains("byte offset 18"), cause);
    }

    /**
     * 640 MiB of rows (10,000 of 64 KiB) through a 64 MiB store with a 16 MiB budget: the store never holds more than
     * the budget of this pipeline's blocks, nothing is spilled, every row arrives.
     */
    @Test
    void aDatasetTenTimesTheStoreStreamsThroughWithinTheBudgetWithoutSpilling() throws Exception {
        start(64L << 20);
        final long budget = 16L << 20;
        final AtomicLong peak = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        final Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(kernel.objectStoreStats().bytesUsed(), Math::max);
                Thread.onSpinWait();
            }
        }, "store-sampler");
        sampler.start();
        long bytes = 0;
        long rows = 0;
        try {
            final Iterator<byte[]> it = Dataset.range(kernel, 10_000, 32)  // 2 MiB blocks
                .map(DatasetTest::payload).memoryBudget(budget).iterator();
            while (it.hasNext()) {
                final byte[] row = it.next();
                bytes += row.length;
                rows++;
            }
        } finally {
            done.set(true);
            sampler.join();
        }
        System.out.println("streamed " + bytes + " bytes, peak store use " + peak.get() + ", budget " + budget);
        assertEquals(10_000, rows);
        assertEquals(10_000L * (64 << 10), bytes, "640 MiB through a 64 MiB store");
        assertTrue(peak.get() <= budget + (2L << 20), "peak store use " + peak.get() + " within the budget " + budget);
        assertEquals(0, kernel.spillStats().spilledBytes(), "nothing spilled");
    }

    static byte[] payload(final long i) {
        final byte[] b = new byte[64 << 10];
        b[0] = (byte) i;
        return b;
    }

    @Test
    void eachStageKeepsItsWaitingBlocksWithinItsShareOfTheBudget() {
        start(64L << 20);
        final long budget = 8L << 20;
        final DatasetIterator<byte[]> it = Dataset.range(kernel, 400, 4)  // blocks of 4 rows of 256 KiB
            .map(x -> new byte[256 << 10])
            .mapBatches(() -> batch -> batch, ActorPool.of(1, 2), 4)
            .memoryBudget(budget).iterator();
        long rows = 0;
        while (it.hasNext()) {
            it.next();
            rows++;
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);  // a slow reader: the stages back up
        }
        assertEquals(400, rows);
        final DatasetStats stats = it.stats();
        for (final DatasetStats.StageStats s : stats.stages()) {
            assertTrue(s.peakQueued() <= budget / 2, s + ": within its share, half the budget");
        }
        assertTrue(stats.stages().get(1).peakQueued() > 0, "the reader's blocks waited");
        assertTrue(stats.peakStoreBytes() <= budget, "peak " + stats.peakStoreBytes());
    }

    @Test
    void aBudgetBelowOneBlockIsRefusedWithTheNumbers() {
        start(64L << 20);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Dataset.range(kernel, 100, 50).map(DatasetTest::payload).memoryBudget(1 << 20).takeAll());
        assertTrue(e.getMessage().contains("1048576 bytes is below one block"), e.getMessage());
    }

    @Test
    void aBlockThatFailsIsRetriedWhenAskedElseTheRunFails() {
        start(16L << 20);
        assertEquals(1_000, Dataset.range(kernel, 1_000, 100).map(DatasetTest::failTwiceOnBlock3).retries(3).count());
        ATTEMPTS.clear();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> Dataset.range(kernel, 1_000, 100).map(DatasetTest::failTwiceOnBlock3).count());
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    static long failTwiceOnBlock3(final long x) {
        if (x == 300 && ATTEMPTS.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet() <= 2) {
            throw new IllegalStateException("block 3 fails on its first two tries");
        }
        return x;
    }
}
