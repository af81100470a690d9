package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The all-to-all operations (groupBy and aggregate, repartition, randomShuffle, limit) give what a sequential
 * {@code java.util.stream} computation gives; failed blocks within maxErroredBlocks are skipped; a run's figures add
 * up; nothing stays in the store after a run.
 */
@Timeout(120)
class AllToAllTest {
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        return kernel;
    }

    /** Rows of generated sales: (region, amount), seeded. */
    record Sale(String region, long amount) implements java.io.Serializable {
    }

    private static List<Sale> sales(final int n, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Sale> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Sale(random.nextInt(20) == 0 ? null : "r" + random.nextInt(37), random.nextLong(1_000)));
        }
        return rows;
    }

    @Test
    void groupByAggregatesAsASequentialStreamDoes() {
        start();
        final List<Sale> rows = sales(50_000, 7);
        final Dataset<Sale> ds = Dataset.from(kernel, rows, 1_000);
        final List<Group<String, List<Object>>> groups = ds.groupBy(Sale::region)
            .aggregate(Aggregator.all(Aggregator.count(), Aggregator.sum(Sale::amount), Aggregator.mean(Sale::amount),
                Aggregator.min(Sale::amount), Aggregator.max(Sale::amount)))
            .preserveOrder(true).takeAll();
        final Map<String, List<Sale>> expected = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        for (final Sale s : rows) {
            expected.computeIfAbsent(s.region(), k -> new ArrayList<>()).add(s);
        }
        assertEquals(new ArrayList<>(expected.keySet()), groups.stream().map(Group::key).collect(Collectors.toList()),
            "one group per key, in the keys' order, nulls first");
        for (final Group<String, List<Object>> g : groups) {
            final List<Sale> in = expected.get(g.key());
            final long sum = in.stream().mapToLong(Sale::amount).sum();
            assertEquals(List.of((long) in.size(), (double) sum, (double) sum / in.size(),
                in.stream().mapToLong(Sale::amount).min().getAsLong(),
                in.stream().mapToLong(Sale::amount).max().getAsLong()), g.value(), "group " + g.key());
        }
        final List<Group<String, Long>> counts = ds.filter(s -> s.amount() < 500).groupBy(Sale::region).count()
            .filter(g -> g.value() > 600).takeAll();
        final Map<String, Long> expectedCounts = rows.stream().filter(s -> s.amount() < 500 && s.region() != null)
            .collect(Collectors.groupingBy(Sale::region, Collectors.counting()));
        expectedCounts.values().removeIf(c -> c <= 600);
        assertEquals(expectedCounts, counts.stream().filter(g -> g.key() != null)
            .collect(Collectors.toMap(Group::key, Group::value)), "operators before and after the group-by");
        final Aggregator<Sale, java.util.HashSet<Long>, Integer> distinct = Aggregator.of(java.util.HashSet::new,
            (set, sale) -> {
                set.add(sale.amount());
                return set;
            }, (a, b) -> {
                a.addAll(b);
                return a;
            }, java.util.HashSet::size);
        final Map<String, Integer> expectedDistinct = rows.stream().filter(s -> s.region() != null)
            .collect(Collectors.groupingBy(Sale::region, Collectors.collectingAndThen(
                Collectors.mapping(Sale::amount, Collectors.toSet()), java.util.Set::size)));
        assertEquals(expectedDistinct, ds.filter(s -> s.region() != null).groupBy(Sale::region).aggregate(distinct)
            .takeAll().stream().collect(Collectors.toMap(Group::key, Group::value)), "an aggregation of one's own");
        assertEquals(0, kernel.objectStoreStats().bytesUsed(), "no block left in the store");
    }

    @Test
    void splitGivesPartsOfEqualRowCountsInOrderEachReadableAgain() {
        start();
        final List<Dataset<Long>> parts = Dataset.range(kernel, 10_007, 3_000).filter(x -> x % 3 != 0).split(4);
        final List<Long> expected = LongStream.range(0, 10_007).filter(x -> x % 3 != 0).boxed()
            .collect(Collectors.toList());
        final List<Long> all = new ArrayList<>();
        for (final Dataset<Long> part : parts) {
            final List<Long> rows = part.takeAll();
            assertTrue(rows.size() == expected.size() / 4 || rows.size() == expected.size() / 4 + 1,
                "equal within one: " + rows.size());
            assertEquals(rows, part.map(x -> x).takeAll(), "a second epoch reads the same rows");
            assertEquals(1, part.numBlocks());
            all.addAll(rows);
        }
        assertEquals(expected, all, "every row once, in order");
        assertThrows(IllegalArgumentException.class, () -> Dataset.range(kernel, 10, 5).split(0));
    }

    @Test
    void repartitionMakesEqualBlocksInOrder() {
        start();
        final Dataset<Long> ds = Dataset.range(kernel, 10_007, 3_000).filter(x -> x % 3 != 0).repartition(7);
        assertEquals(7, ds.numBlocks());
        final List<Long> expected = LongStream.range(0, 10_007).filter(x -> x % 3 != 0).boxed()
            .collect(Collectors.toList());
        final List<Integer> sizes = new ArrayList<>();
        final List<Long> got = new ArrayList<>();
        try (DatasetIterator<List<Long>> it = ds.mapBatches(b -> List.of(b), Integer.MAX_VALUE).preserveOrder(true)
            .iterator()) {
            while (it.hasNext()) {
                final List<Long> block = it.next();
                sizes.add(block.size());
                got.addAll(block);
            }
        }
        assertEquals(expected, got, "every row once, in order");
        assertEquals(7, sizes.size());
        assertTrue(sizes.stream().allMatch(s -> Math.abs(s - expected.size() / 7) <= 1), "equal blocks: " + sizes);
        try (DatasetIterator<Long> few = Dataset.range(kernel, 2, 1).repartition(4).preserveOrder(true).iterator()) {
            assertEquals(List.of(0L, 1L), List.of(few.next(), few.next()));
            assertTrue(!few.hasNext());
            assertEquals(4, few.stats().blocks(), "fewer rows than blocks: the other blocks are empty");
        }
        assertEquals(0, kernel.objectStoreStats().bytesUsed(), "no block left in the store");
    }

    @Test
    void aRandomShuffleIsAPermutationTheSeedRepeats() {
        start();
        final Dataset<Long> ds = Dataset.range(kernel, 20_000, 2_500).map(x -> x * 2);
        final List<Long> a = ds.randomShuffle(42).preserveOrder(true).takeAll();
        final List<Long> b = ds.randomShuffle(42).preserveOrder(true).takeAll();
        final List<Long> c = ds.randomShuffle(43).preserveOrder(true).takeAll();
        final List<Long> expected = LongStream.range(0, 20_000).map(x -> x * 2).boxed().collect(Collectors.toList());
        assertEquals(b, a, "the same seed, the same order");
        assertNotEquals(a, c, "another seed, another order");
        assertNotEquals(expected, a, "not the input's order");
        final List<Long> sorted = new ArrayList<>(a);
        sorted.sort(null);
        assertEquals(expected, sorted, "a permutation of the rows");
        assertEquals(8, ds.randomShuffle(1).numBlocks());
    }

    @Test
    void limitTakesTheFirstRowsAndRunsNoMoreBlocksThanItNeeds() {
        start();
        final List<Long> expected = LongStream.range(0, 100_000).filter(x -> x % 5 == 1).limit(1_234).boxed()
            .collect(Collectors.toList());
        assertEquals(expected, Dataset.range(kernel, 100_000, 1_000).filter(x -> x % 5 == 1).limit(1_234)
            .preserveOrder(true).takeAll());
        assertEquals(1_234, Dataset.range(kernel, 100_000, 1_000).filter(x -> x % 5 == 1).limit(1_234).count());
        assertEquals(List.of(), Dataset.range(kernel, 10).limit(0).takeAll());
        assertEquals(List.of(0L, 1L, 2L), Dataset.range(kernel, 3).limit(10).map(x -> x).takeAll());
        assertThrows(IllegalArgumentException.class, () -> Dataset.range(kernel, 3).limit(-1));
        assertThrows(IllegalArgumentException.class, () -> Dataset.range(kernel, 3).repartition(0));
        assertThrows(IllegalArgumentException.class,
            () -> Dataset.range(kernel, 3).limit(1).union(Dataset.range(kernel, 3)));
    }

    @Test
    void failedBlocksWithinMaxErroredBlocksAreSkippedAndTheNextFailsTheRun() {
        start();
        final Dataset<Long> ds = Dataset.range(kernel, 10_000, 1_000).map(x -> {
            if (x == 1_500 || x == 7_500) {
                throw new IllegalStateException("bad row " + x);
            }
            return x;
        });
        final long expected = 10_000 - 2 * 1_000;
        final DatasetIterator<Long> it = ds.maxErroredBlocks(2).iterator();
        long n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        assertEquals(expected, n, "the two failed blocks are skipped");
        assertEquals(2, it.stats().erroredBlocks());
        assertEquals(expected, ds.maxErroredBlocks(5).count());
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> ds.maxErroredBlocks(1).count());
        assertTrue(String.valueOf(e.getCause()).contains("bad row"), "the error: " + e);
        assertThrows(TaskFailedException.class, ds::count, "0 by default: the first failure fails the run");
        assertThrows(IllegalArgumentException.class, () -> ds.maxErroredBlocks(-1));
        final Dataset<Long> lastFails = Dataset.range(kernel, 3_000, 1_000).map(x -> {
            if (x == 2_500) {
                throw new IllegalStateException("bad row " + x);
            }
            return x;
        }).preserveOrder(true).maxErroredBlocks(1);
        assertEquals(2_000, lastFails.count(), "the last block failed and was skipped: the run still ends well");
        assertEquals(2_000, lastFails.takeAll().size());
    }

    @Test
    void aRunsFiguresAddUp() {
        start();
        final DatasetIterator<long[]> it = Dataset.range(kernel, 40_000, 1_000).map(x -> new long[256])
            .mapBatches(() -> batch -> batch, ActorPool.of(1, 2), 100).iterator();
        long rows = 0;
        while (it.hasNext()) {
            it.next();
            rows++;
        }
        final DatasetStats stats = it.stats();
        assertEquals(rows, stats.rows());
        assertEquals(40, stats.blocks());
        assertEquals(2, stats.stages().size());
        assertEquals(40, stats.stages().get(0).blocks());
        assertEquals(40, stats.stages().get(1).blocks());
        assertTrue(stats.stages().get(0).bytes() > 40L * 1_000 * 256 * 8, "blocks of 2 MB each in the store");
        assertTrue(stats.peakStoreBytes() > 0 && stats.peakStoreBytes() <= stats.memoryBudget(),
            "peak " + stats.peakStoreBytes() + " within the budget " + stats.memoryBudget());
        assertTrue(stats.stages().get(1).peakActors() >= 1);
        final String summary = stats.toString();
        assertTrue(summary.contains("40,000 rows") && summary.contains("stage 1 pool"), summary);
    }
}
