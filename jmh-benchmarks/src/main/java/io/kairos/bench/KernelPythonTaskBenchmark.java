package io.kairos.bench;

import io.kairos.ActorHandle;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.PythonActor;
import io.kairos.value.Tensor;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python tasks from Java ({@code kernel.pyTask}): a round trip one at a time ({@link #python_task_sync}, and an
 * actor's call), and tasks in flight from one submitter ({@link #python_tasks_async}, 1,000 a batch), against the
 * floor of the transport: a frame of the same framing echoed by a bare Python loop over the same kind of pipes
 * ({@link #bare_pipe_round_trip}). The Python function is {@code operator.add}. Needs python3 with NumPy and the
 * checkout's {@code python/} (the kernel finds it from the working directory).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class KernelPythonTaskBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(30);
    public static final int BATCH = 1_000;
    /** The floor: frames echoed as the worker reads and writes them (a buffered reader, one os.write a frame). */
    private static final String ECHO = String.join("\n",
        "import os, struct",
        "r = open(0, 'rb', buffering=1 << 16)",
        "while True:",
        "    head = r.read(12)",
        "    if len(head) < 12:",
        "        break",
        "    os.write(1, head + r.read(struct.unpack('>qi', head)[1]))",
        "");

    /** A kernel whose Python worker pool is warm, a Python actor, and the bare echo process. */
    @State(Scope.Benchmark)
    public static class Python {
        Kernel kernel;
        ActorHandle<PythonActor> actor;
        Process echo;
        DataOutputStream toEcho;
        DataInputStream fromEcho;
        final byte[] frame = new byte[64];
        final ObjectRef<?>[] refs = new ObjectRef<?>[BATCH];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            kernel = Kernel.start(new KernelContext().cpus(2));
            for (int i = 0; i < 100; i++) {
                kernel.pyTask("operator:add", i, 1).remote().get(WAIT);
            }
            for (int i = 0; i < 100; i++) {
                kernel.task(KernelWorkerProcessBenchmark::inc, i).setIsolated(true).remote().get(WAIT);
            }
            actor = kernel.pyActor("collections:Counter").remote();
            actor.task("update", List.of("a")).remote().get(WAIT);
            echo = new ProcessBuilder("python3", "-c", ECHO).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            toEcho = new DataOutputStream(new BufferedOutputStream(echo.getOutputStream(), 1 << 16));
            fromEcho = new DataInputStream(new BufferedInputStream(echo.getInputStream(), 1 << 16));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            toEcho.close();
            echo.destroyForcibly();
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    @Benchmark
    public Object python_task_sync(final Python s) {
        return s.kernel.pyTask("operator:add", 1, 2).remote().get(WAIT);
    }

    @Benchmark
    public Object python_actor_call_sync(final Python s) {
        return s.actor.task("total").remote().get(WAIT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object python_tasks_async(final Python s) {
        for (int i = 0; i < BATCH; i++) {
            s.refs[i] = s.kernel.pyTask("operator:add", i, 1).remote();
        }
        Object last = null;
        for (int i = 0; i < BATCH; i++) {
            last = s.refs[i].get(WAIT);
            s.refs[i] = null;
        }
        return last;
    }

    /** A kernel with a 1 GiB store and a 64 MiB tensor to send to Python and back. */
    @State(Scope.Benchmark)
    public static class Tensors {
        static final long STORE_BYTES = 1L << 30;
        Kernel kernel;
        Tensor tensor;

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE_BYTES));
            KernelBench.awaitStorePrefault(kernel);
            final float[] values = new float[TENSOR_BYTES / 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            tensor = Tensor.of(values);
            kernel.pyTask("kairos.bench:identity", 1).remote().get(WAIT);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.checkNoKernelThreads();
        }
    }

    /** Bytes of the round-trip tensor. */
    public static final int TENSOR_BYTES = 64 << 20;

    /**
     * A 64 MiB tensor from Java to a Python task and back: put in the store (the one copy), read in place by Python and
     * returned as it was (it goes back by reference), read in place in Java (its last element), then both refs freed
     * ({@link ObjectRef#free}): the store's memory is back at once, as a program moving large tensors at this rate
     * would do rather than wait for the garbage collector to find its refs unreachable.
     */
    @Benchmark
    public float python_tensor_round_trip_64MiB(final Tensors s) {
        final ObjectRef<Tensor> in = s.kernel.put(s.tensor);
        final ObjectRef<Object> out = s.kernel.pyTask("kairos.bench:identity", in).remote();
        final float last;
        try (Tensor back = (Tensor) out.get(WAIT)) {
            last = back.data().getFloat(TENSOR_BYTES - 4);
        }
        in.free();
        out.free();
        return last;
    }

    /** The same round trip to a worker JVM: a Java task in a worker process ({@code setIsolated(true)}). */
    @Benchmark
    public Object java_worker_task_sync(final Python s) {
        return s.kernel.task(KernelWorkerProcessBenchmark::inc, 1).setIsolated(true).remote().get(WAIT);
    }

    /**
     * The floor of tasks in flight: {@value #BATCH} frames to the echo loop, then their echoes (76 KB each way: less
     * than the two pipes hold together, so neither side blocks for good).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long bare_pipe_pipelined(final Python s) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            s.toEcho.writeLong(i + 1);
            s.toEcho.writeInt(s.frame.length);
            s.toEcho.write(s.frame);
        }
        s.toEcho.flush();
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += s.fromEcho.readLong();
            s.fromEcho.readFully(s.frame, 0, s.fromEcho.readInt());
        }
        return sum;
    }

    /** The floor: a 64-byte frame to a bare Python loop that echoes it, over pipes. */
    @Benchmark
    public long bare_pipe_round_trip(final Python s) throws IOException {
        s.toEcho.writeLong(1);
        s.toEcho.writeInt(s.frame.length);
        s.toEcho.write(s.frame);
        s.toEcho.flush();
        final long channel = s.fromEcho.readLong();
        s.fromEcho.readFully(s.frame, 0, s.fromEcho.readInt());
        return channel;
    }
}
