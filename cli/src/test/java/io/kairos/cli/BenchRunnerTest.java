package io.kairos.cli;

import io.kairos.bench.JvmFlags;
import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.plan.BenchPlan;
import io.kairos.bench.plan.KernelBenchPlan;
import io.kairos.bench.plan.StoreBenchPlan;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.runner.options.Options;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchRunnerTest {
    @Test
    void optionsRunOneForkOneThreadAndTheFootprintProfilerWhereNeeded() {
        final BenchPlan plan = KernelBenchPlan.create(true);
        final BenchRunner runner = BenchKernelCommand.runner(true);
        final Options sync = runner.options(plan.step("tasks_sync"));
        assertEquals(1, sync.getForkCount().get());
        assertEquals(1, sync.getThreads().get());
        assertEquals(List.of(Mode.SampleTime), List.copyOf(sync.getBenchModes()));
        assertTrue(sync.getProfilers().isEmpty());
        final Options queued = runner.options(plan.step("queued"));
        assertEquals(0, queued.getWarmupIterations().get());
        assertEquals(1, queued.getMeasurementIterations().get());
        assertEquals(1, queued.getProfilers().size());
        assertTrue(queued.getJvmArgsAppend().get().contains(KernelQueuedTasksBenchmark.INITIAL_HEAP));
        assertTrue(queued.getJvmArgsAppend().get().contains("-D" + KernelQueuedTasksBenchmark.QUIET_PROP + "=true"));
    }

    @Test
    void storeStepsRunTheirTimingWithTheStacksFlagsOnly() {
        final BenchRunner runner = BenchStoreCommand.runner(false);
        final Options put = runner.options(StoreBenchPlan.create(false).step("put8m"));
        assertEquals(1, put.getWarmupIterations().get());
        assertEquals(2, put.getMeasurementIterations().get());
        assertEquals(List.of(Mode.Throughput), List.copyOf(put.getBenchModes()));
        assertEquals(JvmFlags.forChildJvm(), List.copyOf(put.getJvmArgsAppend().get()));
    }
}
