package io.kairos;

import io.kairos.exception.ActorDiedException;
import io.kairos.exception.GetTimeoutException;
import io.kairos.exception.UnschedulableException;
import io.kairos.spi.scheduling.PlacementStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PlacementGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, Double> ONE_CPU = Map.of("CPU", 1.0);

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        KernelTest.closeReleasingLatches(kernel);
    }

    private Kernel threeNodes(final double cpusEach) {
        kernel = Kernel.start(new KernelContext()
            .node("n0", Map.of("CPU", cpusEach, "GPU", 1.0), Map.of())
            .node("n1", Map.of("CPU", cpusEach, "GPU", 1.0), Map.of())
            .node("n2", Map.of("CPU", cpusEach, "GPU", 1.0), Map.of()));
        return kernel;
    }

    private List<String> nodesOfBundles(final PlacementGroup group) {
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int b = 0; b < group.bundleCount(); b++) {
            refs.add(kernel.task(KernelTest::contextNode).setPlacementGroup(group, b).remote());
        }
        return kernel.get(refs, WAIT);
    }

    @Test
    void strictSpreadPutsEachBundleOnItsOwnLogicalNode() {
        threeNodes(2);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertTrue(group.ready(WAIT));
        assertEquals(Set.of("n0", "n1", "n2"), new HashSet<>(nodesOfBundles(group)));
    }

    @Test
    void strictSpreadOverTooFewNodesIsInfeasible() {
        threeNodes(2);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> group.ready(WAIT));
        assertTrue(e.getMessage().contains("STRICT_SPREAD needs 4 distinct nodes"), e.getMessage());
        final ObjectRef<String> queued = kernel.task(KernelTest::contextNode).setPlacementGroup(group, 0).remote();
        assertThrows(UnschedulableException.class, () -> queued.get(WAIT), "tasks for a failed group fail");
    }

    @Test
    void aNamedGroupsNameIsTakenUntilItFailsOrIsRemoved() {
        threeNodes(2);
        final PlacementGroup failed = kernel.createPlacementGroup("g", List.of(ONE_CPU, ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertThrows(UnschedulableException.class, () -> failed.ready(WAIT));
        final PlacementGroup second = kernel.createPlacementGroup("g", List.of(ONE_CPU), PlacementStrategy.PACK);
        assertTrue(second.ready(WAIT), "a failed group's name is free again");
        assertEquals(second, kernel.getPlacementGroup("g").orElseThrow());
        assertEquals("placement group name 'g' is taken", assertThrows(IllegalArgumentException.class,
            () -> kernel.createPlacementGroup("g", List.of(ONE_CPU), PlacementStrategy.PACK)).getMessage());
        kernel.removePlacementGroup(second);
        assertTrue(kernel.getPlacementGroup("g").isEmpty());
        assertTrue(kernel.createPlacementGroup("g", List.of(ONE_CPU), PlacementStrategy.PACK).ready(WAIT));
    }

    @Test
    void strictPackPutsAllBundlesOnOneNode() {
        threeNodes(4);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_PACK);
        assertTrue(group.ready(WAIT));
        assertEquals(1, new HashSet<>(nodesOfBundles(group)).size());
    }

    @Test
    void spreadUsesDistinctNodesWhenItCan() {
        threeNodes(4);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, ONE_CPU), PlacementStrategy.SPREAD);
        assertTrue(group.ready(WAIT));
        assertEquals(2, new HashSet<>(nodesOfBundles(group)).size());
    }

    @Test
    void aGroupWaitsForRoomThenIsReserved() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final CountDownLatch hold = new CountDownLatch(1);
        KernelTest.LATCHES.put("pg-hold", hold);
        final ObjectRef<String> blocker = kernel.task(KernelTest::await, "pg-hold").setResource("CPU", 2.0).remote();
        KernelTest.awaitCondition("the blocker to run", () -> kernel.resources().get(0).available().get("CPU") == 0.0);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(Map.of("CPU", 2.0)), PlacementStrategy.PACK);
        assertFalse(group.ready(Duration.ofMillis(50)), "no room while the blocker runs");
        hold.countDown();
        blocker.get(WAIT);
        assertTrue(group.ready(WAIT));
    }

    /**
     * What removePlacementGroup promises: tasks queued for the group fail with a clear error, the one running in it
     * finishes, and the reservation returns to the node only after it.
     */
    @Test
    void removeReturnsTheReservationAndFailsQueuedTasks() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(4));
        final PlacementGroup group = kernel.createPlacementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        assertEquals(3.0, kernel.resources().get(0).available().get("CPU"), 1e-9);
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        KernelTest.LATCHES.put("pg-run-started", started);
        KernelTest.LATCHES.put("pg-run", release);
        final ObjectRef<String> running = kernel.task(KernelTest::startThenAwait, "pg-run")
            .setPlacementGroup(group, 0).remote();
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the task in the bundle runs");
        final ObjectRef<String> queued = kernel.task(KernelTest::contextNode).setPlacementGroup(group, 0).remote();
        assertThrows(GetTimeoutException.class, () -> queued.get(Duration.ofMillis(50)), "the bundle's CPU is taken");

        kernel.removePlacementGroup(group);
        final UnschedulableException failed = assertThrows(UnschedulableException.class, () -> queued.get(WAIT));
        assertTrue(failed.getMessage().contains("placement group " + group.id() + " was removed"), failed.getMessage());
        assertEquals(3.0, kernel.resources().get(0).available().get("CPU"), 1e-9, "held while its task runs");
        assertFalse(running.isReady());

        release.countDown();
        assertEquals("pg-run", running.get(WAIT), "the running task finishes");
        KernelTest.awaitCondition("the reservation back after the task",
            () -> kernel.resources().get(0).available().get("CPU") == 4.0);
        final ObjectRef<String> late = kernel.task(KernelTest::contextNode).setPlacementGroup(group, 0).remote();
        final UnschedulableException e = assertThrows(UnschedulableException.class, () -> late.get(WAIT));
        assertTrue(e.getMessage().contains("was removed"), e.getMessage());
    }

    @Test
    void tasksInABundleShareItsReservationAndWaitForRoomInIt() throws Exception {
        kernel = Kernel.start(new KernelContext().cpus(8));
        final PlacementGroup group = kernel.createPlacementGroup(List.of(Map.of("CPU", 1.0)), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        final CountDownLatch hold = new CountDownLatch(1);
        KernelTest.LATCHES.put("bundle-hold", hold);
        final ObjectRef<String> first = kernel.task(KernelTest::await, "bundle-hold").setPlacementGroup(group, 0).remote();
        final ObjectRef<Integer> second = kernel.task(KernelTest::square, 5).setPlacementGroup(group, -1).remote();
        assertThrows(GetTimeoutException.class, () -> second.get(Duration.ofMillis(50)), "the bundle's one CPU is taken");
        hold.countDown();
        assertEquals("bundle-hold", first.get(WAIT));
        assertEquals(25, second.get(WAIT));
    }

    @Test
    void badGroupInputGetsAClearException() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> kernel.createPlacementGroup(List.of(), PlacementStrategy.PACK));
        assertTrue(empty.getMessage().contains("bundles"), empty.getMessage());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> kernel.createPlacementGroup(List.of(Map.of("TPU", 1.0)), PlacementStrategy.PACK));
        assertTrue(unknown.getMessage().contains("unknown resource 'TPU'"), unknown.getMessage());
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
        final IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
            () -> kernel.task(KernelTest::square, 1).setPlacementGroup(group, 1));
        assertTrue(index.getMessage().contains("bundleIndex 1 is outside -1..0"), index.getMessage());
        final UnschedulableException tooBig = assertThrows(UnschedulableException.class,
            () -> kernel.task(KernelTest::square, 1).setResource("CPU", 2.0).setPlacementGroup(group, 0).remote());
        assertTrue(tooBig.getMessage().contains("bundle 0 holds CPU 1.0, asked for 2.0"), tooBig.getMessage());
        assertEquals(4, kernel.task(KernelTest::square, 2).remote().get(WAIT), "the kernel keeps working");
    }

    @Test
    void anActorInABundleRunsThereAndDiesWithTheGroup() {
        threeNodes(2);
        final PlacementGroup group = kernel.createPlacementGroup(List.of(ONE_CPU, Map.of("CPU", 1.0, "GPU", 0.5)),
            PlacementStrategy.STRICT_SPREAD);
        assertTrue(group.ready(WAIT));
        final String bundleNode = nodesOfBundles(group).get(1);
        final ActorHandle<ActorTest.Counter> actor = kernel.actor(ActorTest.Counter::new, 0)
            .setResource("GPU", 0.5).setPlacementGroup(group, 1).remote();
        assertEquals(bundleNode, actor.task(ActorTest.Counter::node).remote().get(WAIT));
        kernel.removePlacementGroup(group);
        assertThrows(ActorDiedException.class, () -> actor.task(ActorTest.Counter::add, 1).remote().get(WAIT));
        KernelTest.awaitCondition("the GPUs back",
            () -> kernel.resources().stream().mapToDouble(n -> n.available().get("GPU")).sum() == 3.0);
    }
}
