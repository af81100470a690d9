package io.kairos.bench;

import io.kairos.WaitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kernel benchmark method, called a few times outside JMH: right results, and no thread left behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelBenchmarksSmokeTest {
    /** Closed kernels leave no conductor or worker thread behind. */
    @AfterEach
    void noKernelThreadIsLeft() {
        KernelBench.checkNoKernelThreads();
        final List<String> left = KernelBench.kernelThreads();
        assertTrue(left.isEmpty(), left.toString());
    }

    /** Ray's Java API through the adapter: Ray.init() finds the Kairos runtime, and every benchmark gets its results. */
    @Test
    void rayApiBenchmarks() {
        final RayApiBenchmark b = new RayApiBenchmark();
        final RayApiBenchmark.RayState ray = new RayApiBenchmark.RayState();
        ray.workers = 2;
        ray.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(KernelBench.RESULT, b.tasks_async(ray));
                assertEquals(KernelBench.RESULT, b.actor_calls_1_1_async(ray));
                assertEquals(KernelBench.RESULT, b.tasks_async_get_list(ray));
                assertEquals(KernelBench.RESULT, b.tasks_sync(ray));
                assertEquals(KernelBench.RESULT, b.actor_calls_1_1_sync(ray));
            }
        } finally {
            ray.tearDown();
        }
        assertTrue(!io.ray.api.Ray.isInitialized(), "Ray.shutdown() left Ray initialized");
    }

    /**
     * The training benchmarks: a gang of 8 starts and ends; a group of worker processes recovers from a kill -9; the
     * trainer's descent and the hand loop's agree.
     */
    @Test
    void trainBenchmarks() throws Exception {
        final TrainBenchmark b = new TrainBenchmark();
        final TrainBenchmark.Gang gang = new TrainBenchmark.Gang();
        gang.workers = 8;
        gang.setUp();
        try {
            assertEquals(0, b.gang_start(gang).failures());
        } finally {
            gang.tearDown();
        }
        final TrainBenchmark.Recovery recovery = new TrainBenchmark.Recovery();
        recovery.setUp();
        try {
            final double seconds = b.recovery(recovery);
            assertTrue(seconds > 0 && seconds < 120, "a recovery time: " + seconds + " s");
        } finally {
            recovery.tearDown();
        }
        final TrainBenchmark.Descent descent = new TrainBenchmark.Descent();
        descent.setUp();
        try {
            final double ours = b.trainer_descent(descent);
            assertEquals(b.hand_descent(descent), ours, "the same steps, summed in the same order");
            assertTrue(ours != 0, "the weights moved");
        } finally {
            descent.tearDown();
        }
    }

    /** The data pipelines: ours and both peers write the same embeddings; the group-bys agree on a small text. */
    @Test
    void dataPipelineBenchmarks() throws Exception {
        final DataPipelineBenchmark b = new DataPipelineBenchmark();
        final DataPipelineBenchmark.Images images = new DataPipelineBenchmark.Images();
        images.setUp();
        try {
            images.resetPeaks();
            assertEquals(DataPipelineBenchmark.IMAGES, b.image_pipeline(images));
            assertEquals(DataPipelineBenchmark.IMAGES, b.executor_image_pipeline(images));
            assertEquals(DataPipelineBenchmark.IMAGES, b.parallel_stream_image_pipeline(images));
            for (final String part : List.of("part-00000.jsonl", "part-00031.jsonl")) {
                final String ours = java.nio.file.Files.readString(images.out.resolve("ours").resolve(part));
                assertEquals(ours, java.nio.file.Files.readString(images.out.resolve("executor").resolve(part)), part);
                assertEquals(ours, java.nio.file.Files.readString(images.out.resolve("stream").resolve(part)), part);
            }
        } finally {
            images.tearDown();
        }
        final DataPipelineBenchmark.Text text = new DataPipelineBenchmark.Text();
        text.jsonlBytes = 4L << 20;
        text.setUp();
        try {
            @SuppressWarnings("unchecked")
            final List<io.kairos.data.Group<Object, List<Object>>> ours =
                (List<io.kairos.data.Group<Object, List<Object>>>) b.text_groupby(text);
            @SuppressWarnings("unchecked")
            final java.util.Map<Object, double[]> peer = (java.util.Map<Object, double[]>) b
                .parallel_stream_text_groupby(text);
            assertEquals(peer.size(), ours.size());
            for (final io.kairos.data.Group<Object, List<Object>> g : ours) {
                assertEquals((long) peer.get(g.key())[0], g.value().get(0), "count of " + g.key());
                assertEquals(peer.get(g.key())[1], (Double) g.value().get(1), 1e-6 * peer.get(g.key())[1]);
            }
        } finally {
            text.tearDown();
        }
    }

    @Test
    void tasksBenchmarks() throws Exception {
        final KernelTasksBenchmark b = new KernelTasksBenchmark();
        final KernelTasksBenchmark.KernelState kernel = new KernelTasksBenchmark.KernelState();
        kernel.workers = 2;
        kernel.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(KernelBench.RESULT, b.single_client_tasks_async(kernel));
                assertEquals(KernelBench.RESULT, b.single_client_tasks_sync(kernel));
            }
        } finally {
            kernel.tearDown();
        }
        final KernelTasksBenchmark.ThreadPoolState pool = new KernelTasksBenchmark.ThreadPoolState();
        pool.workers = 2;
        pool.setUp();
        try {
            assertEquals(KernelBench.RESULT, b.jdk_thread_pool_tasks_async(pool));
            assertEquals(KernelBench.RESULT, b.jdk_thread_pool_tasks_sync(pool));
        } finally {
            pool.tearDown();
        }
        final KernelTasksBenchmark.ForkJoinState forkJoin = new KernelTasksBenchmark.ForkJoinState();
        forkJoin.workers = 2;
        forkJoin.setUp();
        try {
            assertEquals(KernelBench.RESULT, b.jdk_fork_join_tasks_async(forkJoin));
            assertEquals(KernelBench.RESULT, b.jdk_fork_join_tasks_sync(forkJoin));
            assertEquals(KernelBench.RESULT, b.jdk_completable_future_tasks_async(forkJoin));
            assertEquals(KernelBench.RESULT, b.jdk_completable_future_tasks_sync(forkJoin));
        } finally {
            forkJoin.tearDown();
        }
    }

    @Test
    void objectsBenchmarks() {
        final KernelObjectsBenchmark b = new KernelObjectsBenchmark();
        final KernelObjectsBenchmark.KernelState kernel = new KernelObjectsBenchmark.KernelState();
        kernel.setUp();
        try {
            assertEquals(42, b.single_client_put_calls(kernel).get());
            assertEquals(42, b.single_client_get_calls(kernel));
            assertEquals(KernelObjectsBenchmark.WAIT_REFS, readyAfterWait(b, kernel));
        } finally {
            kernel.tearDown();
        }
        final KernelObjectsBenchmark.MapState map = new KernelObjectsBenchmark.MapState();
        map.setUp();
        b.jdk_concurrent_hash_map_put(map);
        assertEquals(KernelObjectsBenchmark.KEY_RING / 2, b.jdk_concurrent_hash_map_get(map));
        final KernelObjectsBenchmark.FuturesState futures = new KernelObjectsBenchmark.FuturesState();
        futures.setUp();
        b.jdk_completable_future_all_of_1k(futures);
    }

    /** In a method of its own, so that no local of the test keeps the refs (and their kernel) reachable. */
    private static int readyAfterWait(final KernelObjectsBenchmark b, final KernelObjectsBenchmark.KernelState kernel) {
        final WaitResult<Integer> waited = b.single_client_wait_1k_refs(kernel);
        assertTrue(waited.unready().isEmpty());
        return waited.ready().size();
    }

    @Test
    void actorAndPlacementGroupBenchmarks() throws Exception {
        final KernelActorsBenchmark actors = new KernelActorsBenchmark();
        final KernelActorsBenchmark.KernelState kernel = new KernelActorsBenchmark.KernelState();
        kernel.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(KernelBench.RESULT, actors.actor_calls_1_1_sync(kernel));
                assertEquals(KernelBench.RESULT, actors.actor_calls_1_1_async(kernel));
            }
        } finally {
            kernel.tearDown();
        }
        final KernelActorsBenchmark.ExecutorState executor = new KernelActorsBenchmark.ExecutorState();
        executor.setUp();
        try {
            assertEquals(KernelBench.RESULT, actors.singleThreadExecutor_async(executor));
        } finally {
            executor.tearDown();
        }
        final KernelPlacementGroupBenchmark groups = new KernelPlacementGroupBenchmark();
        final KernelPlacementGroupBenchmark.KernelState pgKernel = new KernelPlacementGroupBenchmark.KernelState();
        pgKernel.setUp();
        try {
            for (int i = 0; i < 100; i++) {
                assertTrue(groups.placement_group_create_removal(pgKernel), "group " + i + " reserved");
            }
        } finally {
            pgKernel.tearDown();
        }
        assertTrue(groups.semaphore_acquire_release(new KernelPlacementGroupBenchmark.SemaphoreState()));
    }
}
