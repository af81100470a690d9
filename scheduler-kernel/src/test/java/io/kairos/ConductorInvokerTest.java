package io.kairos;

import io.kairos.exception.UnschedulableException;
import io.kairos.spi.kernel.KernelListener;
import io.kairos.spi.scheduling.PlacementStrategy;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conductor driven step by step from the test thread ({@link ThreadingMode#INVOKER}) with a clock the test
 * advances: every scheduling decision is made on this thread, in an order the test controls, so the exact node of
 * each task is asserted — over three logical nodes, for every policy and placement strategy.
 */
@Timeout(60)
class ConductorInvokerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, Double> ONE_CPU = Map.of("CPU", 1.0);
    private static final Map<String, Double> TWO_CPUS = Map.of("CPU", 2.0);

    private final ManualClock clock = new ManualClock();
    private final Recorder recorder = new Recorder();
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        KernelTest.closeReleasingLatches(kernel);
    }

    /** n0, n1, n2 with cpusEach CPUs, labelled zone=a/b/c; the conductor runs only when this thread drives it. */
    private Kernel threeNodes(final double cpusEach) {
        kernel = Kernel.start(new KernelContext()
            .threadingMode(ThreadingMode.INVOKER)
            .nanoClock(clock)
            .listener(recorder)
            .node("n0", Map.of("CPU", cpusEach), Map.of("zone", "a"))
            .node("n1", Map.of("CPU", cpusEach), Map.of("zone", "b"))
            .node("n2", Map.of("CPU", cpusEach), Map.of("zone", "c")));
        return kernel;
    }

    /** Parks on its own latch, so the task holds its resources until the test opens it; returns its node. */
    static String hold(final String key) throws InterruptedException {
        KernelTest.LATCHES.get(key).await();
        return TaskContext.current().nodeId();
    }

    private ObjectRef<String> held(final String key, final SchedulingStrategy strategy) {
        KernelTest.LATCHES.put(key, new CountDownLatch(1));
        return kernel.task(ConductorInvokerTest::hold, key).setSchedulingStrategy(strategy).remote();
    }

    private static void release(final String key) {
        KernelTest.LATCHES.get(key).countDown();
    }

    /** One duty cycle: takes what was submitted or returned since the last one, and dispatches. */
    private void step() {
        kernel.invoker().invoke();
    }

    /** Drives the conductor until the condition holds (workers run on their own threads). */
    private void driveUntil(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            kernel.invoker().invoke();
            Thread.onSpinWait();
        }
    }

    @Test
    void nothingIsDecidedUntilTheConductorIsDriven() {
        threeNodes(4);
        held("t0", SchedulingStrategy.DEFAULT);
        assertEquals(List.of(), recorder.startedOn);
        step();
        assertEquals(List.of("n0"), recorder.startedOn);
    }

    @Test
    void hybridPacksTheLocalNodeToTheThresholdThenFillsOthersThenSpreadsToTheLeastUtilised() {
        threeNodes(4);
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            refs.add(held("t" + i, SchedulingStrategy.DEFAULT));
        }
        step();
        // pack: n0 to 0.5, then the lowest-indexed node under 0.5; spread: least utilised (top-k of 3 nodes is 1)
        assertEquals(List.of("n0", "n0", "n1", "n1", "n2", "n2", "n0", "n1", "n2", "n0", "n1", "n2"), recorder.startedOn);
        for (final NodeInfo node : kernel.resources()) {
            assertEquals(0.0, node.available().get("CPU"), 1e-9, node.nodeId() + " is full");
        }

        final ObjectRef<String> waiting = kernel.task(KernelTest::contextNode).setResource("CPU", 1.0)
            .setSchedulingStrategy(SchedulingStrategy.DEFAULT).remote();
        step();
        assertEquals(12, recorder.startedOn.size(), "no node has a free CPU: the task waits");
        assertFalse(waiting.isReady());

        release("t3");  // the second task on n1
        assertEquals("n1", refs.get(3).get(WAIT));
        assertEquals("n1", waiting.get(WAIT), "the one node with room gets the waiting task");
        assertEquals("n1", recorder.startedOn.get(12));
    }

    @Test
    void cpuOnlyTasksAvoidTheGpuNodeUntilNoOtherNodeFits() {
        kernel = Kernel.start(new KernelContext()
            .threadingMode(ThreadingMode.INVOKER)
            .nanoClock(clock)
            .listener(recorder)
            .node("gpu-node", Map.of("CPU", 2.0, "GPU", 1.0), Map.of())
            .node("cpu-node", Map.of("CPU", 1.0), Map.of()));
        held("c0", SchedulingStrategy.DEFAULT);
        step();
        assertEquals(List.of("cpu-node"), recorder.startedOn, "the CPU-only node, though the GPU node is local");
        final ObjectRef<String> gpuTask = kernel.task(KernelTest::contextNode).setResource("GPU", 1.0).remote();
        assertEquals("gpu-node", gpuTask.get(WAIT));
        held("c1", SchedulingStrategy.DEFAULT);
        step();
        assertEquals("gpu-node", recorder.startedOn.get(2), "the CPU-only node is full: the GPU node takes it");
    }

    @Test
    void spreadGoesRoundRobinOverTheNodesThatFit() {
        threeNodes(2);
        for (int i = 0; i < 4; i++) {
            held("s" + i, SchedulingStrategy.SPREAD);
        }
        step();
        assertEquals(List.of("n0", "n1", "n2", "n0"), recorder.startedOn);
        held("s4", SchedulingStrategy.SPREAD);
        held("s5", SchedulingStrategy.SPREAD);
        step();
        assertEquals(List.of("n0", "n1", "n2", "n0", "n1", "n2"), recorder.startedOn);
        final ObjectRef<String> next = held("s6", SchedulingStrategy.SPREAD);
        step();
        assertEquals(6, recorder.startedOn.size(), "every node is full: the task waits");
        release("s1");  // frees a CPU on n1
        release("s6");
        assertEquals("n1", next.get(WAIT));
    }

    @Test
    void hardNodeAffinityWaitsForItsNodeAndSoftAffinityFallsBack() {
        threeNodes(2);
        final SchedulingStrategy hardN2 = SchedulingStrategy.nodeAffinity("n2", false);
        held("h0", hardN2);
        held("h1", hardN2);
        final ObjectRef<String> third = held("h2", hardN2);
        step();
        assertEquals(List.of("n2", "n2"), recorder.startedOn, "the third waits for n2 though n0 and n1 are free");

        final ObjectRef<String> soft = held("soft", SchedulingStrategy.nodeAffinity("n2", true));
        step();
        assertEquals("n0", recorder.startedOn.get(2), "n2 is full: a soft affinity takes the default policy's node");

        release("h0");
        release("h2");
        assertEquals("n2", third.get(WAIT));
        release("soft");
        assertEquals("n0", soft.get(WAIT));

        final ObjectRef<Integer> missing = kernel.task(KernelTest::square, 3)
            .setSchedulingStrategy(SchedulingStrategy.nodeAffinity("n9", false)).remote();
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> missing.get(WAIT));
        assertTrue(e.getMessage().contains("n9"), e.getMessage());
        assertEquals(9, kernel.task(KernelTest::square, 3).remote().get(WAIT), "the kernel keeps working");
    }

    @Test
    void nodeLabelsSelectHardAndPreferSoft() {
        threeNodes(1);
        final SchedulingStrategy zoneB = SchedulingStrategy.nodeLabels(Map.of("zone", "b"), Map.of());
        held("l0", zoneB);
        final ObjectRef<String> secondInB = held("l1", zoneB);
        step();
        assertEquals(List.of("n1"), recorder.startedOn, "zone b's only CPU is taken: the second waits for it");

        final SchedulingStrategy preferB = SchedulingStrategy.nodeLabels(Map.of(), Map.of("zone", "b"));
        final SchedulingStrategy preferC = SchedulingStrategy.nodeLabels(Map.of(), Map.of("zone", "c"));
        held("l2", preferC);
        held("l3", preferB);
        step();
        assertEquals(List.of("n1", "n2", "n0"), recorder.startedOn, "soft c is free; soft b is full, so the least used");

        release("l0");
        release("l1");
        assertEquals("n1", secondInB.get(WAIT));

        final ObjectRef<Integer> nowhere = kernel.task(KernelTest::square, 2)
            .setSchedulingStrategy(SchedulingStrategy.nodeLabels(Map.of("zone", "z"), Map.of())).remote();
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> nowhere.get(WAIT));
        assertTrue(e.getMessage().contains("zone"), e.getMessage());
    }

    @Test
    void infeasibleRequestsFailAtOnceNamingTheResourceAndTheKernelKeepsWorking() {
        threeNodes(4);
        final UnschedulableException cpu = assertThrows(UnschedulableException.class,
            () -> kernel.task(KernelTest::square, 2).setResource("CPU", 5.0).remote().get(WAIT));
        assertTrue(cpu.getMessage().endsWith("no node can ever provide CPU: 5.0 requested, the largest node has 4.0"),
            cpu.getMessage());
        final UnschedulableException gpu = assertThrows(UnschedulableException.class,
            () -> kernel.task(KernelTest::square, 2).setResource("GPU", 1.0).remote().get(WAIT));
        assertTrue(gpu.getMessage().contains("GPU"), gpu.getMessage());
        assertEquals(List.of(), recorder.startedOn, "neither started anywhere");
        assertEquals(16, kernel.task(KernelTest::square, 4).remote().get(WAIT));
    }

    private List<String> nodesOfBundles(final PlacementGroup group) {
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int b = 0; b < group.bundleCount(); b++) {
            refs.add(kernel.task(KernelTest::contextNode).setResource("CPU", 1.0).setPlacementGroup(group, b).remote());
        }
        return kernel.get(refs, WAIT);
    }

    private static int distinct(final List<String> nodes) {
        return (int) nodes.stream().distinct().count();
    }

    private PlacementGroup readyGroup(final PlacementStrategy strategy, final List<Map<String, Double>> bundles) {
        final PlacementGroup group = kernel.createPlacementGroup(bundles, strategy);
        assertTrue(group.ready(WAIT), strategy + " is reserved");
        return group;
    }

    @Test
    void placementStrategiesOverLogicalNodes() {
        threeNodes(5);
        final PlacementGroup pack = readyGroup(PlacementStrategy.PACK, List.of(ONE_CPU, ONE_CPU, ONE_CPU));
        assertEquals(List.of("n0", "n0", "n0"), nodesOfBundles(pack), "PACK fits all on one node");
        final PlacementGroup spread = readyGroup(PlacementStrategy.SPREAD, List.of(ONE_CPU, ONE_CPU, ONE_CPU));
        assertEquals(3, distinct(nodesOfBundles(spread)), "SPREAD: one bundle per node while nodes last");
        final PlacementGroup strictPack = readyGroup(PlacementStrategy.STRICT_PACK, List.of(TWO_CPUS, ONE_CPU));
        final List<String> packed = nodesOfBundles(strictPack);
        assertEquals(packed.get(0), packed.get(1), "STRICT_PACK: one node");
        final PlacementGroup strictSpread = readyGroup(PlacementStrategy.STRICT_SPREAD, List.of(ONE_CPU, ONE_CPU, ONE_CPU));
        assertEquals(3, distinct(nodesOfBundles(strictSpread)), "STRICT_SPREAD: a node each");

        double reserved = 0;
        for (final NodeInfo node : kernel.resources()) {
            reserved += 5.0 - node.available().get("CPU");
        }
        assertEquals(3 + 3 + 3 + 3, reserved, 1e-9, "every bundle holds its CPUs");
        for (final PlacementGroup group : List.of(pack, spread, strictPack, strictSpread)) {
            kernel.removePlacementGroup(group);
        }
        driveUntil(() -> kernel.resources().stream().allMatch(n -> n.available().get("CPU") == 5.0),
            "removal returns every CPU");
    }

    @Test
    void strictSpreadOverTooFewLogicalNodesAndAStrictPackTooBigForAnyNodeAreInfeasible() {
        threeNodes(4);
        final PlacementGroup four = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> four.ready(WAIT));
        assertTrue(e.getMessage().endsWith("STRICT_SPREAD needs 4 distinct nodes, the cluster has 3"), e.getMessage());
        final PlacementGroup big = kernel.createPlacementGroup(List.of(TWO_CPUS, TWO_CPUS, ONE_CPU),
            PlacementStrategy.STRICT_PACK);
        assertThrows(UnschedulableException.class, () -> big.ready(WAIT));
        final PlacementGroup fits = readyGroup(PlacementStrategy.STRICT_SPREAD, List.of(ONE_CPU, ONE_CPU, ONE_CPU));
        assertEquals(3, distinct(nodesOfBundles(fits)), "the kernel keeps placing groups");
    }

    @Test
    void aGroupThatCannotBeReservedNowWaitsAndIsReservedWhenRoomFrees() {
        threeNodes(1);
        held("busy", SchedulingStrategy.nodeAffinity("n1", false));
        step();
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertFalse(group.ready(Duration.ZERO), "n1 is busy: the group waits");
        clock.advance(Duration.ofMinutes(5));
        step();
        assertFalse(group.ready(Duration.ZERO), "waiting has no deadline on the conductor's clock");
        release("busy");
        assertTrue(group.ready(WAIT));
    }

    static int childOfChild(final int x) {
        final Kernel k = KernelTest.KernelHolder.kernel;
        return k.task(KernelTest::parentOfChild, x).remote().get() + 1;
    }

    @Test
    void idleWorkersBeyondTheCpusStopAfterTheTimeoutOnTheConductorsClock() {
        kernel = Kernel.start(new KernelContext()
            .threadingMode(ThreadingMode.INVOKER)
            .nanoClock(clock)
            .idleWorkerTimeout(Duration.ofSeconds(10))
            .cpus(1));
        KernelTest.KernelHolder.kernel = kernel;
        // three levels, each blocked in get while its child runs: three worker threads on a one-CPU node
        assertEquals(6 * 6 + 1 + 1, kernel.task(ConductorInvokerTest::childOfChild, 6).remote().get(WAIT));
        assertEquals(3, kernel.resources().get(0).workers());

        clock.advance(Duration.ofSeconds(9));
        step();
        assertEquals(3, kernel.resources().get(0).workers(), "idle for less than the timeout: kept");
        clock.advance(Duration.ofSeconds(1));
        step();
        assertEquals(1, kernel.resources().get(0).workers(), "idle past the timeout: stopped down to the CPU count");
        clock.advance(Duration.ofHours(1));
        step();
        assertEquals(1, kernel.resources().get(0).workers(), "the node's own CPU's worker is kept however long");
        assertEquals(49, kernel.task(KernelTest::square, 7).remote().get(WAIT), "and still runs tasks");
        assertEquals(6 * 6 + 1 + 1, kernel.task(ConductorInvokerTest::childOfChild, 6).remote().get(WAIT),
            "workers are started again when tasks block");
    }

    @Test
    void badIdleWorkerTimeoutIsRejectedNamingTheField() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new KernelContext().idleWorkerTimeout(Duration.ZERO).conclude());
        assertTrue(e.getMessage().contains("idleWorkerTimeout"), e.getMessage());
    }

    /** A clock that moves only when the test says. */
    static final class ManualClock implements NanoClock {
        private volatile long now = TimeUnit.SECONDS.toNanos(1);

        @Override
        public long nanoTime() {
            return now;
        }

        void advance(final Duration by) {
            now += by.toNanos();
        }
    }

    /** Records where each task started, on the conductor's thread (here: the test thread). */
    static final class Recorder implements KernelListener {
        final List<String> startedOn = new ArrayList<>();

        @Override
        public void onTaskStarted(final long taskId, final String nodeId, final int attempt) {
            startedOn.add(nodeId);
        }
    }
}
