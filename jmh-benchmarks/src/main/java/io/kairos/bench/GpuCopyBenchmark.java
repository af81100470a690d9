package io.kairos.bench;

import io.kairos.gpu.DeviceBuffer;
import io.kairos.gpu.GpuBackend;
import io.kairos.gpu.GpuDevices;
import io.kairos.gpu.PinnedBuffer;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Copy bandwidth through the device bindings ({@link DeviceBuffer}: the JNA call, the allocation-table check, the
 * backend's copy) next to a raw copy of the same bytes in the same run. Host to device and device to host from
 * pinned memory, and device to device across two devices, {@code size} bytes a copy. The backend is CUDA where the
 * machine has a GPU (two copies of a device-to-device pair on one GPU when it has one), else two simulated devices,
 * whose raw peer is a host memory copy ({@code Unsafe.copyMemory}) of the same size: the overhead of the bindings.
 * On a GPU the {@code raw_cuda_*} peers copy the same bytes between the same buffers with the CUDA runtime's own
 * {@code cudaMemcpy} ({@link RawCudart}); without one they stop at set-up with "needs a CUDA device", and JMH goes on
 * with the rest. Scores are copies per second; bytes per second = score x size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
@Threads(1)
public class GpuCopyBenchmark {
    @State(Scope.Benchmark)
    public static class Devices {
        @Param({"67108864"})
        int size;

        GpuDevices gpus;
        PinnedBuffer pinned;
        ByteBuffer host;
        DeviceBuffer a;
        DeviceBuffer b;
        UnsafeBuffer rawSrc;
        UnsafeBuffer rawDst;

        @Setup(Level.Trial)
        public void setUp() {
            final GpuDevices cuda = GpuDevices.cudaCompiled() ? GpuDevices.open(GpuBackend.CUDA, "") : null;
            if (cuda != null && cuda.count() > 0) {
                gpus = cuda;
            } else {
                if (cuda != null) {
                    cuda.close();
                }
                gpus = GpuDevices.simulated("2x1GiB");
            }
            pinned = gpus.allocatePinned(size);
            host = pinned.byteBuffer();
            a = gpus.allocate(0, size);
            b = gpus.allocate(gpus.count() > 1 ? 1 : 0, size);
            a.fill(1);
            rawSrc = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
            rawDst = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
            System.out.println("# GpuCopyBenchmark on " + gpus + ": " + gpus.info(0).name());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gpus.close();
        }

        boolean cuda() {
            return gpus.backend() == GpuBackend.CUDA;
        }
    }

    /** The raw CUDA peer's pointers: the same pinned buffer and device buffers as the bindings use. */
    @State(Scope.Benchmark)
    public static class Cuda {
        long pinned;
        long a;
        long b;

        @Setup(Level.Trial)
        public void setUp(final Devices devices) {
            if (!devices.cuda()) {
                throw new IllegalStateException("raw_cuda_* needs a CUDA device; this run uses " + devices.gpus);
            }
            RawCudart.load();
            RawCudart.check(RawCudart.cudaSetDevice(0), "cudaSetDevice");
            pinned = BufferUtil.address(devices.host);
            a = devices.a.address();
            b = devices.b.address();
        }
    }

    @Benchmark
    public void host_to_device(final Devices s) {
        s.a.write(0, s.host);
    }

    @Benchmark
    public void device_to_host(final Devices s) {
        s.a.read(0, s.host);
    }

    @Benchmark
    public void device_to_device(final Devices s) {
        s.a.copyTo(s.b);
    }

    /** Peer: cudaMemcpy of the same bytes from the same pinned buffer to the same device buffer. */
    @Benchmark
    public void raw_cuda_host_to_device(final Devices s, final Cuda c) {
        RawCudart.check(RawCudart.cudaMemcpy(c.a, c.pinned, s.size, RawCudart.MEMCPY_DEFAULT), "cudaMemcpy");
    }

    /** Peer: cudaMemcpy of the same bytes from the same device buffer to the same pinned buffer. */
    @Benchmark
    public void raw_cuda_device_to_host(final Devices s, final Cuda c) {
        RawCudart.check(RawCudart.cudaMemcpy(c.pinned, c.a, s.size, RawCudart.MEMCPY_DEFAULT), "cudaMemcpy");
    }

    /** Peer: cudaMemcpy of the same bytes between the same two device buffers. */
    @Benchmark
    public void raw_cuda_device_to_device(final Devices s, final Cuda c) {
        RawCudart.check(RawCudart.cudaMemcpy(c.b, c.a, s.size, RawCudart.MEMCPY_DEFAULT), "cudaMemcpy");
    }

    /** Peer: the same bytes copied host to host with Unsafe.copyMemory (a memcpy), no bindings. */
    @Benchmark
    public void raw_memory_copy(final Devices s) {
        s.rawDst.putBytes(0, s.rawSrc, 0, s.size);
    }
}
