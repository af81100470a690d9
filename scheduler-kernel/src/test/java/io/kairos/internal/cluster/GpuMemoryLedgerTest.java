package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.FixedPoint;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPU memory is accounted per device: a request's GPU_memory must be free, and is taken, on each device it gets. */
class GpuMemoryLedgerTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    /** Two GPUs with 40 (units: think GiB) of memory each. */
    private LogicalNode twoGpus() {
        return new LogicalNode(0, "node-0", Map.of(), Map.of("CPU", 8.0, "GPU", 2.0, "GPU_memory", 80.0), registry);
    }

    private long[] demand(final double gpu, final double memory) {
        return registry.demand(Map.of("GPU", gpu, "GPU_memory", memory));
    }

    private static long units(final double u) {
        return FixedPoint.fromUnits(u, "test");
    }

    @Test
    void theNodesMemoryIsSplitOverItsDevices() {
        final LogicalNode node = twoGpus();
        assertEquals(units(40), node.gpuInstanceMemoryAvailable(0));
        assertEquals(units(40), node.gpuInstanceMemoryAvailable(1));
        final LogicalNode uneven = new LogicalNode(1, "node-1", Map.of(), Map.of("GPU", 3.0, "GPU_memory", 10.0), registry);
        assertEquals(units(10), uneven.gpuInstanceMemoryAvailable(0) + uneven.gpuInstanceMemoryAvailable(1)
            + uneven.gpuInstanceMemoryAvailable(2), "nothing lost to rounding");
    }

    @Test
    void aFractionGoesWhereBothItsShareAndItsMemoryFit() {
        final LogicalNode node = twoGpus();
        final ResourceAllocation a = node.allocate(demand(0.5, 30));
        assertEquals(0, a.gpuInstance(0));
        assertEquals(units(30), a.gpuMemory(0));
        final ResourceAllocation b = node.allocate(demand(0.5, 30));
        assertEquals(1, b.gpuInstance(0), "device 0 has half its share left but only 10 of memory");
        final ResourceAllocation c = node.allocate(demand(0.25, 10));
        assertEquals(0, c.gpuInstance(0), "both have 0.5 and 10 left: the first");
        assertFalse(node.fits(demand(0.25, 11)), "no device has 11 left");
        assertTrue(node.feasible(demand(0.25, 11)), "but one could, idle");
        assertEquals(units(80 - 70), node.available(ResourceRegistry.GPU_MEMORY));
        node.release(a);
        assertEquals(units(30), node.gpuInstanceMemoryAvailable(0));
        assertTrue(node.fits(demand(0.25, 30)));
        assertEquals(units(40), node.available(ResourceRegistry.GPU_MEMORY));
    }

    @Test
    void wholeGpusNeedTheMemoryOnEachDevice() {
        final LogicalNode node = twoGpus();
        final ResourceAllocation both = node.allocate(demand(2, 40));
        assertNotNull(both);
        assertEquals(2, both.gpuInstanceCount());
        assertEquals(units(80), both.amount(ResourceRegistry.GPU_MEMORY), "40 on each of the two");
        node.release(both);
        assertTrue(node.feasible(demand(2, 40)));
        assertFalse(node.feasible(demand(2, 41)), "no device has 41");
        final ResourceAllocation small = node.allocate(demand(0, 5));
        assertNotNull(small);
        assertNull(node.allocate(demand(2, 40)), "device 0 lost 5 of its memory to a memory-only request");
        assertNotNull(node.allocate(demand(1, 40)), "device 1 still has all of it");
    }

    @Test
    void aMemoryOnlyRequestTakesOneDeviceAndNoShare() {
        final LogicalNode node = twoGpus();
        final ResourceAllocation first = node.allocate(demand(0, 30));
        final ResourceAllocation second = node.allocate(demand(0, 5));
        assertEquals(1, first.gpuInstanceCount());
        assertEquals(0, first.gpuAmount(0), "no compute share");
        assertEquals(first.gpuInstance(0), second.gpuInstance(0), "best fit: the device with the least memory left that fits");
        assertEquals(units(2), node.available(ResourceRegistry.GPU), "both GPUs' shares untouched");
    }

    @Test
    void memoryNoDeviceHasIsInfeasibleNamingGpuMemory() {
        final LogicalNode node = twoGpus();
        final String reason = node.infeasibleReason(demand(0.5, 50));
        assertNotNull(reason);
        assertTrue(reason.contains("GPU_memory: 50.0 requested on one device") && reason.contains("40.0"), reason);
        assertFalse(node.feasible(demand(0.5, 50)), "80 in all, but 40 per device");
    }

    @Test
    void gpuMemoryWithoutGpusIsRejected() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new LogicalNode(0, "n", Map.of(), Map.of("CPU", 1.0, "GPU_memory", 8.0), registry));
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    }
}
