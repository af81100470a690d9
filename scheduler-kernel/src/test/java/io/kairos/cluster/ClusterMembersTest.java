package io.kairos.cluster;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.TaskContext;
import io.kairos.exception.UnschedulableException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kernels joined as cluster members (over an in-JVM transport): the kernel's side of forwarding work. */
@Timeout(60)
class ClusterMembersTest {
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
            .node(id, Map.of("CPU", cpus), Map.of("zone", id))
            .objectStoreBytes(0)
            .cluster(hub.transport()));
        kernels.add(kernel);
        return kernel;
    }

    static int square(final int x) {
        return x * x;
    }

    static int add(final int a, final int b) {
        return a + b;
    }

    static String where(final int ignored) {
        return TaskContext.current().nodeId();
    }

    @Test
    void aDriverWithNoResourcesRunsItsTasksOnTheNodes() {
        member("node-a", 2);
        member("node-b", 2);
        final Kernel driver = member("driver", 0);
        final List<ObjectRef<Integer>> squares = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            squares.add(driver.task(ClusterMembersTest::square, i).remote());
        }
        ObjectRef<Integer> sum = driver.put(0);
        for (final ObjectRef<Integer> s : squares) {
            sum = driver.task(ClusterMembersTest::add, sum, s).remote();
        }
        int expected = 0;
        for (int i = 0; i < 200; i++) {
            expected += i * i;
        }
        assertEquals(expected, sum.get(Duration.ofSeconds(30)));
    }

    @Test
    void tasksSpreadOverEveryNodeThatHasRoom() {
        member("node-a", 1);
        member("node-b", 1);
        final Kernel driver = member("driver", 0);
        final Set<String> nodes = new HashSet<>();
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            refs.add(driver.task(ClusterMembersTest::slowWhere, i).remote());
        }
        for (final ObjectRef<String> r : refs) {
            nodes.add(r.get(Duration.ofSeconds(30)));
        }
        assertEquals(Set.of("node-a", "node-b"), nodes);
    }

    static String slowWhere(final int i) throws InterruptedException {
        Thread.sleep(2);  // the work itself, not a wait for a condition
        return TaskContext.current().nodeId();
    }

    @Test
    void aTaskThatFailsOnAnotherMemberFailsAtItsOwnerWithTheCause() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final ObjectRef<Integer> r = driver.task(ClusterMembersTest::boom, 1).setMaxRetries(0).remote();
        final RuntimeException e = assertThrows(RuntimeException.class, () -> r.get(Duration.ofSeconds(30)));
        assertTrue(String.valueOf(e.getMessage()).contains("boom 1"), e::toString);
    }

    static int boom(final int x) {
        throw new IllegalStateException("boom " + x);
    }

    @Test
    void aDriverAloneRefusesWorkNoMemberCanRun() {
        final Kernel driver = member("driver", 0);
        final UnschedulableException e = assertThrows(UnschedulableException.class,
            () -> driver.task(ClusterMembersTest::square, 2).remote());
        assertTrue(e.getMessage().contains("CPU"), e::getMessage);
    }

    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    static String blockOnce(final int x) throws InterruptedException {
        final String node = TaskContext.current().nodeId();
        if (node.equals("node-a")) {
            STARTED.countDown();
            RELEASE.await(30, TimeUnit.SECONDS);  // held until the test has killed this member
        }
        return node;
    }

    @Test
    void tasksOnAMemberThatDiesRunAgainElsewhere() throws InterruptedException {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final ObjectRef<String> r = driver.task(ClusterMembersTest::blockOnce, 1)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", true)).remote();
        assertTrue(STARTED.await(30, TimeUnit.SECONDS));
        member("node-b", 1);
        hub.kill("node-a");
        assertEquals("node-b", r.get(Duration.ofSeconds(30)));
        RELEASE.countDown();
    }

    /** A counter actor: its calls run in order on one instance. */
    public static final class Counter {
        private int count;

        public int add(final int n) {
            count += n;
            return count;
        }

        public String where() {
            return TaskContext.current().nodeId();
        }
    }

    @Test
    void aDriversActorLivesOnANodeAndRunsItsCallsInOrder() {
        member("node-a", 2);
        final Kernel driver = member("driver", 0);
        final io.kairos.ActorHandle<Counter> counter = driver.actor(Counter::new).remote();
        final List<ObjectRef<Integer>> sums = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            sums.add(counter.task(Counter::add, i).remote());
        }
        for (int i = 1; i <= 100; i++) {
            assertEquals(i * (i + 1) / 2, sums.get(i - 1).get(Duration.ofSeconds(30)));
        }
        assertEquals("node-a", counter.task(Counter::where).remote().get(Duration.ofSeconds(30)));
        driver.kill(counter, true);
        assertThrows(io.kairos.exception.ActorDiedException.class,
            () -> counter.task(Counter::add, 1).remote().get(Duration.ofSeconds(30)));
    }

    @Test
    void aNamedActorMadeByOneDriverIsCalledByAnother() {
        member("node-a", 2);
        final Kernel first = member("driver-1", 0);
        final Kernel second = member("driver-2", 0);
        final io.kairos.ActorHandle<Counter> made = first.actor(Counter::new).setName("shared-counter").remote();
        assertEquals(5, made.task(Counter::add, 5).remote().get(Duration.ofSeconds(30)));
        final io.kairos.ActorHandle<Counter> found = second.<Counter>getActor("shared-counter").orElseThrow();
        assertEquals(12, found.task(Counter::add, 7).remote().get(Duration.ofSeconds(30)));
        assertEquals(13, made.task(Counter::add, 1).remote().get(Duration.ofSeconds(30)));
        assertTrue(second.getActor("no-such-actor").isEmpty());
    }

    static final CountDownLatch HOLDING = new CountDownLatch(1);
    static final CountDownLatch LET_GO = new CountDownLatch(1);

    static String holdNodeA(final int ignored) throws InterruptedException {
        HOLDING.countDown();
        LET_GO.await(30, TimeUnit.SECONDS);  // keeps node-a's CPU until the test lets go
        return TaskContext.current().nodeId();
    }

    @Test
    void aNodeWithNoRoomSendsATaskBackAndItsOwnerPlacesItElsewhere() throws InterruptedException {
        member("node-a", 1);
        member("node-b", 1);
        final Kernel first = member("driver-1", 0);
        final Kernel second = member("driver-2", 0);
        hub.deafToReports("driver-2");  // its view still shows node-a free after driver-1 fills it
        final ObjectRef<String> holding = first.task(ClusterMembersTest::holdNodeA, 0)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", false)).remote();
        assertTrue(HOLDING.await(30, TimeUnit.SECONDS));
        final ObjectRef<String> placed = second.task(ClusterMembersTest::where, 1)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", true)).remote();
        assertEquals("node-b", placed.get(Duration.ofSeconds(20)), "sent back by node-a, then run on node-b");
        LET_GO.countDown();
        assertEquals("node-a", holding.get(Duration.ofSeconds(30)));
    }

    @Test
    void anotherDriverNeverHostsWorkNotEvenAnActorThatAsksForNothing() {
        member("driver-1", 0);  // joins first: a policy would try it first
        member("node-a", 1);
        final Kernel second = member("driver-2", 0);
        for (int i = 0; i < 4; i++) {
            final io.kairos.ActorHandle<Counter> counter = second.actor(Counter::new).remote();
            assertEquals("node-a", counter.task(Counter::where).remote().get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void anActorWhoseNodeDiesStartsAgainOnAnotherWithinItsRestarts() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final io.kairos.ActorHandle<Counter> counter = driver.actor(Counter::new).setMaxRestarts(1).remote();
        assertEquals("node-a", counter.task(Counter::where).remote().get(Duration.ofSeconds(30)));
        member("node-b", 1);
        hub.kill("node-a");
        String where = null;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (where == null && System.nanoTime() < deadline) {  // calls made while it moves fail: ask until one runs
            try {
                where = counter.task(Counter::where).remote().get(Duration.ofSeconds(30));
            } catch (final io.kairos.exception.ActorDiedException movingStill) {
                assertTrue(System.nanoTime() < deadline, movingStill::getMessage);
            }
        }
        assertEquals("node-b", where);
        assertEquals(3, counter.task(Counter::add, 3).remote().get(Duration.ofSeconds(30)), "a new instance");
    }

    @Test
    void aLambdaThatCapturesValuesIsReadAnewForEveryTaskWhileOneThatCapturesNothingIsShared() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final ArrayList<Integer> seen = new ArrayList<>();
        final io.kairos.function.KFunc1<Integer, Integer> remember = x -> {
            seen.add(x);
            return seen.size();
        };
        assertEquals(1, driver.task(remember, 1).remote().get(Duration.ofSeconds(30)));
        assertEquals(1, driver.task(remember, 2).remote().get(Duration.ofSeconds(30)), "its own copy of the list");
        for (int i = 0; i < 10; i++) {
            assertEquals(i * i, driver.task(ClusterMembersTest::square, i).remote().get(Duration.ofSeconds(30)));
        }
    }
}
