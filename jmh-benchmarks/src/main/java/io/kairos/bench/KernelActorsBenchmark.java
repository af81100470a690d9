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

import com.lmax.disruptor.dsl.ProducerType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Ray's actor-call benchmarks (python/ray/_private/ray_perf.py), no-op method calls:
 * <ul>
 *   <li>{@code actor_calls_1_1_sync}: one caller, one actor, call and get one at a time;</li>
 *   <li>{@code actor_calls_1_1_async}: submit {@value #CALLS} calls, then get them all (the score counts calls);</li>
 *   <li>{@code actor_calls_1_1_concurrent}: the same to an actor of max concurrency {@value #CONCURRENCY};</li>
 *   <li>{@code actor_calls_1_n_async}: one caller, {@value #ACTORS} actors, {@value #CALLS} calls round-robin;</li>
 *   <li>{@code actor_calls_n_n_async} (and {@code _with_arg}: each call takes an ObjectRef argument): every JMH
 *       thread (run with {@code -t 2}) calls {@value #ACTORS} shared actors round-robin.</li>
 * </ul>
 * Peers, same run, same submit and get pattern: single-thread executors (an actor's ordering and
 * single-threadedness, without the kernel), a fixed pool of 2 threads for the concurrent actor, and the LMAX
 * Disruptor hand-off to one consumer ({@link DisruptorHandOff}).
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
    /** Actors of the 1:n and n:n benchmarks (and single-thread executors of their peers). */
    public static final int ACTORS = 4;
    /** Max concurrency of the concurrent actor. */
    public static final int CONCURRENCY = 16;

    /** A no-op actor. */
    public static final class Echo {
        private int calls;

        public Integer echo() {
            calls++;
            return KernelBench.RESULT;
        }

        public Integer echoArg(final Integer value) {
            calls++;
            return value;
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

    /** A concurrent actor, {@value #ACTORS} plain ones, and an argument ref. */
    @State(Scope.Benchmark)
    public static class ManyActorsState {
        Kernel kernel;
        ActorHandle<Echo> concurrent;
        final List<ActorHandle<Echo>> actors = new ArrayList<>();
        ObjectRef<Integer> argument;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = KernelBench.startKernel(2);
            concurrent = kernel.actor(Echo::new).setMaxConcurrency(CONCURRENCY).remote();
            concurrent.task(Echo::echo).remote().get();
            for (int i = 0; i < ACTORS; i++) {
                actors.add(kernel.actor(Echo::new).remote());
                actors.get(i).task(Echo::echo).remote().get();
            }
            argument = kernel.put(1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            concurrent = null;
            actors.clear();
            argument = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** One calling thread's result refs and futures. */
    @State(Scope.Thread)
    public static class Caller {
        final ObjectRef<?>[] refs = new ObjectRef<?>[CALLS];
        final Future<?>[] futures = new Future<?>[CALLS];
        final long[] sequences = new long[CALLS];
    }

    /** Peers: {@value #ACTORS} single-thread executors, each with its Echo, and a fixed pool of 2 threads. */
    @State(Scope.Benchmark)
    public static class ExecutorsState {
        final List<ExecutorService> executors = new ArrayList<>();
        final List<Callable<Integer>> echoes = new ArrayList<>();
        final List<Callable<Integer>> echoArgs = new ArrayList<>();
        ExecutorService pool;
        final Echo pooled = new Echo();
        final Callable<Integer> pooledEcho = pooled::echo;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < ACTORS; i++) {
                final Echo echo = new Echo();
                final Integer argument = 1;
                executors.add(Executors.newSingleThreadExecutor());
                echoes.add(echo::echo);
                echoArgs.add(() -> echo.echoArg(argument));
            }
            pool = Executors.newFixedThreadPool(2);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executors.forEach(KernelBench::shutdown);
            executors.clear();
            KernelBench.shutdown(pool);
        }
    }

    /** Peer: the Disruptor hand-off to one consumer running the Echo. */
    @State(Scope.Benchmark)
    public static class DisruptorState {
        DisruptorHandOff handOff;
        final Echo echo = new Echo();
        final Callable<Integer> call = echo::echo;

        @Setup(Level.Trial)
        public void setUp() {
            handOff = new DisruptorHandOff(KernelTasksBenchmark.RING, ProducerType.SINGLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            handOff.close();
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

    @Benchmark
    public Object disruptor_sync(final DisruptorState state) {
        return state.handOff.call(state.call);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object disruptor_async(final DisruptorState state, final Caller caller) {
        return state.handOff.callAll(state.call, caller.sequences);
    }

    /** Ray: "1:1 actor calls concurrent": {@value #CALLS} calls to an actor of max concurrency {@value #CONCURRENCY}. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_1_1_concurrent(final ManyActorsState state, final Caller caller) {
        final ObjectRef<?>[] refs = caller.refs;
        for (int i = 0; i < CALLS; i++) {
            refs[i] = state.concurrent.task(Echo::echo).remote();
        }
        return KernelBench.getAll(refs);
    }

    /** Peer of the concurrent actor: a fixed pool of 2 threads. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object threadPool_concurrent(final ExecutorsState state, final Caller caller)
        throws ExecutionException, InterruptedException {
        final Future<?>[] futures = caller.futures;
        for (int i = 0; i < CALLS; i++) {
            futures[i] = state.pool.submit(state.pooledEcho);
        }
        return KernelBench.getAll(futures);
    }

    /** Ray: "1:n actor calls async": {@value #CALLS} calls round-robin over {@value #ACTORS} actors. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_1_n_async(final ManyActorsState state, final Caller caller) {
        return callRoundRobin(state, caller, false);
    }

    /** Ray: "n:n actor calls async": run with several JMH threads; each calls the shared actors round-robin. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_n_n_async(final ManyActorsState state, final Caller caller) {
        return callRoundRobin(state, caller, false);
    }

    /** Ray: "n:n actor calls with arg async": as n:n, each call takes an ObjectRef argument. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_n_n_with_arg_async(final ManyActorsState state, final Caller caller) {
        return callRoundRobin(state, caller, true);
    }

    /** Peer of 1:n and n:n: {@value #CALLS} calls round-robin over {@value #ACTORS} single-thread executors. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object singleThreadExecutors_round_robin(final ExecutorsState state, final Caller caller)
        throws ExecutionException, InterruptedException {
        return submitRoundRobin(state.executors, state.echoes, caller);
    }

    /** Peer of n:n with arg: as round robin, each call passing its argument. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object singleThreadExecutors_round_robin_with_arg(final ExecutorsState state, final Caller caller)
        throws ExecutionException, InterruptedException {
        return submitRoundRobin(state.executors, state.echoArgs, caller);
    }

    private static Object callRoundRobin(final ManyActorsState state, final Caller caller, final boolean withArg) {
        final ObjectRef<?>[] refs = caller.refs;
        final List<ActorHandle<Echo>> actors = state.actors;
        for (int i = 0; i < CALLS; i++) {
            final ActorHandle<Echo> actor = actors.get(i % ACTORS);
            refs[i] = withArg ? actor.task(Echo::echoArg, state.argument).remote() : actor.task(Echo::echo).remote();
        }
        return KernelBench.getAll(refs);
    }

    private static Object submitRoundRobin(final List<ExecutorService> executors,
                                           final List<Callable<Integer>> calls, final Caller caller)
        throws ExecutionException, InterruptedException {
        final Future<?>[] futures = caller.futures;
        for (int i = 0; i < CALLS; i++) {
            futures[i] = executors.get(i % ACTORS).submit(calls.get(i % ACTORS));
        }
        return KernelBench.getAll(futures);
    }
}
