package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import io.kairos.function.KFunc1;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stateful stage in an autoscaling actor pool: its function made once per actor, 1 to 4 actors and back. */
@Timeout(120)
class ActorPoolTest {
    static final AtomicInteger MODELS = new AtomicInteger();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
        MODELS.set(0);
    }

    /** A "model": loaded once per actor, then applied to batches. */
    public static final class Model implements KFunc1<List<Long>, List<Long>> {
        private final long weight;

        public Model() {
            MODELS.incrementAndGet();
            weight = 2;
        }

        @Override
        public List<Long> apply(final List<Long> batch) {
            return batch.stream().map(x -> x * weight).collect(Collectors.toList());
        }
    }

    /** A slow model: 20 ms a call (a forward pass). */
    public static final class SlowModel implements KFunc1<List<Long>, List<Long>> {
        @Override
        public List<Long> apply(final List<Long> batch) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            return batch;
        }
    }

    @Test
    void aPoolStageGivesWhatASequentialStreamGivesItsModelMadeOncePerActor() {
        kernel = Kernel.start(new KernelContext().cpus(4).objectStoreBytes(64L << 20));
        final Dataset<Long> ds = Dataset.range(kernel, 20_000, 250)
            .map(x -> x + 1)
            .mapBatches(Model::new, ActorPool.of(1, 2), 64)
            .filter(x -> x % 3 != 0)
            .map(x -> x * 10);
        final List<Long> expected = LongStream.range(0, 20_000).map(x -> (x + 1) * 2).filter(x -> x % 3 != 0)
            .map(x -> x * 10).boxed().collect(Collectors.toList());
        final DatasetIterator<Long> it = ds.preserveOrder(true).iterator();
        final List<Long> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        assertEquals(expected, rows);
        assertTrue(it.peakActors() >= 1 && it.peakActors() <= 2, "within the pool's sizes: " + it.peakActors());
        assertEquals(it.peakActors(), MODELS.get(), "one model per actor, made once");
        assertEquals(0, it.actors(), "read to its end, the run let its actors go");
        assertEquals(expected.size(), ds.count());
    }

    @Test
    void thePoolGrowsWhileBlocksWaitAndShrinksWhenItsActorsIdle() {
        kernel = Kernel.start(new KernelContext().cpus(8).objectStoreBytes(64L << 20));
        final DatasetIterator<Long> it = Dataset.range(kernel, 3_000, 10)
            .mapBatches(SlowModel::new, ActorPool.of(1, 4).idleTimeout(Duration.ofMillis(100)), 10)
            .preserveOrder(true).iterator();
        long sum = 0;
        long read = 0;
        while (it.peakActors() < 4 && it.hasNext()) {  // a fast reader: the slow stage falls behind, the pool grows
            sum += it.next();
            read++;
        }
        assertEquals(4, it.peakActors(), "grew to its max while blocks waited");
        while (it.actors() > 1 && it.hasNext()) {  // a slow reader: the stage catches up, its actors idle
            sum += it.next();
            read++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));  // the reader's own work per row
        }
        assertEquals(1, it.actors(), "shrank back to its min once idle");
        assertTrue(read < 3_000, "while the run was still going");
        while (it.hasNext()) {
            sum += it.next();
        }
        assertEquals(3_000L * 2_999 / 2, sum, "every row once");
    }

    /** A model that throws on a batch holding 13. */
    public static final class FailsOn13 implements KFunc1<List<Long>, List<Long>> {
        @Override
        public List<Long> apply(final List<Long> batch) {
            if (batch.contains(13L)) {
                throw new IllegalStateException("thirteen is unlucky");
            }
            return batch;
        }
    }

    /** A model whose loading fails. */
    public static final class FailsToLoad implements KFunc1<List<Long>, List<Long>> {
        public FailsToLoad() {
            throw new IllegalStateException("weights not found");
        }

        @Override
        public List<Long> apply(final List<Long> batch) {
            return batch;
        }
    }

    @Test
    void aStageThatThrowsFailsTheRunOrIsSkippedAndNothingHangs() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final Dataset<Long> ds = Dataset.range(kernel, 1_000, 100).mapBatches(FailsOn13::new, ActorPool.of(1, 2), 10);
        final TaskFailedException e = assertThrows(TaskFailedException.class, ds::count);
        assertTrue(PythonStageTest.chain(e).contains("thirteen is unlucky"), PythonStageTest.chain(e));
        assertEquals(900, ds.maxErroredBlocks(1).count(), "the block holding 13 skipped");
        final DatasetIterator<Long> it = ds.iterator();
        assertThrows(TaskFailedException.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertEquals(0, it.actors(), "a failed run lets its actors go");
        final RuntimeException load = assertThrows(RuntimeException.class,
            () -> Dataset.range(kernel, 100, 10).mapBatches(FailsToLoad::new, ActorPool.of(1, 2), 10).count());
        assertTrue(PythonStageTest.chain(load).contains("weights not found"), PythonStageTest.chain(load));
    }

    @Test
    void poolSizesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ActorPool.of(0, 2));
        assertThrows(IllegalArgumentException.class, () -> ActorPool.of(3, 2));
        assertThrows(IllegalArgumentException.class, () -> ActorPool.of(1, 2).gpus(-1));
    }
}
