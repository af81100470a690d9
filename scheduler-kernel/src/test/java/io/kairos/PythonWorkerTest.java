package io.kairos;

import io.kairos.exception.PythonException;
import io.kairos.exception.TaskFailedException;
import io.kairos.value.PythonValue;
import io.kairos.value.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python tasks and actors ({@link Kernel#pyTask}, {@link Kernel#pyActor}) run in Python workers the kernel starts
 * ({@code python3 -m kairos.worker}), with the test's module {@code src/test/python/kairos_fixtures.py}: values both
 * ways, tensors through the shared store without a copy, Python exceptions, a killed worker retried, actors in order
 * and at once, GPUs as CUDA_VISIBLE_DEVICES. Skipped, saying so, without a python3 that has NumPy.
 */
@Timeout(180)
class PythonWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path FIXTURES = Path.of("src/test/python").toAbsolutePath();
    private Kernel kernel;

    @BeforeAll
    static void needsPythonWithNumpy() throws Exception {
        Assumptions.assumeTrue(runs("python3", "-c", "import numpy"),
            "PythonWorkerTest skipped: no python3 with NumPy on the PATH");
    }

    static boolean runs(final String... command) throws Exception {
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (final java.io.IOException e) {
            return false;
        }
    }

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private Kernel start(final KernelContext context) {
        kernel = Kernel.start(context.python("python3", List.of(FIXTURES)));
        return kernel;
    }

    private Kernel start() {
        return start(new KernelContext().cpus(2));
    }

    @Test
    void aPythonTaskReturnsItsValue() {
        start();
        assertEquals(5L, kernel.pyTask("kairos_fixtures:add", 2, 3).remote().get(WAIT));
        assertEquals("ab", kernel.pyTask("kairos_fixtures:add", "a", "b").remote().get(WAIT));
        assertEquals(List.of(1L, 2.5, "x", true), kernel.pyTask("kairos_fixtures:add", List.of(1, 2.5),
            List.of("x", true)).remote().get(WAIT));
        assertEquals(List.of("dict", "{'k': [1, None, b'\\x01']}"), kernel.pyTask("kairos_fixtures:describe",
            Map.of("k", java.util.Arrays.asList(1L, null, new byte[] {1}))).remote().get(WAIT));
    }

    @Test
    void pythonAndJavaTasksDependOnEachOther() {
        start();
        final ObjectRef<Integer> java = kernel.task(PythonWorkerTest::seven).remote();
        final ObjectRef<Object> python = kernel.pyTask("kairos_fixtures:double", java).remote();
        @SuppressWarnings("unchecked")
        final ObjectRef<Long> fromPython = (ObjectRef<Long>) (ObjectRef<?>) python;  // Python ints come back as Long
        final ObjectRef<Long> back = kernel.task(PythonWorkerTest::plusOne, fromPython).remote();
        assertEquals(15L, back.get(WAIT));
        assertEquals(14L, python.get(WAIT));
    }

    static int seven() {
        return 7;
    }

    static long plusOne(final Long fromPython) {
        return fromPython + 1;
    }

    @Test
    void aTensorMadeInJavaIsReadInPythonInPlaceWithoutACopy() {
        start(new KernelContext().cpus(2).objectStoreBytes(320L << 20));
        final int n = 32 << 20;  // 32 Mi int64: 256 MiB
        final ByteBuffer data = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            data.putLong(i % 1000);
            sum += i % 1000;
        }
        data.flip();
        final ObjectRef<Tensor> tensor = kernel.put(Tensor.wrap(Tensor.DType.INT64, data, n));
        assertTrue(tensor.isStored(), "a 256 MiB tensor is in the shared store");
        @SuppressWarnings("unchecked")
        final List<Object> info = (List<Object>) kernel.pyTask("kairos_fixtures:tensor_info", tensor).remote()
            .get(WAIT);
        assertEquals(true, info.get(1), "the array's data lies inside the store's segment: " + info);
        assertEquals(sum, info.get(2), "its checksum");
        assertEquals(true, info.get(3), "a read-only view");
        assertEquals("int64", info.get(4));
        assertEquals(List.of((long) n), info.get(5));
    }

    @Test
    void aTensorWrittenInPlaceInJavaIsReadInPlaceInPython() {
        start();
        final int n = 1 << 20;  // 8 MiB of int64
        final ObjectRef<Tensor> tensor;
        long sum = 0;
        try (TensorWriter w = kernel.newTensor(Tensor.DType.INT64, 1024, n / 1024)) {
            final ByteBuffer data = w.data();
            for (int i = 0; i < n; i++) {
                data.putLong(i * 8, i % 777);
                sum += i % 777;
            }
            tensor = w.seal();
        }
        @SuppressWarnings("unchecked")
        final List<Object> info = (List<Object>) kernel.pyTask("kairos_fixtures:tensor_info", tensor).remote()
            .get(WAIT);
        assertEquals(true, info.get(1), "read in place, inside the segment: " + info);
        assertEquals(sum, info.get(2));
        assertEquals(List.of(1024L, (long) n / 1024), info.get(5));
    }

    @Test
    void aTensorReturnedAsItWasGoesBackByReferenceAndJavaReadsItInPlace() {
        start(new KernelContext().cpus(2).objectStoreBytes(256L << 20));
        final int n = 16 << 20;  // 64 MiB of float32
        final float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        final ObjectRef<Tensor> in = kernel.put(Tensor.of(values));
        final long objects = kernel.objectStoreStats().objects();
        final long address = org.agrona.BufferUtil.address(in.get(WAIT).data());
        for (final String fn : List.of("kairos_fixtures:same", "kairos_fixtures:same_view")) {
            final Tensor back = (Tensor) kernel.pyTask(fn, in).remote().get(WAIT);
            assertEquals(address, org.agrona.BufferUtil.address(back.data()), fn + ": the argument's own bytes");
            assertEquals(objects, kernel.objectStoreStats().objects(), fn + ": no object was written");
            assertEquals(n - 1f, back.data().getFloat((n - 1) * 4));
        }
        final Tensor tail = (Tensor) kernel.pyTask("kairos_fixtures:tail", in).remote().get(WAIT);
        assertNotEquals(address + 4, org.agrona.BufferUtil.address(tail.data()), "a part of it is a new object");
        assertArrayEquals(new long[] {n - 1}, tail.shape());
        assertEquals(1f, tail.data().getFloat(0));
        assertEquals(objects + 1, kernel.objectStoreStats().objects());
    }

    /**
     * The argument's ref freed while the Python task that returns it runs: the result still holds the object (its
     * share is taken while the call's pin holds it; before the review's fix the object was freed under the result).
     */
    @Test
    void aResultSharingAnArgumentFreedDuringTheCallKeepsIt(@TempDir final Path dir) throws Exception {
        start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
        final int n = 1 << 20;
        final float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        final ObjectRef<Tensor> in = kernel.put(Tensor.of(values));
        final Path go = dir.resolve("go");
        final ObjectRef<Object> out = kernel.pyTask("kairos_fixtures:same_when", in, go.toString()).remote();
        final Path started = dir.resolve("go.started");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(started)) {  // the call runs: its pin holds the argument
            assertTrue(System.nanoTime() - deadline < 0, "the Python task did not start in 30 s");
            Thread.onSpinWait();
        }
        in.free();
        Files.writeString(go, "go");
        try (Tensor back = (Tensor) out.get(WAIT)) {
            assertEquals(n - 1f, back.data().getFloat((n - 1) * 4), "the object lives on with the result");
        }
        assertThrows(io.kairos.exception.ObjectFreedException.class, () -> in.get(WAIT));
    }

    @Test
    void aTensorMadeInPythonIsReadInJava() {
        start();
        final int n = 4 << 20;  // 16 MiB of float32: it comes back through the store
        final Tensor t = (Tensor) kernel.pyTask("kairos_fixtures:arange", n).remote().get(WAIT);
        assertEquals(Tensor.DType.FLOAT32, t.dtype());
        assertArrayEquals(new long[] {n}, t.shape());
        final float[] values = t.toFloatArray();
        assertEquals(0f, values[0]);
        assertEquals(n - 1f, values[n - 1]);
        final Tensor small = (Tensor) kernel.pyTask("kairos_fixtures:scale", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
            2.0).remote().get(WAIT);
        assertArrayEquals(new long[] {2, 2}, small.shape());
        assertEquals(Tensor.DType.FLOAT32, small.dtype(), "float32 * a Python float stays float32 (NumPy 2)");
        assertArrayEquals(new float[] {2, 4, 6, 8}, small.toFloatArray());
    }

    @Test
    void aPythonExceptionFailsTheTaskWithItsTypeMessageAndTraceback() {
        start();
        final PythonException e = pythonError(kernel.pyTask("kairos_fixtures:fail", "boom").remote());
        assertEquals("ValueError", e.pythonType());
        assertEquals("boom", e.pythonMessage());
        assertTrue(e.traceback().contains("in fail"), e.traceback());
        assertEquals("ModuleNotFoundError",
            pythonError(kernel.pyTask("no_such_module:fn").remote()).pythonType());
        final PythonException missing = pythonError(kernel.pyTask("kairos_fixtures:no_such_function").remote());
        assertEquals("AttributeError", missing.pythonType());
        assertTrue(missing.pythonMessage().contains("no_such_function"), missing.pythonMessage());
        assertEquals("TypeError", pythonError(kernel.pyTask("kairos_fixtures:add", 1).remote()).pythonType());
        final IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
            () -> kernel.pyTask("not a name"));
        assertTrue(name.getMessage().startsWith("function 'not a name' is not 'module:name'"), name.getMessage());
        final TaskFailedException arg = assertThrows(TaskFailedException.class,
            () -> kernel.pyTask("kairos_fixtures:describe", new Object()).remote().get(WAIT));
        assertTrue(arg.getCause().getMessage().contains("argument 0 (java.lang.Object) has no cross-language form"),
            arg.getCause().getMessage());
        assertEquals(5L, kernel.pyTask("kairos_fixtures:add", 2, 3).remote().get(WAIT), "the workers still work");
    }

    @Test
    void aPythonWorkerThatCannotStartIsAClearError(@TempDir final Path dir) throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(2).python(dir.resolve("no-python3").toString(), List.of()));
        final TaskFailedException none = assertThrows(TaskFailedException.class,
            () -> kernel.pyTask("kairos_fixtures:add", 1, 2).remote().get(WAIT));
        assertTrue(none.getCause().getMessage().startsWith("cannot start a Python worker (" + dir.resolve("no-python3")
            + ")"), none.getCause().getMessage());
        kernel.close();
        // An interpreter that cannot import the worker (here: a script that exits at once) ends before its hello.
        final Path broken = Files.writeString(dir.resolve("broken-python"), "#!/bin/sh\necho 'no kairos here' >&2\nexit 1\n");
        assertTrue(broken.toFile().setExecutable(true));
        kernel = Kernel.start(new KernelContext().cpus(2).python(broken.toString(), List.of()));
        final TaskFailedException died = assertThrows(TaskFailedException.class,
            () -> kernel.pyTask("kairos_fixtures:add", 1, 2).setMaxRetries(1).remote().get(WAIT));
        final String message = died.getCause().getMessage();
        assertTrue(message.startsWith("Python worker ") && message.contains("died: exited with code 1; it ended before"
            + " its hello, so it could not start: its stderr says why"), message);
    }

    private static PythonException pythonError(final ObjectRef<?> ref) {
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
        return assertInstanceOf(PythonException.class, e.getCause(), String.valueOf(e));
    }

    @Test
    void aPythonValueJavaCannotReadGoesBackToPythonUnchanged() {
        start();
        final Object set = kernel.pyTask("kairos_fixtures:make_set").remote().get(WAIT);
        assertInstanceOf(PythonValue.class, set);
        assertEquals(3L, kernel.pyTask("kairos_fixtures:size_of", set).remote().get(WAIT));
        assertEquals(3L, kernel.pyTask("kairos_fixtures:size_of", kernel.pyTask("kairos_fixtures:make_set").remote())
            .remote().get(WAIT));
    }

    @Test
    void aWorkerKilledMidTaskIsRetried(@TempDir final Path dir) throws Exception {
        start();
        final Path marker = dir.resolve("pid");
        final ObjectRef<Object> ref = kernel.pyTask("kairos_fixtures:pid_then_wait", marker.toString())
            .setMaxRetries(1).remote();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker)) {
            assertTrue(System.nanoTime() < deadline, "the task did not start within 60 s");
            Thread.onSpinWait();
        }
        final long pid = Long.parseLong(Files.readString(marker).strip());
        assertTrue(kernel.workerProcessIds().contains(pid), "the task runs in one of the kernel's Python workers");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        final String result = (String) ref.get(WAIT);
        assertTrue(result.startsWith("retried in "), result);
        assertNotEquals(String.valueOf(pid), result.substring("retried in ".length()), "a new worker ran the retry");
    }

    @Test
    void aPythonActorKeepsItsStateAndRunsCallsInOrder() {
        start();
        final ActorHandle<PythonActor> counter = kernel.pyActor("kairos_fixtures:Counter", 10).remote();
        final List<ObjectRef<Object>> refs = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            refs.add(counter.task("add", 1).remote());
        }
        for (int i = 0; i < refs.size(); i++) {
            assertEquals(11L + i, refs.get(i).get(WAIT));
        }
        final IllegalArgumentException javaStyle = assertThrows(IllegalArgumentException.class,
            () -> counter.task(PythonActor::toString));
        assertTrue(javaStyle.getMessage().contains("is a Python actor"), javaStyle.getMessage());
        final PythonException missing = pythonError(counter.task("no_such_method").remote());
        assertEquals("AttributeError", missing.pythonType());
    }

    @Test
    void aPythonActorWithConcurrencyRunsCallsAtOnce() {
        start();
        final ActorHandle<PythonActor> meeting = kernel.pyActor("kairos_fixtures:Rendezvous", 3)
            .setMaxConcurrency(3).remote();
        final List<ObjectRef<Object>> refs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            refs.add(meeting.task("meet").remote());
        }
        final List<Object> arrivals = new ArrayList<>();
        for (final ObjectRef<Object> ref : refs) {
            arrivals.add(ref.get(WAIT));
        }
        arrivals.sort(null);
        assertEquals(List.of(0L, 1L, 2L), arrivals, "three calls met at the barrier: they ran at once");
    }

    @Test
    void aPythonWorkerSeesItsGpusAsCudaVisibleDevices() {
        start(new KernelContext().cpus(2).simulatedGpus("2x1GiB"));
        final Object none = kernel.pyTask("kairos_fixtures:env", "CUDA_VISIBLE_DEVICES").remote().get(WAIT);
        final Object one = kernel.pyTask("kairos_fixtures:env", "CUDA_VISIBLE_DEVICES").setResource("GPU", 1.0)
            .remote().get(WAIT);
        final Object two = kernel.pyTask("kairos_fixtures:env", "CUDA_VISIBLE_DEVICES").setResource("GPU", 2.0)
            .remote().get(WAIT);
        assertEquals(String.valueOf(System.getenv("CUDA_VISIBLE_DEVICES")), String.valueOf(none),
            "no GPU asked: the environment as inherited");
        assertTrue(List.of("0", "1").contains(one), String.valueOf(one));
        assertEquals("0,1", two);
        final ActorHandle<PythonActor> actor = kernel.pyActor("kairos_fixtures:Counter").setResource("GPU", 0.5)
            .remote();
        assertTrue(actor.task("pid").remote().get(WAIT) instanceof Long);
    }

    @Test
    void aTinyTorchModuleRunsInAPythonActorWithItsTensorsInTheStore() throws Exception {
        Assumptions.assumeTrue(runs("python3", "-c", "import torch"),
            "torch is not importable by python3: the PyTorch actor test is skipped (pip install torch==2.13.0+cpu)");
        start();
        final ActorHandle<PythonActor> model = kernel.pyActor("kairos_fixtures:TorchModel", 4).remote();
        final int rows = 16_384;  // 256 KiB in, 128 KiB out: both above the inline threshold, through the store
        final float[] values = new float[rows * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 17) / 17f;
        }
        final ObjectRef<Tensor> input = kernel.put(Tensor.of(values, rows, 4));
        assertTrue(input.isStored());
        final ObjectRef<Object> output = model.task("forward", input).remote();
        final Tensor out = (Tensor) output.get(WAIT);
        assertTrue(output.isStored(), "the module's output came back through the store");
        assertArrayEquals(new long[] {rows, 2}, out.shape());
        assertEquals(Tensor.DType.FLOAT32, out.dtype());
        final float[] first = out.toFloatArray();
        final Tensor again = (Tensor) model.task("forward", input).remote().get(WAIT);
        assertArrayEquals(first, again.toFloatArray(), "the same module gives the same output");
    }
}
