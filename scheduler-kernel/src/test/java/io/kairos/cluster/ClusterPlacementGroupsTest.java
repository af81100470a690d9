package io.kairos.cluster;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.NodeInfo;
import io.kairos.ObjectRef;
import io.kairos.PlacementGroup;
import io.kairos.TaskContext;
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
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement groups whose bundles are reserved on other members' nodes (over an in-JVM transport). */
@Timeout(60)
class ClusterPlacementGroupsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, Double> ONE_CPU = Map.of("CPU", 1.0);

    private final LoopbackTransports hub = new LoopbackTransports();
    private final List<Kernel> kernels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (final Kernel k : kernels) {
            k.close();
        }
    }

    private Kernel member(final String id, final double cpus) {
        final Kernel kernel = Kernel.start(new KernelContext()
            .node(id, Map.of("CPU", cpus), Map.of())
            .objectStoreBytes(0)
            .cluster(hub.transport()));
        kernels.add(kernel);
        return kernel;
    }

    static String where() {
        return TaskContext.current().nodeId();
    }

    /** A counter actor placed in a bundle. */
    public static final class Where {
        public String node() {
            return TaskContext.current().nodeId();
        }
    }

    @Test
    void strictSpreadFromADriverLandsOnThreeDistinctNodesAndItsTasksRunThere() {
        final Kernel a = member("node-a", 2);
        final Kernel b = member("node-b", 2);
        final Kernel c = member("node-c", 2);
        final Kernel driver = member("driver", 0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(ONE_CPU, ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertTrue(group.ready(WAIT));
        final Set<String> nodes = new HashSet<>();
        for (int bundle = 0; bundle < 3; bundle++) {
            final ObjectRef<String> first = driver.task(ClusterPlacementGroupsTest::where)
                .setPlacementGroup(group, bundle).remote();
            final String node = first.get(WAIT);
            for (int i = 0; i < 5; i++) {  // every task of a bundle runs where the bundle is reserved
                assertEquals(node, driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, bundle)
                    .remote().get(WAIT));
            }
            nodes.add(node);
        }
        assertEquals(Set.of("node-a", "node-b", "node-c"), nodes);
        for (final Kernel k : List.of(a, b, c)) {  // each node holds one bundle: 1 of its 2 CPUs is reserved
            awaitCpu(k, 1.0);
        }
        driver.removePlacementGroup(group);
        for (final Kernel k : List.of(a, b, c)) {
            awaitCpu(k, 2.0);  // back to idle
        }
    }

    @Test
    void anActorInARemoteBundleLivesThere() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        final var actor = driver.actor(Where::new).setPlacementGroup(group, 0).remote();
        assertEquals("node-a", actor.task(Where::node).remote().get(WAIT));
        // one that holds its bundle's CPU too, though the driver itself has none (a training worker does)
        final var holding = driver.actor(Where::new).setPlacementGroup(group, 0).setResource("CPU", 1.0).remote();
        assertEquals("node-a", holding.task(Where::node).remote().get(WAIT));
    }

    @Test
    void aGroupNoMemberCanHoldWaitsThenFailsWhileOneThatFitsWhenMembersJoinIsCreated() {
        final Kernel driver = member("driver", 0);
        member("node-a", 1);
        final PlacementGroup twoNodes = driver.createPlacementGroup(List.of(ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertFalse(twoNodes.ready(Duration.ofMillis(200)), "one node cannot hold a STRICT_SPREAD group of 2");
        member("node-b", 1);
        assertTrue(twoNodes.ready(WAIT), "created once a second member joined");
        final PlacementGroup tooBig = driver.createPlacementGroup(List.of(Map.of("CPU", 8.0)), PlacementStrategy.PACK);
        assertFalse(tooBig.ready(Duration.ofMillis(200)));
        driver.removePlacementGroup(tooBig);
        assertThrows(RuntimeException.class, () -> tooBig.ready(WAIT));
    }

    @Test
    void bundlesHeldByAMemberThatDiesArePlacedAgainAndTheirTasksRunThere() {
        member("node-a", 2);  // room for both bundles on either node: only the strategy keeps them apart
        member("node-b", 2);
        final Kernel driver = member("driver", 0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(ONE_CPU, ONE_CPU),
            PlacementStrategy.STRICT_SPREAD);
        assertTrue(group.ready(WAIT));
        final String first = driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, 0).remote().get(WAIT);
        final String second = driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, 1).remote()
            .get(WAIT);
        assertNotEquals(first, second);
        member("node-c", 2);
        hub.kill(first);
        final String again = driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, 0)
            .setMaxRetries(3).remote().get(WAIT);
        assertEquals("node-c", again, "bundle 0 moved to the only node that keeps the group STRICT_SPREAD");
        assertEquals(second, driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, 1).remote()
            .get(WAIT));
    }

    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    static String blockOnNodeA() throws InterruptedException {
        final String node = TaskContext.current().nodeId();
        if (node.equals("node-a")) {
            STARTED.countDown();
            RELEASE.await(30, TimeUnit.SECONDS);  // held until the test has killed this member
        }
        return node;
    }

    @Test
    void aTaskRunningInABundleOfAMemberThatDiesRunsAgainInTheBundlesNewPlace() throws InterruptedException {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        final ObjectRef<String> r = driver.task(ClusterPlacementGroupsTest::blockOnNodeA)
            .setPlacementGroup(group, 0).setMaxRetries(2).remote();
        assertTrue(STARTED.await(30, TimeUnit.SECONDS));
        member("node-b", 1);
        hub.kill("node-a");
        assertEquals("node-b", r.get(WAIT));
        RELEASE.countDown();
    }

    @Test
    void aTaskForABundleIsRefusedWhenTheGroupIsRemoved() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final PlacementGroup group = driver.createPlacementGroup(List.of(ONE_CPU), PlacementStrategy.PACK);
        assertTrue(group.ready(WAIT));
        driver.removePlacementGroup(group);
        final RuntimeException e = assertThrows(RuntimeException.class,
            () -> driver.task(ClusterPlacementGroupsTest::where).setPlacementGroup(group, 0).remote().get(WAIT));
        assertTrue(e instanceof UnschedulableException || e.getCause() instanceof UnschedulableException, e::toString);
        awaitCpu(kernels.get(0), 1.0);
    }

    private static void awaitCpu(final Kernel kernel, final double cpus) {
        awaitTrue(() -> cpuAvailable(kernel) == cpus, () -> "node " + kernel.resources() + " has " + cpuAvailable(kernel)
            + " CPU available, expected " + cpus);
    }

    private static double cpuAvailable(final Kernel kernel) {
        final NodeInfo local = kernel.resources().get(0);
        return local.available().getOrDefault("CPU", 0.0);
    }

    private static void awaitTrue(final BooleanSupplier condition, final java.util.function.Supplier<String> what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what.get());
            }
            Thread.onSpinWait();
        }
    }
}
