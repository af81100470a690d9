package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceAllocation;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.kairos.internal.cluster.ResourceRegistry.CPU;
import static io.kairos.internal.cluster.ResourceRegistry.GPU;
import static io.kairos.internal.placement.Nodes.cpus;
import static io.kairos.internal.placement.Nodes.demand;
import static io.kairos.internal.placement.Nodes.gpus;
import static io.kairos.internal.placement.Nodes.ledger;
import static io.kairos.spi.scheduling.FixedPoint.SCALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleTest {
    private final Cluster cluster = new Nodes().node(Map.of("CPU", 8.0, "GPU", 2.0)).node(Map.of("GPU", 1.0)).build();
    private final LogicalNode node = cluster.logicalNode(0);

    @Test
    void reservingTakesTheDemandFromTheNode() {
        final Bundle bundle = Bundle.reserve(node, 3, demand(cluster, Map.of("CPU", 2.0, "GPU", 1.0)));
        assertEquals(3, bundle.index());
        assertEquals(6 * SCALE, node.available(CPU));
        assertEquals(SCALE, node.available(GPU));
        assertEquals(2 * SCALE, bundle.available(CPU));
        assertEquals(0, bundle.reservation().gpuInstance(0));
    }

    @Test
    void reserveReturnsNullAndLeavesTheNodeAloneWhenItDoesNotFit() {
        final String before = ledger(cluster);
        assertNull(Bundle.reserve(node, 0, cpus(cluster, 9)));
        assertEquals(before, ledger(cluster));
    }

    @Test
    void twoHalfGpuBundlesShareOneInstanceAndTheirTasksGetIt() {
        final LogicalNode oneGpu = cluster.logicalNode(1);
        final Bundle first = Bundle.reserve(oneGpu, 0, gpus(cluster, 0.5));
        final Bundle second = Bundle.reserve(oneGpu, 1, gpus(cluster, 0.5));
        assertNotNull(second);
        assertEquals(0, oneGpu.gpuInstanceAvailable(0));
        final ResourceAllocation task = second.allocate(gpus(cluster, 0.25));
        assertEquals(1, task.node());
        assertEquals(1, task.gpuInstanceCount());
        assertEquals(0, task.gpuInstance(0));
        assertEquals(SCALE / 4, task.gpuAmount(0));
        assertFalse(first.fits(gpus(cluster, 0.75)));
        assertFalse(first.feasible(gpus(cluster, 0.75)));
        assertTrue(first.feasible(gpus(cluster, 0.5)));
    }

    @Test
    void aFractionalTaskGoesOnTheBundlesFullestInstanceThatFits() {
        final Bundle bundle = Bundle.reserve(node, 0, gpus(cluster, 2));
        final ResourceAllocation quarter = bundle.allocate(gpus(cluster, 0.25));
        final ResourceAllocation half = bundle.allocate(gpus(cluster, 0.5));
        assertEquals(quarter.gpuInstance(0), half.gpuInstance(0));
        final ResourceAllocation whole = bundle.allocate(gpus(cluster, 1));
        assertEquals(1, whole.gpuInstance(0));
        assertEquals(SCALE, whole.amount(GPU));
        assertNull(bundle.allocate(gpus(cluster, 1)));
        assertTrue(bundle.feasible(gpus(cluster, 2)));
        assertFalse(bundle.feasible(gpus(cluster, 3)));
    }

    @Test
    void tasksTakeFromTheBundleNotTheNode() {
        final Bundle bundle = Bundle.reserve(node, 0, cpus(cluster, 2));
        final String nodeBefore = ledger(cluster);
        final ResourceAllocation task = bundle.allocate(cpus(cluster, 1.5));
        assertEquals(nodeBefore, ledger(cluster));
        assertEquals(SCALE / 2, bundle.available(CPU));
        assertFalse(bundle.fits(cpus(cluster, 1)));
        assertTrue(bundle.feasible(cpus(cluster, 2)));
        assertFalse(bundle.feasible(cpus(cluster, 3)));
        bundle.release(task);
        assertEquals(2 * SCALE, bundle.available(CPU));
        assertFalse(task.held());
        assertEquals(nodeBefore, ledger(cluster));
    }

    @Test
    void aResourceTheBundleDidNotReserveNeverFits() {
        final Bundle bundle = Bundle.reserve(node, 0, cpus(cluster, 2));
        assertFalse(bundle.fits(gpus(cluster, 0.5)));
        assertFalse(bundle.feasible(gpus(cluster, 0.5)));
        assertEquals("bundle 0 on node-0 reserved GPU: 0.0 on 0 instance(s), the task asks for 0.5",
            bundle.infeasibleReason(gpus(cluster, 0.5), cluster.registry()));
    }

    @Test
    void releasingAnAllocationNotHeldInTheBundleFails() {
        final Bundle bundle = Bundle.reserve(node, 0, cpus(cluster, 2));
        final ResourceAllocation task = bundle.allocate(cpus(cluster, 1));
        bundle.release(task);
        assertThrows(IllegalStateException.class, () -> bundle.release(task));
        final ResourceAllocation onNode = node.allocate(cpus(cluster, 1));
        assertThrows(IllegalStateException.class, () -> bundle.release(onNode));
    }

    @Test
    void aBlockedTaskGivesItsCpuBackToTheBundle() {
        final Bundle bundle = Bundle.reserve(node, 0, cpus(cluster, 2));
        final ResourceAllocation task = bundle.allocate(cpus(cluster, 2));
        bundle.releaseCpuWhileBlocked(task);
        assertTrue(task.cpuReleased());
        assertEquals(2 * SCALE, bundle.available(CPU));
        final ResourceAllocation nested = bundle.allocate(cpus(cluster, 2));
        bundle.reacquireCpuAfterBlocked(task);
        assertEquals(-2 * SCALE, bundle.available(CPU));
        bundle.release(nested);
        bundle.release(task);
        assertEquals(2 * SCALE, bundle.available(CPU));
    }

    @Test
    void returningGivesTheNodeBackExactlyWhatItHad() {
        final String before = ledger(cluster);
        final Bundle bundle = Bundle.reserve(node, 0, demand(cluster, Map.of("CPU", 3.0, "GPU", 0.5)));
        bundle.release(bundle.allocate(gpus(cluster, 0.5)));
        bundle.returnToNode();
        assertEquals(before, ledger(cluster));
        assertTrue(bundle.isReturned());
        assertThrows(IllegalStateException.class, bundle::returnToNode);
        assertThrows(IllegalStateException.class, () -> bundle.allocate(cpus(cluster, 1)));
    }

    @Test
    void cannotReturnWhileATaskHoldsPartOfIt() {
        final Bundle bundle = Bundle.reserve(node, 2, cpus(cluster, 2));
        bundle.allocate(cpus(cluster, 1));
        final IllegalStateException e = assertThrows(IllegalStateException.class, bundle::returnToNode);
        assertEquals("bundle 2 on node-0 still has 1 task(s) holding part of it; release them first", e.getMessage());
    }

    @Test
    void aReusedAllocationWorksInTheBundle() {
        final Bundle bundle = Bundle.reserve(node, 0, cpus(cluster, 2));
        final ResourceAllocation pooled = new ResourceAllocation();
        assertTrue(bundle.allocate(cpus(cluster, 2), pooled));
        assertFalse(bundle.allocate(cpus(cluster, 1), new ResourceAllocation()));
        bundle.release(pooled);
        pooled.clear();
        assertTrue(bundle.allocate(cpus(cluster, 1), pooled));
    }
}
