package io.kairos.internal.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.cluster.ResourceRegistry.MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogicalNodeTest {
    private final ResourceRegistry registry = new ResourceRegistry();

    private LogicalNode node(final Map<String, Double> totals) {
        return new LogicalNode(0, "node-0", Map.of(), totals, registry);
    }

    private long[] demand(final String resource, final double amount) {
        return registry.demand(Map.of(resource, amount));
    }

    private static int onlyInstance(final ResourceAllocation allocation) {
        assertEquals(1, allocation.gpuInstanceCount());
        return allocation.gpuInstance(0);
    }

    @Test
    void tenAllocationsOfATenthCpuFillExactlyOneCpu() {
        final LogicalNode node = node(Map.of("CPU", 1.0));
        final long[] tenth = demand("CPU", 0.1);
        for (int i = 0; i < 10; i++) {
            assertNotNull(node.allocate(tenth), "allocation " + i);
        }
        assertEquals(0, node.available(CPU));
        assertEquals(1.0, node.utilization());
        assertFalse(node.fits(tenth));
        assertNull(node.allocate(tenth));
    }

    @Test
    void releaseRestoresAvailableExactly() {
        final LogicalNode node = node(Map.of("CPU", 3.0, "memory", 1e9, "GPU", 2.0));
        final List<ResourceAllocation> held = new ArrayList<>();
        final long[] demand = registry.demand(Map.of("CPU", 0.3, "memory", 1e8 / 3, "GPU", 0.2));
        for (int i = 0; i < 7; i++) {
            held.add(node.allocate(demand));
        }
        held.forEach(node::release);
        assertEquals(30_000, node.available(CPU));
        assertEquals(node.total(MEMORY), node.available(MEMORY));
        assertEquals(20_000, node.available(GPU));
        assertEquals(10_000, node.gpuInstanceAvailable(0));
        assertEquals(10_000, node.gpuInstanceAvailable(1));
        assertEquals(0.0, node.utilization());
    }

    @Test
    void allocationRecordsWhatItHolds() {
        final LogicalNode node = node(Map.of("CPU", 4.0, "GPU", 1.0));
        final ResourceAllocation allocation = node.allocate(registry.demand(Map.of("CPU", 1.5, "GPU", 0.25)));
        assertEquals(15_000, allocation.amounts()[CPU]);
        assertEquals(2_500, allocation.amount(GPU));
        assertEquals(0, allocation.gpuInstance(0));
        assertEquals(2_500, allocation.gpuAmount(0));
        assertEquals(0, allocation.node());
        assertTrue(allocation.held());
    }

    @Test
    void twoHalfGpusShareOneInstance() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        final long[] half = demand("GPU", 0.5);
        assertEquals(0, onlyInstance(node.allocate(half)));
        assertEquals(0, onlyInstance(node.allocate(half)));
        assertEquals(0, node.gpuInstanceAvailable(0));
        assertEquals(10_000, node.gpuInstanceAvailable(1));
        assertEquals(1, onlyInstance(node.allocate(demand("GPU", 1.0))));
    }

    @Test
    void aFractionGoesOnTheInstanceWithTheLeastRoomThatFits() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.5))));   // instance 0: 0.5 free
        assertEquals(1, onlyInstance(node.allocate(demand("GPU", 0.7))));   // 0.7 > 0.5, so instance 1: 0.3 free
        // first fit would take instance 0 (0.5 free); best fit takes instance 1 (0.3 free, exactly enough)
        assertEquals(1, onlyInstance(node.allocate(demand("GPU", 0.3))));
        assertEquals(0, node.gpuInstanceAvailable(1));
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.5))));
        assertEquals(0, node.available(GPU));
    }

    @Test
    void fractionsPackBeforeTouchingAFreeInstance() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.3))));   // instance 0: 0.7 free
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.5))));   // 0.7 beats 1.0: instance 0, 0.2 free
        assertEquals(1, onlyInstance(node.allocate(demand("GPU", 0.5))));   // 0.2 is too little: instance 1
        assertEquals(1, onlyInstance(node.allocate(demand("GPU", 0.5))));   // instance 1 has exactly 0.5 free
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.2))));
        assertEquals(0, node.available(GPU));
    }

    @Test
    void aFractionDoesNotFitAcrossInstances() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        node.allocate(demand("GPU", 0.6));
        node.allocate(demand("GPU", 0.6));
        assertEquals(8_000, node.available(GPU));
        assertFalse(node.fits(demand("GPU", 0.5)));
        assertTrue(node.feasible(demand("GPU", 0.5)));
        assertNull(node.allocate(demand("GPU", 0.5)));
    }

    @Test
    void wholeGpusTakeFullyFreeInstances() {
        final LogicalNode node = node(Map.of("GPU", 4.0));
        assertEquals(0, onlyInstance(node.allocate(demand("GPU", 0.5))));
        final ResourceAllocation two = node.allocate(demand("GPU", 2.0));
        assertEquals(2, two.gpuInstanceCount());
        assertEquals(1, two.gpuInstance(0));
        assertEquals(2, two.gpuInstance(1));
        assertEquals(10_000, two.gpuAmount(0));
        assertEquals(20_000, two.amount(GPU));
    }

    @Test
    void wholeGpusDoNotFitOnPartlyUsedInstances() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        node.allocate(demand("GPU", 0.5));
        assertEquals(15_000, node.available(GPU));
        assertFalse(node.fits(demand("GPU", 2.0)));
        assertTrue(node.feasible(demand("GPU", 2.0)));
        assertNull(node.allocate(demand("GPU", 2.0)));
        assertEquals(15_000, node.available(GPU));
    }

    @Test
    void releasingGpusFreesTheirInstances() {
        final LogicalNode node = node(Map.of("GPU", 2.0));
        final ResourceAllocation quarter = node.allocate(demand("GPU", 0.25));
        final ResourceAllocation one = node.allocate(demand("GPU", 1.0));
        node.release(quarter);
        node.release(one);
        assertEquals(10_000, node.gpuInstanceAvailable(0));
        assertEquals(10_000, node.gpuInstanceAvailable(1));
        assertEquals(2, node.allocate(demand("GPU", 2.0)).gpuInstanceCount());
    }

    @Test
    void aFractionalGpuTotalIsRejected() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> node(Map.of("GPU", 1.5)));
        assertEquals("node 'node-0' GPU total 1.5 must be a whole number", e.getMessage());
    }

    @Test
    void aNegativeTotalIsRejectedNamingTheNode() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> node(Map.of("CPU", -2.0)));
        assertEquals("node 'node-0' resource 'CPU' amount -2.0 is outside 0..70368744177664", e.getMessage());
    }

    @Test
    void totalsRegisterCustomResources() {
        final LogicalNode node = node(Map.of("CPU", 1.0, "TPU", 4.0));
        final int tpu = registry.indexOf("TPU");
        assertEquals(5, tpu);
        assertEquals(40_000, node.total(tpu));
        assertEquals(Map.of("CPU", 1.0, "TPU", 4.0), node.totals());
    }

    @Test
    void aDemandForAResourceTheNodeLacksNeverFits() {
        final LogicalNode node = node(Map.of("CPU", 4.0));
        registry.register("TPU");
        final long[] demand = demand("TPU", 1.0);
        assertFalse(node.fits(demand));
        assertFalse(node.feasible(demand));
        assertNull(node.allocate(demand));
        assertEquals("TPU: 1.0 requested, node-0 has none", node.infeasibleReason(demand));
    }

    @Test
    void demandArraysMayBeShorterOrLongerThanTheNodes() {
        final LogicalNode node = node(Map.of("CPU", 4.0));
        assertTrue(node.fits(new long[] {10_000}));
        assertTrue(node.fits(new long[] {10_000, 0, 0, 0, 0, 0}));
        assertFalse(node.fits(new long[] {10_000, 0, 0, 0, 0, 1}));
        assertNotNull(node.allocate(new long[] {10_000, 0, 0, 0, 0, 0}));
        assertEquals(30_000, node.available(CPU));
    }

    @Test
    void infeasibleReasonNamesTheResourceAndTheNodesAmount() {
        final LogicalNode node = node(Map.of("CPU", 8.0, "GPU", 1.0));
        assertEquals("GPU: 2.0 requested, node-0 has 1.0",
            node.infeasibleReason(registry.demand(Map.of("CPU", 1.0, "GPU", 2.0))));
    }

    @Test
    void infeasibleReasonIsNullWhenTheDemandCanFit() {
        final LogicalNode node = node(Map.of("CPU", 8.0, "GPU", 1.0));
        node.allocate(demand("CPU", 8.0));
        assertNull(node.infeasibleReason(demand("CPU", 8.0)));
    }

    @Test
    void aBlockedTaskGivesItsCpuBack() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation blocked = node.allocate(demand("CPU", 2.0));
        node.releaseCpuWhileBlocked(blocked);
        assertTrue(blocked.cpuReleased());
        assertEquals(20_000, node.available(CPU));
        assertNotNull(node.allocate(demand("CPU", 2.0)));
    }

    @Test
    void reacquiringCpuMayOversubscribeTheNode() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation blocked = node.allocate(demand("CPU", 2.0));
        node.releaseCpuWhileBlocked(blocked);
        final ResourceAllocation other = node.allocate(demand("CPU", 2.0));
        node.reacquireCpuAfterBlocked(blocked);
        assertEquals(-20_000, node.available(CPU));
        assertEquals(1.0, node.utilization());
        assertEquals(Map.of("CPU", -2.0), node.available());
        node.release(other);
        node.release(blocked);
        assertEquals(20_000, node.available(CPU));
    }

    @Test
    void releasingWhileBlockedDoesNotReturnTheCpuTwice() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation blocked = node.allocate(demand("CPU", 1.0));
        node.releaseCpuWhileBlocked(blocked);
        node.releaseCpuWhileBlocked(blocked);
        assertEquals(20_000, node.available(CPU));
        node.release(blocked);
        assertEquals(20_000, node.available(CPU));
    }

    @Test
    void reacquireWithoutGivingBackDoesNothing() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation allocation = node.allocate(demand("CPU", 1.0));
        node.reacquireCpuAfterBlocked(allocation);
        assertEquals(10_000, node.available(CPU));
    }

    @Test
    void releasingTwiceIsRejected() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation allocation = node.allocate(demand("CPU", 1.0));
        node.release(allocation);
        assertThrows(IllegalStateException.class, () -> node.release(allocation));
        assertEquals(20_000, node.available(CPU));
    }

    @Test
    void releasingOnAnotherNodeIsRejected() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final LogicalNode other = new LogicalNode(1, "node-1", Map.of(), Map.of("CPU", 2.0), registry);
        final ResourceAllocation allocation = node.allocate(demand("CPU", 1.0));
        assertThrows(IllegalStateException.class, () -> other.release(allocation));
        assertEquals(20_000, other.available(CPU));
    }

    @Test
    void aClearedAllocationCanBeReused() {
        final LogicalNode node = node(Map.of("CPU", 2.0, "GPU", 1.0));
        final ResourceAllocation allocation = new ResourceAllocation();
        assertTrue(node.allocate(registry.demand(Map.of("CPU", 1.0, "GPU", 0.5)), allocation));
        node.release(allocation);
        allocation.clear();
        assertTrue(node.allocate(demand("CPU", 2.0), allocation));
        assertEquals(20_000, allocation.amount(CPU));
        assertEquals(0, allocation.amount(GPU));
        assertEquals(0, allocation.gpuInstanceCount());
        assertEquals(0, node.available(CPU));
    }

    @Test
    void allocatingIntoAHeldAllocationIsRejected() {
        final LogicalNode node = node(Map.of("CPU", 2.0));
        final ResourceAllocation allocation = node.allocate(demand("CPU", 1.0));
        assertThrows(IllegalStateException.class, () -> node.allocate(demand("CPU", 1.0), allocation));
        assertThrows(IllegalStateException.class, allocation::clear);
        assertEquals(10_000, node.available(CPU));
    }

    @Test
    void utilizationIsTheMostUsedResource() {
        final LogicalNode node = node(Map.of("CPU", 4.0, "memory", 1000.0));
        node.allocate(registry.demand(Map.of("CPU", 1.0, "memory", 600.0)));
        assertEquals(0.6, node.utilization(), 1e-12);
    }

    @Test
    void viewsAreInUnitsAndListOnlyResourcesTheNodeHas() {
        final LogicalNode node = node(Map.of("CPU", 4.0, "GPU", 1.0));
        node.allocate(registry.demand(Map.of("CPU", 1.5, "GPU", 0.25)));
        assertEquals(Map.of("CPU", 4.0, "GPU", 1.0), node.totals());
        assertEquals(Map.of("CPU", 2.5, "GPU", 0.75), node.available());
        assertSame(node.totals(), node.totals());
    }

    @Test
    void labelsAreCopied() {
        final Map<String, String> labels = new java.util.HashMap<>(Map.of("zone", "a"));
        final LogicalNode node = new LogicalNode(0, "node-0", labels, Map.of(), registry);
        labels.put("zone", "b");
        assertEquals(Map.of("zone", "a"), node.labels());
    }
}
