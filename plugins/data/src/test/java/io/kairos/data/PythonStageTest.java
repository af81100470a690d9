package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Python class as a stage of a Java dataset (its actors are Python workers), with Java operators after it (a task
 * stage). Skipped, saying so, without a python3 that has NumPy.
 */
@Timeout(120)
class PythonStageTest {
    private static final Path FIXTURES = Path.of("src/test/python").toAbsolutePath();
    private Kernel kernel;

    @BeforeAll
    static void needsPythonWithNumpy() throws Exception {
        final Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor() == 0, "PythonStageTest skipped: no python3 with NumPy on the PATH");
    }

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start() {
        kernel = Kernel.start(new KernelContext().cpus(4).objectStoreBytes(64L << 20)
            .python("python3", List.of(FIXTURES)));
        return kernel;
    }

    @Test
    void aPythonStageBetweenJavaOperatorsGivesWhatASequentialStreamGives() {
        start();
        // blocks of 20,000 Longs: large enough for the store, where Java serializes them (they go to Python inline)
        final Dataset<Long> ds = Dataset.range(kernel, 100_000, 20_000)
            .map(x -> x + 1)
            .<Object>mapBatches("data_fixtures:Triple", ActorPool.of(1, 2), 1_000)
            .map(x -> ((Number) x).longValue() - 1);
        final List<Long> expected = LongStream.range(0, 100_000).map(x -> (x + 1) * 3 - 1).boxed()
            .collect(Collectors.toList());
        assertEquals(expected, ds.preserveOrder(true).takeAll());
        assertEquals(expected.size(), ds.count());
        final Dataset<Object> vectorized = Dataset.range(kernel, 10_000, 1_000)
            .mapBatches("data_fixtures:TripleArray", ActorPool.of(1, 1), 256);
        assertEquals(LongStream.range(0, 10_000).map(x -> x * 3).boxed().collect(Collectors.toList()),
            vectorized.preserveOrder(true).takeAll(), "a NumPy array back is its rows");
    }

    @Test
    void aPythonStageThatRaisesFailsTheRunOrIsSkippedAndNothingHangs() {
        start();
        final Dataset<Object> ds = Dataset.range(kernel, 1_000, 100)
            .mapBatches("data_fixtures:FailsOn13", ActorPool.of(1, 2), 10);
        final TaskFailedException e = assertThrows(TaskFailedException.class, ds::count);
        assertTrue(chain(e).contains("thirteen is unlucky"), chain(e));
        assertEquals(900, ds.maxErroredBlocks(1).count(), "the block holding 13 skipped");
        final TaskFailedException load = assertThrows(TaskFailedException.class,
            () -> Dataset.range(kernel, 100, 10).mapBatches("data_fixtures:FailsToLoad", ActorPool.of(1, 2), 10)
                .count());
        assertTrue(chain(load).contains("weights not found"), chain(load));
    }

    /** The exception and its causes, as text: the Python error is a cause some levels down. */
    static String chain(final Throwable e) {
        final StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append(" <- ");
        }
        return sb.toString();
    }

    @Test
    void aPythonStagesActorsAreAPoolOfPythonWorkers() {
        start();
        final DatasetIterator<Object> it = Dataset.range(kernel, 2_000, 50)
            .mapBatches("data_fixtures:Whoami", ActorPool.of(2, 2), 10).iterator();
        final Set<Object> pids = new HashSet<>();
        long rows = 0;
        while (it.hasNext()) {
            final List<?> row = (List<?>) it.next();
            pids.add(row.get(1));
            rows++;
        }
        assertEquals(2_000, rows);
        assertTrue(pids.size() <= 2 && !pids.isEmpty(), "rows from the pool's Python workers: " + pids);
        assertEquals(0, it.actors(), "the pool's actors went at the end");
        assertThrows(IllegalArgumentException.class,
            () -> Dataset.range(kernel, 10).mapBatches("no colon", ActorPool.of(1, 1), 1));
    }
}
