package io.kairos.bench;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.KernelContext;
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
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Round trips into worker JVMs ({@code setIsolated(true)}), one at a time: {@link #isolated_task_sync} borrows a
 * pooled process (started with the kernel), runs a task there and gives it back; {@link #isolated_actor_call_sync}
 * calls an actor that lives in a worker process. What the kernel-to-process protocol costs per call (framing, the
 * pipe, the hand-offs on both sides), against a plain in-process task as the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class KernelWorkerProcessBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static int inc(final int x) {
        return x + 1;
    }

    /** An actor in a worker process. */
    public static final class Counter implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private int count;

        public Integer increment() {
            return ++count;
        }
    }

    /** A kernel with one worker process started ahead and one actor in another. */
    @State(Scope.Benchmark)
    public static class Processes {
        Kernel kernel;
        ActorHandle<Counter> actor;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(2).workerProcesses(1));
            actor = kernel.actor(Counter::new).setIsolated(true).remote();
            actor.task(Counter::increment).remote().get(WAIT);
            kernel.task(KernelWorkerProcessBenchmark::inc, 0).setIsolated(true).remote().get(WAIT);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    @Benchmark
    public Object isolated_task_sync(final Processes s) {
        return s.kernel.task(KernelWorkerProcessBenchmark::inc, 1).setIsolated(true).remote().get(WAIT);
    }

    @Benchmark
    public Object isolated_actor_call_sync(final Processes s) {
        return s.actor.task(Counter::increment).remote().get(WAIT);
    }

    /** The floor: the same task in the kernel's JVM. */
    @Benchmark
    public Object in_process_task_sync(final Processes s) {
        return s.kernel.task(KernelWorkerProcessBenchmark::inc, 1).remote().get(WAIT);
    }
}
