package io.kairos.cluster.aeron;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.TaskContext;
import io.kairos.data.ActorPool;
import io.kairos.data.Aggregator;
import io.kairos.data.Dataset;
import io.kairos.data.DatasetIterator;
import io.kairos.data.Group;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dataset run by a driver (no CPUs) on three nodes joined over Aeron: its blocks are made on the nodes (large ones
 * in their stores, pulled where they are read), a pool stage's actors live on the nodes, and the results are those
 * of a sequential stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatasetClusterTest {
    @TempDir
    Path dir;

    private AeronMembers members;

    @BeforeEach
    void startControlStore() {
        members = new AeronMembers(dir);
    }

    @AfterEach
    void closeAll() {
        members.close();
    }

    private Kernel member(final String id, final double cpus) {
        return members.member(id, cpus, new KernelContext().objectStoreBytes(64L << 20)
            .objectStoreName("kairos-data-cluster-" + ProcessHandle.current().pid() + "-" + id));
    }

    /** A row and where it was made. */
    record Row(long value, String node, float[] payload) implements java.io.Serializable {
    }

    static Row made(final long x) {
        return new Row(x, TaskContext.current().nodeId(), new float[64]);
    }

    static float[] floats(final int n) {
        return new float[n];
    }

    static float[] big(final long x) {
        final float[] row = new float[600];  // 500 rows a block: 1.2 MB, held on its node until pulled
        row[0] = x;
        return row;
    }

    /**
     * A node leaves while the run goes on: its running tasks run again on the others and the blocks it held, made but
     * not yet pulled, are made again from their lineage; every row still comes, once.
     */
    @Test
    void aNodeThatLeavesMidRunLosesNoRow() {
        member("node-a", 1);
        member("node-b", 1);
        final Kernel leaving = member("node-c", 1);
        final Kernel driver = member("driver", 0);
        final int n = 40_000;
        final List<Long> values = new ArrayList<>();
        try (DatasetIterator<float[]> it = Dataset.range(driver, n, 500).map(DatasetClusterTest::big).retries(3)
            .preserveOrder(true).iterator()) {
            while (it.hasNext()) {
                values.add((long) it.next()[0]);
                if (values.size() == 5_000) {
                    leaving.close();  // blocks are running and held on it now
                }
            }
        }
        assertEquals(LongStream.range(0, n).boxed().collect(Collectors.toList()), values);
        assertTrue(members.errors.isEmpty(), members.errors::toString);
    }

    /**
     * Locality: the blocks a node makes are read on that node by the pool stage's actor that lives there; none goes to
     * the driver and back (before, each went to the driver and was pulled back by the node: two copies a block).
     */
    @Test
    void blocksAreReadWhereTheyWereMade() {
        final Kernel node = member("node-a", 2);
        final Kernel driver = member("driver", 0);
        final int n = 20_000;  // 40 blocks of 500 rows, 1.2 MB each: held on node-a
        final List<Double> sums = Dataset.range(driver, n, 500).map(DatasetClusterTest::big)
            .mapBatches(() -> batch -> List.of(batch.stream().mapToDouble(r -> r[0]).sum()), ActorPool.of(1, 1), 500)
            .takeAll();
        assertEquals(40, sums.size());
        assertEquals((double) n * (n - 1) / 2, sums.stream().mapToDouble(Double::doubleValue).sum());
        assertEquals(0, members.transports.get("driver").bulkPulled()[0], "no block pulled to the driver");
        assertEquals(0, members.transports.get("node-a").bulkPulled()[0], "none pulled back to the node");
        assertEquals(1 << 20, driver.task(DatasetClusterTest::floats, 1 << 20).remote().get().length);
        assertEquals(1, members.transports.get("driver").bulkPulled()[0], "a value read by the driver is pulled");
        assertTrue(members.errors.isEmpty(), members.errors::toString);
        // each block was freed by the run once its call was done: the node lets it go without waiting for a collection
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.objectStoreStats().bytesUsed() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, node.objectStoreStats().bytesUsed(), "no block left in the node's store");
    }

    @Test
    void aDatasetRunsOnThreeNodesAsASequentialStreamWould() {
        member("node-a", 1);
        member("node-b", 1);
        member("node-c", 1);
        final Kernel driver = member("driver", 0);
        final int n = 30_000;
        final Dataset<Row> rows = Dataset.range(driver, n, 500).map(DatasetClusterTest::made);

        final List<Long> values = new ArrayList<>();
        final Set<String> nodes = new HashSet<>();
        try (DatasetIterator<Row> it = rows.filter(r -> r.value() % 3 != 0).preserveOrder(true).iterator()) {
            while (it.hasNext()) {
                final Row r = it.next();
                values.add(r.value());
                nodes.add(r.node());
            }
        }
        assertEquals(LongStream.range(0, n).filter(x -> x % 3 != 0).boxed().collect(Collectors.toList()), values);
        assertEquals(Set.of("node-a", "node-b", "node-c"), nodes, "every node made blocks");

        final Map<Long, Long> expected = LongStream.range(0, n).boxed()
            .collect(Collectors.groupingBy(x -> x % 7, Collectors.counting()));
        final List<Group<Long, Long>> groups = rows.groupBy(r -> r.value() % 7).count().takeAll();
        assertEquals(expected, groups.stream().collect(Collectors.toMap(Group::key, Group::value)));

        final long sum = rows.mapBatches(() -> batch -> batch.stream().map(r -> r.value() * 2)
            .collect(Collectors.toList()), ActorPool.of(1, 3), 100)
            .groupBy(x -> 0).aggregate(Aggregator.sum(x -> x)).takeAll().get(0).value().longValue();
        assertEquals(2L * n * (n - 1) / 2, sum, "a pool stage on the nodes");
        assertTrue(members.errors.isEmpty(), members.errors::toString);
        assertEquals(0, driver.objectStoreStats().bytesUsed(), "no block left in the driver's store");
        // A node frees its copy of a block once it sent it back inline, and a held one once the driver pulled or
        // freed it: nothing is left anywhere, without waiting for a garbage collection.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long held;
        do {
            Thread.onSpinWait();
            held = members.kernels.stream().mapToLong(k -> k.objectStoreStats().bytesUsed()).sum();
        } while (held > 0 && System.nanoTime() < deadline);
        assertEquals(0, held, "no block left in any member's store");
    }
}
