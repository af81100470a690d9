package io.kairos;

import io.kairos.exception.UnschedulableException;
import io.kairos.gpu.GpuDevices;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovered (here: simulated) devices become a node's GPUs, GPU memory and accelerator type. */
@Timeout(60)
class GpuResourceProviderTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final double GIB = 1L << 30;

    private GpuDevices gpus;
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
        if (gpus != null) {
            gpus.close();
        }
    }

    static String gpuAndNode() {
        final TaskContext c = TaskContext.current();
        return c.nodeId() + ":" + c.gpuInstances()[0];
    }

    @Test
    void simulatedDevicesBecomeTheDefaultNodesGpusMemoryAndAcceleratorType() {
        gpus = GpuDevices.simulated("2x16GiB");
        kernel = Kernel.start(new KernelContext().cpus(2).resourceProvider(new GpuResourceProvider(gpus)));
        final NodeInfo node = kernel.resources().get(0);
        assertEquals(2.0, node.total().get("GPU"), 1e-9);
        assertEquals(32 * GIB, node.total().get(GpuResourceProvider.GPU_MEMORY), 1.0);
        assertEquals("SIMULATED", node.labels().get(GpuResourceProvider.ACCELERATOR_TYPE));

        assertEquals("node-0:0", kernel.task(GpuResourceProviderTest::gpuAndNode).setResource("GPU", 1.0)
            .setResource(GpuResourceProvider.GPU_MEMORY, 8 * GIB).remote().get(WAIT));
        assertTrue(kernel.task(GpuResourceProviderTest::gpuAndNode)
            .setSchedulingStrategy(SchedulingStrategy.nodeLabels(Map.of("accelerator_type", "SIMULATED"), Map.of()))
            .setResource("GPU", 0.5).remote().get(WAIT).startsWith("node-0:"), "the label selects the node");
        final UnschedulableException tooMuch = assertThrows(UnschedulableException.class, () -> kernel
            .task(GpuResourceProviderTest::gpuAndNode).setResource(GpuResourceProvider.GPU_MEMORY, 40 * GIB).remote()
            .get(WAIT));
        assertTrue(tooMuch.getMessage().contains("GPU_memory"), tooMuch.getMessage());
    }

    static String deviceAfter(final String key) throws InterruptedException {
        KernelTest.LATCHES.get(key).await();
        final TaskContext c = TaskContext.current();
        return c.gpuInstances()[0] + "@" + c.gpuAmounts()[0];
    }

    @Test
    void gpuMemoryIsAccountedPerDevice() throws Exception {
        gpus = GpuDevices.simulated("2x16GiB");
        kernel = Kernel.start(new KernelContext().cpus(4).resourceProvider(new GpuResourceProvider(gpus)));
        KernelTest.LATCHES.put("mem", new java.util.concurrent.CountDownLatch(1));
        try {
            final ObjectRef<String> first = kernel.task(GpuResourceProviderTest::deviceAfter, "mem")
                .setResource("GPU", 0.25).setResource(GpuResourceProvider.GPU_MEMORY, 10 * GIB).remote();
            final ObjectRef<String> second = kernel.task(GpuResourceProviderTest::deviceAfter, "mem")
                .setResource("GPU", 0.25).setResource(GpuResourceProvider.GPU_MEMORY, 10 * GIB).remote();
            final ObjectRef<String> memoryOnly = kernel.task(GpuResourceProviderTest::deviceAfter, "mem")
                .setResource(GpuResourceProvider.GPU_MEMORY, 6 * GIB).remote();
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (kernel.resources().get(0).available().get(GpuResourceProvider.GPU_MEMORY) > 6 * GIB + 1
                && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(6 * GIB, kernel.resources().get(0).available().get(GpuResourceProvider.GPU_MEMORY), 1.0,
                "10 + 10 + 6 of 32 GiB taken");
            KernelTest.LATCHES.get("mem").countDown();
            final String a = first.get(WAIT);
            final String b = second.get(WAIT);
            assertTrue(!a.substring(0, 1).equals(b.substring(0, 1)), "16 GiB devices cannot hold 10 + 10: " + a + ", " + b);
            assertTrue(memoryOnly.get(WAIT).endsWith("@0.0"), "memory only: a device, no compute share");
        } finally {
            KernelTest.LATCHES.get("mem").countDown();
        }
        final UnschedulableException tooBig = assertThrows(UnschedulableException.class, () -> kernel
            .task(GpuResourceProviderTest::gpuAndNode).setResource("GPU", 1.0)
            .setResource(GpuResourceProvider.GPU_MEMORY, 20 * GIB).remote().get(WAIT));
        assertTrue(tooBig.getMessage().contains("GPU_memory"), tooBig.getMessage());
    }

    @Test
    void devicesGoToTheNamedNodeAndConfiguredValuesWin() {
        gpus = GpuDevices.simulated("1x8GiB");
        kernel = Kernel.start(new KernelContext()
            .node("cpu", Map.of("CPU", 1.0), Map.of())
            .node("gpu", Map.of("CPU", 1.0), Map.of("accelerator_type", "H100"))
            .resourceProvider(new GpuResourceProvider(gpus, "gpu")));
        assertEquals(null, kernel.resources().get(0).total().get(GpuResourceProvider.GPU_MEMORY));
        assertEquals(0.0, kernel.resources().get(0).total().getOrDefault("GPU", 0.0), 1e-9);
        assertEquals(1.0, kernel.resources().get(1).total().get("GPU"), 1e-9);
        assertEquals("H100", kernel.resources().get(1).labels().get("accelerator_type"),
            "a label the node's configuration names keeps its value");
        assertEquals("gpu:0", kernel.task(GpuResourceProviderTest::gpuAndNode).setResource("GPU", 1.0).remote().get(WAIT));
    }

    @Test
    void devicesOfDifferentSizesEachKeepTheirOwnMemory() {
        gpus = GpuDevices.simulated("1x80GiB,1x16GiB");
        kernel = Kernel.start(new KernelContext().cpus(2).resourceProvider(new GpuResourceProvider(gpus)));
        assertEquals(96 * GIB, kernel.resources().get(0).total().get(GpuResourceProvider.GPU_MEMORY), 1.0);
        // 60 GiB fits only the 80 GiB device (an even split would give each 48 GiB and refuse it).
        assertEquals("node-0:0", kernel.task(GpuResourceProviderTest::gpuAndNode).setResource("GPU", 0.5)
            .setResource(GpuResourceProvider.GPU_MEMORY, 60 * GIB).remote().get(WAIT));
        final UnschedulableException tooBig = assertThrows(UnschedulableException.class, () -> kernel
            .task(GpuResourceProviderTest::gpuAndNode).setResource(GpuResourceProvider.GPU_MEMORY, 81 * GIB).remote()
            .get(WAIT));
        assertTrue(tooBig.getMessage().contains("GPU_memory: " + (81L << 30) + ".0 requested on one device"),
            tooBig.getMessage());
    }

    @Test
    void aNodeOfEightLargeDevicesHasAllTheirMemory() {
        gpus = GpuDevices.simulated("8x141GiB");
        final GpuResourceProvider provider = new GpuResourceProvider(gpus);
        kernel = Kernel.start(new KernelContext().cpus(2).resourceProvider(provider));
        assertEquals(8 * 141 * GIB, kernel.resources().get(0).total().get(GpuResourceProvider.GPU_MEMORY), 1.0,
            "1.1 TiB of GPU memory on one node");
        assertEquals("node-0:0", kernel.task(GpuResourceProviderTest::gpuAndNode).setResource("GPU", 8.0)
            .setResource(GpuResourceProvider.GPU_MEMORY, 140 * GIB).remote().get(WAIT));
    }

    @Test
    void noDevicesAddNothing() {
        gpus = GpuDevices.simulated("");
        final GpuResourceProvider provider = new GpuResourceProvider(gpus);
        assertEquals(Map.of(), provider.resources("node-0"));
        assertEquals(Map.of(), provider.labels("node-0"));
    }
}
