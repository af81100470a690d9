package io.kairos.bench;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.ObjectRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Ray's "1:1 actor calls sync" and "1:1 actor calls async": one caller, one actor, no-op method calls.
 * {@code actor_calls_1_1_sync} calls and gets one at a time; {@code actor_calls_1_1_async} submits {@value #CALLS}
 * calls, then gets them all (the score counts calls). Peer, same run: a single-thread executor (an actor's ordering
 * and single-threadedness, without the kernel) with the same submit and get pattern.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class KernelActorsBenchmark {
    /** Calls per invocation of the async benchmarks. */
    public static final int CALLS = 1000;

    /** A no-op actor. */
    public static final class Echo {
        private int calls;

        public Integer echo() {
            calls++;
            return KernelBench.RESULT;
        }
    }

    @State(Scope.Benchmark)
    public static class KernelState {
        Kernel kernel;
        ActorHandle<Echo> actor;
        final ObjectRef<?>[] refs = new ObjectRef<?>[CALLS];

        @Setup(Level.Trial)
        public void setUp() {
            kernel = KernelBench.startKernel(2);
            actor = kernel.actor(Echo::new).remote();
            actor.task(Echo::echo).remote().get();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            actor = null;
            Arrays.fill(refs, null);
            KernelBench.checkNoKernelThreads();
        }
    }

    @State(Scope.Benchmark)
    public static class ExecutorState {
        ExecutorService executor;
        final Future<?>[] futures = new Future<?>[CALLS];
        final Echo echo = new Echo();

        @Setup(Level.Trial)
        public void setUp() {
            executor = Executors.newSingleThreadExecutor();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.shutdown(executor);
        }
    }

    @Benchmark
    public Integer actor_calls_1_1_sync(final KernelState state) {
        return state.actor.task(Echo::echo).remote().get();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_1_1_async(final KernelState state) {
        for (int i = 0; i < CALLS; i++) {
            state.refs[i] = state.actor.task(Echo::echo).remote();
        }
        Object last = null;
        for (int i = 0; i < CALLS; i++) {
            last = state.refs[i].get();
        }
        return last;
    }

    @Benchmark
    public Object singleThreadExecutor_sync(final ExecutorState state) throws ExecutionException, InterruptedException {
        return state.executor.submit(state.echo::echo).get();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object singleThreadExecutor_async(final ExecutorState state) throws ExecutionException, InterruptedException {
        for (int i = 0; i < CALLS; i++) {
            state.futures[i] = state.executor.submit(state.echo::echo);
        }
        Object last = null;
        for (int i = 0; i < CALLS; i++) {
            last = state.futures[i].get();
        }
        return last;
    }
}
