package io.kairos;

import io.kairos.exception.TaskFailedException;
import io.kairos.gpu.DeviceBuffer;
import io.kairos.gpu.GpuDevices;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device-resident task results on two simulated GPUs: no copy on the same device, D2D on another, host once. */
@Timeout(60)
class DeviceObjectTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int SIZE = 1 << 20;

    private GpuDevices gpus;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        KernelTest.closeReleasingLatches(kernel);
        if (gpus != null) {
            gpus.close();
        }
    }

    private void start() {
        gpus = GpuDevices.simulated("2x64MiB");
        kernel = Kernel.start(new KernelContext().cpus(4).gpus(gpus));
    }

    /** A device object of SIZE bytes, each the value b, on this task's GPU. */
    static DeviceObject produce(final int b) {
        final DeviceBuffer buffer = DeviceObject.allocate(SIZE);
        buffer.fill(b);
        return DeviceObject.of(buffer);
    }

    /** "device:address:first byte" of the bytes as this task sees them on its device. */
    static String consumeOnDevice(final DeviceObject x) {
        final DeviceBuffer local = x.local();
        return local.device() + ":" + local.address() + ":" + local.read(SIZE - 1, 1)[0];
    }

    static int consumeOnHost(final DeviceObject x) {
        final ByteBuffer host = x.host();
        return host.get(0) + host.get(SIZE - 1);
    }

    static String holdWholeGpu(final String key) throws InterruptedException {
        KernelTest.LATCHES.get(key).await();
        return "held";
    }

    @Test
    void aConsumerOnTheSameDeviceGetsTheOriginalWithNoCopy() {
        start();
        final ObjectRef<DeviceObject> x = kernel.task(DeviceObjectTest::produce, 7).setResource("GPU", 0.5).remote();
        final String seen = kernel.task(DeviceObjectTest::consumeOnDevice, x).setResource("GPU", 0.5).remote().get(WAIT);
        final DeviceObject object = x.get(WAIT);
        assertEquals(object.device() + ":" + object.buffer().address() + ":7", seen, "the producer's own buffer");
        assertEquals(0, object.deviceCopies());
        assertEquals(SIZE, gpus.allocated(object.device()));
    }

    @Test
    void aConsumerOnAnotherDeviceGetsOneDeviceToDeviceCopy() throws Exception {
        start();
        final ObjectRef<DeviceObject> x = kernel.task(DeviceObjectTest::produce, 9).setResource("GPU", 1.0).remote();
        final int home = x.get(WAIT).device();
        final long deadline = System.nanoTime() + WAIT.toNanos();
        // the result shows before the conductor takes the producer's return: wait until its GPU is given back
        while (kernel.resources().get(0).available().get("GPU") < 2.0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        KernelTest.LATCHES.put("gpu", new CountDownLatch(1));
        // take the producer's device (the first fully free one, as it was for the producer) whole, so the consumers
        // land on the other one
        final ObjectRef<String> holder = kernel.task(DeviceObjectTest::holdWholeGpu, "gpu").setResource("GPU", 1.0).remote();
        while (kernel.resources().get(0).available().get("GPU") > 1.0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        final String first = kernel.task(DeviceObjectTest::consumeOnDevice, x).setResource("GPU", 0.5).remote().get(WAIT);
        final String second = kernel.task(DeviceObjectTest::consumeOnDevice, x).setResource("GPU", 0.5).remote().get(WAIT);
        KernelTest.LATCHES.get("gpu").countDown();
        holder.get(WAIT);
        final DeviceObject object = x.get(WAIT);
        final int other = 1 - home;
        assertTrue(first.startsWith(other + ":") && first.endsWith(":9"), first);
        assertEquals(first, second, "the copy is made once and reused");
        assertNotEquals(object.buffer().address() + "", first.split(":")[1]);
        assertEquals(1, object.deviceCopies());
        assertEquals(SIZE, gpus.allocated(other), "the copy lives on the other device");
    }

    @Test
    void cpuConsumersAndTheDriverGetOneHostCopy() {
        start();
        final ObjectRef<DeviceObject> x = kernel.task(DeviceObjectTest::produce, 3).setResource("GPU", 0.5).remote();
        assertEquals(6, kernel.task(DeviceObjectTest::consumeOnHost, x).remote().get(WAIT));
        assertEquals(6, kernel.task(DeviceObjectTest::consumeOnHost, x).remote().get(WAIT));
        final DeviceObject object = x.get(WAIT);
        assertEquals(3, object.host().get(12345));
        assertEquals(1, object.hostCopies(), "copied to host once");
        assertTrue(object.host().isReadOnly());
    }

    @Test
    void theBuffersAreFreedWhenNoRefIsLeft() {
        start();
        ObjectRef<DeviceObject> x = kernel.task(DeviceObjectTest::produce, 1).setResource("GPU", 0.5).remote();
        final int device = x.get(WAIT).device();
        assertEquals(SIZE, gpus.allocated(device));
        x = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (gpus.allocated(device) != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertEquals(0, gpus.allocated(device), "freed by reference counting (the ref became unreachable)");
    }

    @Test
    void allocatingOutsideAGpuTaskIsAClearError() {
        start();
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> kernel.task(DeviceObjectTest::produce, 1).remote().get(WAIT));
        assertTrue(e.getMessage().contains("has no GPU"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> DeviceObject.allocate(16));
        final Kernel plain = Kernel.start(new KernelContext().cpus(1).gpus(1));
        try {
            final TaskFailedException none = assertThrows(TaskFailedException.class,
                () -> plain.task(DeviceObjectTest::produce, 1).setResource("GPU", 1.0).remote().get(WAIT));
            assertTrue(none.getMessage().contains("no GpuDevices"), none.getMessage());
        } finally {
            plain.close();
        }
    }

    static int allocateTooMuch(final long bytes) {
        DeviceObject.allocate(bytes).close();
        return 0;
    }

    @Test
    void aKernelOwnsTheSimulatedGpusItWasAskedForAndRunningOutOfDeviceMemoryIsAClearError() {
        final KernelContext context = new KernelContext().cpus(2).simulatedGpus("2x8GiB");
        kernel = Kernel.start(context);
        assertEquals(2.0, kernel.resources().get(0).total().get("GPU"), 1e-9);
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(DeviceObjectTest::allocateTooMuch, 9L << 30).setResource("GPU", 1.0).remote().get(WAIT));
        assertTrue(e.getCause() instanceof io.kairos.gpu.GpuOutOfMemoryException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("free"), e.getMessage());
        kernel.close();
        assertTrue(context.gpuDevices().isClosed(), "the kernel closed the handle it opened");
    }

    @Test
    void aConsumerOnANodeWithoutTheKernelsDevicesGetsTheHostCopy() {
        gpus = GpuDevices.simulated("1x64MiB");
        kernel = Kernel.start(new KernelContext()
            .node("gpu-node", Map.of("CPU", 2.0), Map.of())
            .node("other", Map.of("CPU", 2.0, "GPU", 1.0), Map.of())
            .gpus(gpus));
        final ObjectRef<DeviceObject> x = kernel.task(DeviceObjectTest::produce, 5).setResource("GPU", 0.5)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("gpu-node", false)).remote();
        assertEquals(10, kernel.task(DeviceObjectTest::consumeOnHost, x).setResource("GPU", 1.0)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("other", false)).remote().get(WAIT));
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel
            .task(DeviceObjectTest::consumeOnDevice, x).setResource("GPU", 1.0)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("other", false)).remote().get(WAIT));
        assertTrue(e.getMessage().contains("not the kernel's devices"), e.getMessage());
        assertEquals(1, x.get(WAIT).hostCopies());
    }
}
