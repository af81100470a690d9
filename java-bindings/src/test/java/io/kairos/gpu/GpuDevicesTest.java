package io.kairos.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device bindings on simulated devices: what CI can run everywhere. */
@Timeout(60)
class GpuDevicesTest {
    private static final long MIB = 1L << 20;

    @Test
    void discoversSimulatedDevicesFromASpec() {
        try (GpuDevices gpus = GpuDevices.simulated("2x16GiB,1x512MiB")) {
            assertEquals(GpuBackend.SIMULATED, gpus.backend());
            assertEquals(3, gpus.count());
            final List<GpuDeviceInfo> infos = gpus.infos();
            assertEquals(16L << 30, infos.get(0).totalMemory());
            assertEquals(512 * MIB, infos.get(2).totalMemory());
            assertEquals(infos.get(2).totalMemory(), infos.get(2).freeMemory());
            final Set<String> uuids = new HashSet<>();
            for (final GpuDeviceInfo info : infos) {
                assertEquals("Kairos Simulated GPU", info.name());
                assertTrue(info.uuid().startsWith("GPU-") && info.uuid().length() == 40, info.uuid());
                assertEquals("SIMULATED", info.acceleratorType());
                uuids.add(info.uuid());
            }
            assertEquals(3, uuids.size(), "each device has its own UUID");
        }
    }

