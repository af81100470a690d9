package io.kairos.gpu;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a real GPU (CUDA backend): skipped, with the reason shown, where the library has no CUDA or the machine no GPU.
 * Run alone with {@code mvn -B -pl java-bindings -am verify -Dgroups=gpu -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("gpu")
@Timeout(120)
class GpuDevicesCudaTest {
    private static final long MIB = 1L << 20;

    @BeforeAll
    static void needsAGpu() {
        assumeTrue(GpuDevices.cudaCompiled(), "libkairos was built without the CUDA backend: GPU tests skipped");
        try (GpuDevices gpus = GpuDevices.open(GpuBackend.CUDA, "")) {
            assumeTrue(gpus.count() > 0, "no CUDA device on this machine: GPU tests skipped");
        }
    }

    @Test
    void describesTheRealDevices() {
        try (GpuDevices gpus = GpuDevices.open(GpuBackend.CUDA, "")) {
            for (final GpuDeviceInfo info : gpus.infos()) {
                assertTrue(info.totalMemory() > 0 && info.freeMemory() <= info.totalMemory(), info.toString());
                assertTrue(info.computeMajor() >= 3, info.toString());
                assertTrue(info.uuid().startsWith("GPU-"), info.uuid());
                assertTrue(info.pciBusId().contains(":"), info.pciBusId());
                System.out.println("GPU " + info + " accelerator_type=" + info.acceleratorType());
            }
        }
    }

    @Test
    void copiesRoundTripOnTheDeviceSyncAndAsync() {
        try (GpuDevices gpus = GpuDevices.open(GpuBackend.CUDA, "");
             DeviceBuffer a = gpus.allocate(0, 64 * MIB);
             DeviceBuffer b = gpus.allocate(0, 64 * MIB);
             GpuStream stream = gpus.stream(0);
             PinnedBuffer pinned = gpus.allocatePinned((int) (64 * MIB))) {
            final byte[] in = new byte[(int) (64 * MIB)];
            ThreadLocalRandom.current().nextBytes(in);
            a.write(0, in);
            a.copyTo(b);
            assertArrayEquals(in, b.read(0, in.length));
            final ByteBuffer view = pinned.byteBuffer();
            b.fill(0x11);
            b.read(0, view, stream);
            stream.synchronize();
            assertEquals(0x11, view.get(12345));
        }
    }

    @Test
    void runningOutOfDeviceMemoryIsAClearError() {
        try (GpuDevices gpus = GpuDevices.open(GpuBackend.CUDA, "")) {
            final long total = gpus.info(0).totalMemory();
            final GpuOutOfMemoryException e = assertThrows(GpuOutOfMemoryException.class,
                () -> gpus.allocate(0, total * 2));
            assertTrue(e.getMessage().contains("free"), e.getMessage());
        }
    }
}
