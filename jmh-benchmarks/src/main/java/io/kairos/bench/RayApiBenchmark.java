package io.kairos.bench;

import io.kairos.ray.KairosRayRuntime;
import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.function.RayFunc0;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ray's Java microbenchmark workloads written against Ray's Java API ({@code io.ray.api}) and run on Kairos through
 * the adapter ({@code kairos-ray-api}): the program Ray's own runtime runs in the suite's "Ray Java (LOCAL)" column,
 * on the kernel. Each method is the twin of a native benchmark with the same submit-then-get pattern, the same no-op
 * and the same kernel (one node of {@code workers} CPUs), so that the adapter's overhead is this figure against
 * {@link KernelTasksBenchmark#single_client_tasks_async} and {@link KernelActorsBenchmark#actor_calls_1_1_async} in
 * the same run:
 * <ul>
 *   <li>{@link #tasks_async}: {@value #CALLS} {@code Ray.task(f).remote()}, then {@code get} of each;</li>
 *   <li>{@link #actor_calls_1_1_async}: {@value #CALLS} {@code actor.task(A::m).remote()}, then {@code get} of
 *       each;</li>
 *   <li>{@link #tasks_sync} and {@link #actor_calls_1_1_sync}: one call and its get.</li>
 * </ul>
 * {@code Ray.init()} starts the embedded kernel from system properties, as a Ray program is configured
 * ({@code ray.head-args.0=--num-cpus=N}); {@code Ray.shutdown()} closes it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class RayApiBenchmark {
    /** Calls per invocation of the async benchmarks (as {@link KernelTasksBenchmark#TASKS}). */
    public static final int CALLS = KernelTasksBenchmark.TASKS;

    /** The no-op task, one instance (a submission allocates no lambda). */
    static final RayFunc0<Integer> NOOP = KernelBench::noop;

    /** A no-op actor (as {@link KernelActorsBenchmark.Echo}). */
    public static final class Echo {
        private int calls;

        public Integer echo() {
            calls++;
            return KernelBench.RESULT;
        }
    }

    /** Ray on Kairos, started the way a Ray program starts it, with one warm actor. */
    @State(Scope.Benchmark)
    public static class RayState {
        /** CPUs of the kernel's node. */
        @Param("2")
        int workers;

        ActorHandle<Echo> actor;
        final ObjectRef<?>[] refs = new ObjectRef<?>[CALLS];

        @Setup(Level.Trial)
        public void setUp() {
            start(workers);
            if (!(Ray.internal() instanceof KairosRayRuntime)) {
                throw new IllegalStateException("Ray.init() started " + Ray.internal().getClass().getName()
                    + ", not the Kairos adapter: io.ray:ray-runtime is on the class path");
            }
            actor = Ray.actor(Echo::new).remote();
            actor.task(Echo::echo).remote().get();
            Ray.task(NOOP).remote().get();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Ray.shutdown();
            actor = null;
            Arrays.fill(refs, null);
            KernelBench.checkNoKernelThreads();
        }
    }

    /** Ray.init() on a node of cpus CPUs (the system properties a Ray program would be given; cleared after). */
    static void start(final int cpus) {
        final String key = "ray.head-args.0";
        final String namespace = "ray.job.namespace";
        System.setProperty(key, "--num-cpus=" + cpus);
        System.setProperty(namespace, "kairos-bench");
        try {
            Ray.init();
        } finally {
            System.clearProperty(key);
            System.clearProperty(namespace);
        }
    }

    /** Gets every ref in order, clearing the array; the last value. */
    static Object getAll(final ObjectRef<?>[] refs) {
        Object last = null;
        for (int i = 0; i < refs.length; i++) {
            last = refs[i].get();
            refs[i] = null;
        }
        return last;
    }

    /** Ray: "single client tasks async" through the adapter. Twin: KernelTasksBenchmark.single_client_tasks_async. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object tasks_async(final RayState s) {
        final ObjectRef<?>[] refs = s.refs;
        for (int i = 0; i < refs.length; i++) {
            refs[i] = Ray.task(NOOP).remote();
        }
        return getAll(refs);
    }

    /** Ray: "1:1 actor calls async" through the adapter. Twin: KernelActorsBenchmark.actor_calls_1_1_async. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object actor_calls_1_1_async(final RayState s) {
        final ObjectRef<?>[] refs = s.refs;
        final ActorHandle<Echo> actor = s.actor;
        for (int i = 0; i < refs.length; i++) {
            refs[i] = actor.task(Echo::echo).remote();
        }
        return getAll(refs);
    }

    /** Ray's workload as Ray's own Java benchmark writes it: the refs in a list, one Ray.get of the list. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object tasks_async_get_list(final RayState s) {
        final List<ObjectRef<Integer>> refs = new java.util.ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            refs.add(Ray.task(NOOP).remote());
        }
        final List<Integer> values = Ray.get(refs);
        return values.get(CALLS - 1);
    }

    /** Ray: "single client tasks sync" through the adapter. */
    @Benchmark
    public Object tasks_sync(final RayState s) {
        return Ray.task(NOOP).remote().get();
    }

    /** Ray: "1:1 actor calls sync" through the adapter. */
    @Benchmark
    public Object actor_calls_1_1_sync(final RayState s) {
        return s.actor.task(Echo::echo).remote().get();
    }
}