    @Test
    void aMalformedSpecIsRejectedSayingWhere() {
        final GpuException e = assertThrows(GpuException.class, () -> GpuDevices.simulated("2x16Gb"));
        assertTrue(e.getMessage().contains("unknown unit") && e.getMessage().contains("2x16Gb"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuDevices.open(GpuBackend.NONE, ""));
    }

    @Test
    void bytesRoundTripThroughTwoDevices() {
        try (GpuDevices gpus = GpuDevices.simulated("2x64MiB");
             DeviceBuffer a = gpus.allocate(0, 3 * MIB + 5);
             DeviceBuffer b = gpus.allocate(1, 3 * MIB + 5)) {
            final byte[] in = new byte[(int) a.size()];
            ThreadLocalRandom.current().nextBytes(in);
            a.write(0, in);
            a.copyTo(b);
            assertArrayEquals(in, b.read(0, in.length));
            b.fill(7);
            final byte[] sevens = new byte[16];
            Arrays.fill(sevens, (byte) 7);
            assertArrayEquals(sevens, b.read(100, 16));
            final ByteBuffer direct = ByteBuffer.allocateDirect(32);
            direct.position(8);
            a.read(1000, direct);
            assertEquals(8, direct.position(), "absolute: the position does not move");
            assertEquals(in[1000], direct.get(8));
            assertEquals(3 * MIB + 5, gpus.allocated(0));
        }
    }

    @Test
    void runningOutOfDeviceMemoryNamesTheDeviceAndWhatIsFree() {
        try (GpuDevices gpus = GpuDevices.simulated("1x8MiB")) {
            try (DeviceBuffer big = gpus.allocate(0, 6 * MIB)) {
                final GpuOutOfMemoryException e = assertThrows(GpuOutOfMemoryException.class,
                    () -> gpus.allocate(0, 4 * MIB));
                assertTrue(e.getMessage().contains("device 0") && e.getMessage().contains("free"), e.getMessage());
                assertEquals(6 * MIB, gpus.allocated(0));
            }
            assertEquals(0, gpus.allocated(0), "closing the buffer freed it");
            gpus.allocate(0, 8 * MIB).close();
        }
    }

    @Test
    void badInputIsRejectedNamingTheField() {
        try (GpuDevices gpus = GpuDevices.simulated("1x8MiB");
             DeviceBuffer a = gpus.allocate(0, 4096)) {
            final NoSuchGpuException noDevice = assertThrows(NoSuchGpuException.class, () -> gpus.allocate(1, 64));
            assertTrue(noDevice.getMessage().contains("outside 0..0"), noDevice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gpus.allocate(0, 0));
            assertThrows(IllegalArgumentException.class, () -> gpus.allocate(0, -5));
            assertThrows(IndexOutOfBoundsException.class, () -> a.write(4000, new byte[100]));
            assertThrows(IndexOutOfBoundsException.class, () -> a.read(-1, 10));
            assertThrows(IllegalArgumentException.class, () -> a.write(0, ByteBuffer.allocate(16)),
                "a heap buffer is refused: copies read host memory in place");
            assertThrows(NoSuchGpuException.class, () -> gpus.info(5));
        }
    }

    @Test
    void streamsAndEventsOrderAsyncCopiesThroughPinnedMemory() {
        try (GpuDevices gpus = GpuDevices.simulated("2x16MiB");
             GpuStream s0 = gpus.stream(0);
             GpuStream s1 = gpus.stream(1);
             GpuEvent copied = gpus.event(0);
             PinnedBuffer pinned = gpus.allocatePinned((int) MIB);
             DeviceBuffer a = gpus.allocate(0, MIB);
             DeviceBuffer b = gpus.allocate(1, MIB)) {
            pinned.buffer().setMemory(0, (int) MIB, (byte) 0x3C);
            a.write(0, pinned.byteBuffer(), s0);
            copied.record(s0);
            copied.synchronize();
            assertTrue(copied.isDone());
            a.copyTo(0, b, 0, MIB, s1);
            pinned.buffer().setMemory(0, (int) MIB, (byte) 0);
            b.read(0, pinned.byteBuffer(), s1);
            s1.synchronize();
            assertEquals(0x3C, pinned.buffer().getByte((int) MIB - 1));
            final GpuException wrongDevice = assertThrows(GpuException.class, () -> a.write(0, pinned.byteBuffer(), s1));
            assertTrue(wrongDevice.getMessage().contains("belongs to device 1"), wrongDevice.getMessage());
        }
    }

    @Test
    void closingTheHandleFreesWhatIsLeftAndLaterUseFailsClearly() {
        final GpuDevices gpus = GpuDevices.simulated("1x8MiB");
        final DeviceBuffer a = gpus.allocate(0, MIB);
        final GpuStream stream = gpus.stream(0);
        gpus.close();
        gpus.close();
        assertTrue(a.isClosed());
        a.close();  // a no-op: the handle freed it
        stream.close();
        assertThrows(GpuClosedException.class, () -> gpus.allocate(0, 64));
        assertThrows(GpuClosedException.class, () -> a.read(0, 4));
        assertFalse(gpus.toString().isEmpty());
    }

    @Test
    void acceleratorTypesFollowRaysNames() {
        assertEquals("H100", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "NVIDIA H100 80GB HBM3"));
        assertEquals("A100", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "NVIDIA A100-SXM4-40GB"));
        assertEquals("V100", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "Tesla V100-SXM2-16GB"));
        assertEquals("L4", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "NVIDIA L4"));
        assertEquals("H200", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "NVIDIA H200"));
        assertEquals("RTX_4090", GpuDeviceInfo.acceleratorType(GpuBackend.CUDA, "NVIDIA GeForce RTX 4090"));
        assertEquals("SIMULATED", GpuDeviceInfo.acceleratorType(GpuBackend.SIMULATED, "Kairos Simulated GPU"));
    }

    @Test
    void cudaLoadsWhereItWasBuiltAndCountsWhatItFinds() {
        if (!GpuDevices.cudaCompiled()) {
            final GpuException e = assertThrows(GpuException.class, () -> GpuDevices.open(GpuBackend.CUDA, ""));
            assertTrue(e.getMessage().contains("without CUDA"), e.getMessage());
            return;
        }
        try (GpuDevices gpus = GpuDevices.open(GpuBackend.CUDA, "")) {
            assertEquals(GpuBackend.CUDA, gpus.backend());
            assertEquals(gpus.count(), gpus.infos().size());
            for (int i = 0; i < gpus.count(); i++) {  // each device the runtime found is described
                final GpuDeviceInfo info = gpus.info(i);
                assertEquals(i, info.index());
                assertFalse(info.name().isBlank(), info::toString);
                assertTrue(info.totalMemory() > 0, info::toString);
            }
            if (gpus.count() == 0) {
                assertThrows(NoSuchGpuException.class, () -> gpus.allocate(0, 64));
            }
        }
    }
}
