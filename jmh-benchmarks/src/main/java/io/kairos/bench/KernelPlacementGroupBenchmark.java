package io.kairos.bench;

import io.kairos.Kernel;
import io.kairos.PlacementGroup;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Ray's "placement group create/removal": create a group of one 1-CPU bundle, wait until it is reserved, remove it.
 * Peer, same run: a {@link Semaphore} acquire and release of the same one unit (a reservation with no placement).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelPlacementGroupBenchmark {
    private static final List<Map<String, Double>> ONE_BUNDLE = List.of(Map.of("CPU", 1.0));
    private static final Duration WAIT = Duration.ofSeconds(10);

    @State(Scope.Benchmark)
    public static class KernelState {
        Kernel kernel;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = KernelBench.startKernel(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    @State(Scope.Benchmark)
    public static class SemaphoreState {
        final Semaphore cpus = new Semaphore(2);
    }

    @Benchmark
    public boolean placement_group_create_removal(final KernelState state) {
        final PlacementGroup group = state.kernel.createPlacementGroup(ONE_BUNDLE, PlacementStrategy.PACK);
        final boolean ready = group.ready(WAIT);
        state.kernel.removePlacementGroup(group);
        return ready;
    }

    @Benchmark
    public boolean semaphore_acquire_release(final SemaphoreState state) throws InterruptedException {
        final boolean acquired = state.cpus.tryAcquire(1, 10, TimeUnit.SECONDS);
        state.cpus.release();
        return acquired;
    }
}
