package io.kairos.cluster;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.KernelInternals;
import io.kairos.ObjectRef;
import io.kairos.TaskContext;
import io.kairos.exception.ObjectLostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large results stay on the member that made them; the owner pulls them when they are read (Ray's ownership). */
@Timeout(120)
class ObjectPullTest {
    private static final int MIB = 1 << 20;
    /** Where each seed's task ran last, so a test can kill that member. */
    static final Map<Long, String> RAN_ON = new ConcurrentHashMap<>();
    static volatile CountDownLatch gate;

    final LoopbackTransports hub = hub();
    final List<Kernel> kernels = new ArrayList<>();

    /** Objects go in messages here; {@link ObjectPullBulkTest} runs the same on a bulk channel. */
    LoopbackTransports hub() {
        return new LoopbackTransports();
    }

    @AfterEach
    void closeAll() {
        for (final Kernel k : kernels) {
            k.close();
        }
    }

    Kernel member(final String id, final double cpus, final long storeBytes) {
        final KernelContext context = new KernelContext()
            .node(id, Map.of("CPU", cpus), Map.of("zone", id))
            .objectStoreBytes(storeBytes)
            .cluster(hub.transport());
        if (storeBytes > 0) {
            context.objectStoreName("kairos-pull-test-" + ProcessHandle.current().pid() + "-" + id);
        }
        final Kernel kernel = Kernel.start(context);
        kernels.add(kernel);
        return kernel;
    }

    static byte[] bytes(final int size, final long seed) {
        final byte[] b = new byte[size];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            final long r = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                b[i + j] = (byte) (r >>> (8 * j));
            }
        }
        return b;
    }

    static byte[] make(final int size, final long seed) {
        RAN_ON.put(seed, TaskContext.current().nodeId());
        return bytes(size, seed);
    }

    static byte[] makeAfterGate(final int size, final long seed) throws InterruptedException {
        gate.await();  // the test's readers wait first
        return bytes(size, seed);
    }

    static long crc(final byte[] b) {
        final CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    static long[] counters(final Kernel k) {
        return KernelInternals.clusterObjectCounters(k);
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aLargeResultIsPulledWholeIntoTheDriverAndReleasedAtItsHolder() {
        final Kernel node = member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 32 * MIB, 7L).remote();
        final byte[] value = big.get(Duration.ofSeconds(60));
        assertEquals(crc(bytes(32 * MIB, 7L)), crc(value));
        assertEquals(1, counters(driver)[0], "one pull");
        assertTrue(counters(driver)[1] >= 32L * MIB && counters(driver)[1] < 32L * MIB + 64,
            "the bytes pulled: the value's encoding, " + counters(driver)[1]);
        awaitCondition(() -> counters(node)[3] == 0, "the holder released its copy once the driver had it");
        assertArrayEquals(value, big.get(Duration.ofSeconds(5)), "read again: no second pull");
        assertEquals(1, counters(driver)[0]);
    }

    @Test
    void twoReadersAtOnceMakeOnePull() throws Exception {
        member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        gate = new CountDownLatch(1);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::makeAfterGate, 32 * MIB, 11L).remote();
        final ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            final List<Thread> threads = new ArrayList<>();
            final CountDownLatch started = new CountDownLatch(2);
            final List<Future<Long>> sums = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                sums.add(readers.submit(() -> {
                    synchronized (threads) {
                        threads.add(Thread.currentThread());
                    }
                    started.countDown();
                    return crc(big.get(Duration.ofSeconds(60)));
                }));
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
            awaitCondition(() -> {
                synchronized (threads) {
                    return threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING);
                }
            }, "both readers wait");
            gate.countDown();
            final long expected = crc(bytes(32 * MIB, 11L));
            assertEquals(expected, sums.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(expected, sums.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            gate.countDown();
            readers.shutdownNow();
        }
        assertEquals(1, counters(driver)[0], "one pull for two readers");
    }

    /** Ray's locality: a task that takes a held result runs where it is held and reads it there; nothing is pulled. */
    @Test
    void aDependentTaskRunsWhereItsArgumentIsHeld() {
        final Kernel a = member("node-a", 2, 0);
        final Kernel b = member("node-b", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 32 * MIB, 13L).remote();
        final ObjectRef<String> where = driver.task(ObjectPullTest::crcAndNode, big).remote();
        assertEquals(crc(bytes(32 * MIB, 13L)) + "@" + RAN_ON.get(13L), where.get(Duration.ofSeconds(60)));
        assertEquals(0, counters(driver)[0], "nothing pulled");
        assertEquals(1, counters(RAN_ON.get(13L).equals("node-a") ? a : b)[9], "read in place at its holder");
        assertEquals(crc(bytes(32 * MIB, 13L)), crc(big.get(Duration.ofSeconds(60))), "and the owner can still read it");
        assertEquals(1, counters(driver)[0]);
    }

    static String crcAndNode(final byte[] b) {
        return crc(b) + "@" + TaskContext.current().nodeId();
    }

    /**
     * Ray's {@code wait(fetch_local=False)}: a result held elsewhere counts as ready without a pull; the ref says where
     * and how large it is, and freeing it lets the holder's copy go unread.
     */
    @Test
    void waitWithoutFetchingSeesHeldObjectsAndFreeLetsThemGo() {
        final Kernel a = member("node-a", 2, 0);
        final Kernel b = member("node-b", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 4 * MIB, 83L).remote();
        assertEquals(1, driver.wait(List.of(big), 1, Duration.ofSeconds(60), false).ready().size());
        assertTrue(big.isHeldElsewhere() && !big.isReady());
        assertEquals(RAN_ON.get(83L), big.heldOnNode());
        assertTrue(big.storedBytes() >= 4L * MIB, "the held bytes: " + big.storedBytes());
        assertEquals(0, counters(driver)[0], "nothing pulled");
        final Kernel holder = RAN_ON.get(83L).equals("node-a") ? a : b;
        assertEquals(1, counters(holder)[3]);
        big.free();
        awaitCondition(() -> counters(holder)[3] == 0, "the holder let its copy go");
        assertThrows(io.kairos.exception.ObjectFreedException.class, () -> big.get(Duration.ofSeconds(5)));
        assertTrue(!big.isHeldElsewhere() && big.heldOnNode() == null && big.storedBytes() == 0);
        assertEquals(0, counters(driver)[0], "still nothing pulled");
        final io.kairos.ActorHandle<Summer> summer = driver.actor(Summer::new).remote();
        final String home = summer.task(Summer::node).remote().get(Duration.ofSeconds(30));
        assertEquals(home, summer.nodeId(), "the handle knows its actor's node");
    }

    static volatile CountDownLatch started;
    static volatile CountDownLatch release;

    static String crcAndNodeAfterRelease(final byte[] b) throws InterruptedException {
        started.countDown();
        release.await();
        return crcAndNode(b);
    }

    static String nodeAfterRelease() throws InterruptedException {
        started.countDown();
        release.await();
        return TaskContext.current().nodeId();
    }

    /** A call of an actor that lives where its argument is held reads it there: nothing is pulled. */
    @Test
    void anActorCallOnTheHoldersNodeReadsItThere() {
        final Kernel a = member("node-a", 2, 128L * MIB);
        member("node-b", 2, 128L * MIB);
        final Kernel driver = member("driver", 0, 128L * MIB);
        final io.kairos.ActorHandle<Summer> summer = driver.actor(Summer::new).remote();
        final String home = summer.task(Summer::node).remote().get(Duration.ofSeconds(30));
        callWithHeldArgument(driver, summer, home);  // the argument's reference is dropped on return
        assertEquals(0, counters(driver)[0], "nothing pulled");
        assertEquals(0, counters(driver)[8], "nothing exported");
        final Kernel holder = home.equals("node-a") ? a : kernels.get(1);
        assertEquals(1, counters(holder)[9], "read in place");
        final long objects = holder.objectStoreStats().objects();
        assertTrue(objects >= 1, "the held copy is in the holder's store");
        awaitCondition(() -> {
            System.gc();  // the owner drops its reference: the holder is told to let the copy go
            return counters(holder)[3] == 0 && holder.objectStoreStats().objects() == objects - 1;
        }, "the held copy freed once the owner dropped it, the call having given it back");
    }

    private static void callWithHeldArgument(final Kernel driver, final io.kairos.ActorHandle<Summer> summer,
                                             final String home) {
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 8 * MIB, 71L)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity(home, false)).remote();
        assertEquals(crc(bytes(8 * MIB, 71L)), summer.task(Summer::crcOf, big).remote().get(Duration.ofSeconds(60)));
    }

    /**
     * The holder has no room when the task's turn comes: the task does not wait for it, the argument is pulled and the
     * task runs on the member that has room.
     */
    @Test
    void aTaskWhoseHolderIsFullRunsElsewhereWithItPulled() throws Exception {
        member("node-a", 1, 0);
        member("node-b", 1, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 4 * MIB, 73L)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", false)).remote();
        awaitCondition(() -> driverKnowsHeld(driver), "the driver heard the result is held");
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        try {
            final ObjectRef<String> busy = driver.task(ObjectPullTest::nodeAfterRelease)
                .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", false))
                .remote();
            assertTrue(started.await(30, TimeUnit.SECONDS), "node-a's only CPU taken");
            final ObjectRef<String> where = driver.task(ObjectPullTest::crcAndNode, big).remote();
            assertEquals(crc(bytes(4 * MIB, 73L)) + "@node-b", where.get(Duration.ofSeconds(60)));
            assertEquals(1, counters(driver)[0], "pulled once, to be sent on");
            release.countDown();
            assertEquals("node-a", busy.get(Duration.ofSeconds(30)));
        } finally {
            release.countDown();
        }
    }

    /**
     * The holder leaves while the task that reads its copy runs there: the task runs again, its argument is made again
     * by lineage on the member that is left, and the result is right.
     */
    @Test
    void aHolderThatLeavesUnderItsReaderHasBothRunAgain() throws Exception {
        member("node-a", 2, 0);
        member("node-b", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 4 * MIB, 79L).setMaxRetries(2)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", true)).remote();
        awaitCondition(() -> driverKnowsHeld(driver), "the driver heard the result is held");
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        try {
            final ObjectRef<String> where = driver.task(ObjectPullTest::crcAndNodeAfterRelease, big).remote();
            assertTrue(started.await(30, TimeUnit.SECONDS), "the reader started on the holder");
            hub.kill("node-a");
            release.countDown();
            assertEquals(crc(bytes(4 * MIB, 79L)) + "@node-b", where.get(Duration.ofSeconds(60)));
            assertEquals("node-b", RAN_ON.get(79L), "made again on the member that is left");
            assertEquals(1, counters(driver)[2], "one reconstruction");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aHolderThatLeavesBeforeThePullHasItsObjectMadeAgainByLineage() {
        final Kernel a = member("node-a", 2, 0);
        final Kernel b = member("node-b", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 8 * MIB, 17L).setMaxRetries(2).remote();
        final Kernel first = awaitHeld(a, b);
        awaitCondition(() -> driverKnowsHeld(driver), "the driver heard the result is held");
        final String firstNode = RAN_ON.get(17L);
        hub.kill(firstNode);
        final byte[] value = big.get(Duration.ofSeconds(60));
        assertEquals(crc(bytes(8 * MIB, 17L)), crc(value));
        assertTrue(!RAN_ON.get(17L).equals(firstNode), "made again on the member that is left");
        assertEquals(1, counters(driver)[2], "one reconstruction");
        assertEquals(1, counters(first)[3], "the killed member never heard a release");
    }

    @Test
    void aHolderThatLeavesWithNoRetriesLeftLosesTheObjectNamingIt() {
        final Kernel a = member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 8 * MIB, 19L).setMaxRetries(0).remote();
        awaitHeld(a);
        awaitCondition(() -> driverKnowsHeld(driver), "the driver heard the result is held");
        hub.kill("node-a");
        final ObjectLostException e = assertThrows(ObjectLostException.class, () -> big.get(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("node-a") && e.getMessage().contains("object "), e::getMessage);
    }

    private static boolean driverKnowsHeld(final Kernel driver) {
        return counters(driver)[4] == 1;
    }

    private static Kernel awaitHeld(final Kernel... nodes) {
        final Kernel[] holder = new Kernel[1];
        awaitCondition(() -> {
            for (final Kernel k : nodes) {
                if (counters(k)[3] == 1) {
                    holder[0] = k;
                    return true;
                }
            }
            return false;
        }, "a member holds the result");
        return holder[0];
    }

    @Test
    void waitPullsTheHeldObjectsItWaitsFor() {
        member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final List<ObjectRef<byte[]>> refs = List.of(driver.task(ObjectPullTest::make, 4 * MIB, 31L).remote(),
            driver.task(ObjectPullTest::make, 4 * MIB, 37L).remote());
        assertEquals(2, driver.wait(refs, 2, Duration.ofSeconds(60)).ready().size());
        assertEquals(2, counters(driver)[0], "each pulled once");
        assertEquals(crc(bytes(4 * MIB, 37L)), crc(refs.get(1).get(Duration.ofSeconds(5))));
    }

    @Test
    void aResultBelowTheThresholdStillComesInline() {
        final Kernel node = member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> small = driver.task(ObjectPullTest::make, 512 * 1024, 23L).remote();
        assertEquals(crc(bytes(512 * 1024, 23L)), crc(small.get(Duration.ofSeconds(30))));
        assertEquals(0, counters(driver)[0], "no pull");
        assertEquals(0, counters(node)[3], "nothing held");
    }

    @Test
    void withSharedStoresTheValueGoesFromStoreToStore() {
        member("node-a", 2, 128L * MIB);
        final Kernel driver = member("driver", 0, 128L * MIB);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 32 * MIB, 29L).remote();
        assertEquals(crc(bytes(32 * MIB, 29L)), crc(big.get(Duration.ofSeconds(60))));
        assertEquals(1, counters(driver)[0]);
        final ObjectRef<Long> sum = driver.task(ObjectPullTest::crc, big).remote();
        assertEquals(crc(bytes(32 * MIB, 29L)), sum.get(Duration.ofSeconds(60)), "and it is sent on from the store");
    }

    @Test
    void aHolderFreesItsStoredCopyOnceTheOwnerHasIt() {
        final Kernel node = member("node-a", 2, 128L * MIB);
        final Kernel driver = member("driver", 0, 128L * MIB);
        final long before = node.objectStoreStats().objects();
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 24 * MIB, 47L).remote();
        assertEquals(1, driver.wait(List.of(big), 1, Duration.ofSeconds(60)).ready().size());  // pulled, not read
        // at once, allocating nothing meanwhile: not left for a garbage collection to find (a node that allocates
        // little would fill its store and spill meanwhile)
        awaitCondition(() -> node.objectStoreStats().objects() == before, "the holder's copy freed");
        assertEquals(0, counters(node)[3], "nothing held");
        assertEquals(crc(bytes(24 * MIB, 47L)), crc(big.get(Duration.ofSeconds(5))));
    }

    /**
     * Ray frees an object its owner no longer references, read or not: a held result whose {@code ObjectRef} the owner
     * dropped unread leaves its holder once a garbage collection finds it, not only when the owner leaves.
     */
    @Test
    void aHeldResultTheOwnerDropsUnreadIsFreedAtItsHolder() {
        final Kernel node = member("node-a", 2, 128L * MIB);
        final Kernel driver = member("driver", 0, 128L * MIB);
        final long before = node.objectStoreStats().objects();
        final ObjectRef<byte[]> kept = driver.task(ObjectPullTest::make, 2 * MIB, 59L).remote();
        dropUnread(driver, 61L);
        awaitCondition(() -> counters(node)[3] == 2 && counters(driver)[4] == 2, "both results held at the node");
        awaitCondition(() -> {
            System.gc();
            return counters(node)[3] == 1;
        }, "the dropped result let go at its holder");
        assertEquals(1, counters(driver)[5], "one held result let go unread");
        assertEquals(1, counters(driver)[4], "the kept one still held there");
        assertEquals(0, counters(driver)[0], "nothing pulled");
        // the holder drops its entry, then frees the copy: the count above can be seen between the two
        awaitCondition(() -> node.objectStoreStats().objects() == before + 1, "its store copy freed");
        assertEquals(crc(bytes(2 * MIB, 59L)), crc(kept.get(Duration.ofSeconds(60))), "the kept one still reads");
        awaitCondition(() -> counters(node)[3] == 0, "and is released once read");
    }

    private static void dropUnread(final Kernel driver, final long seed) {
        driver.task(ObjectPullTest::make, 2 * MIB, seed).remote();
    }

    /**
     * A large stored argument of a task sent to another member: with a bulk channel it goes by reference, pulled by the
     * member straight from the owner's store, pinned there until the task is back, and the member's copy is freed once
     * the task is done; without one it goes inline in the task.
     */
    @Test
    void aLargeArgumentReachesItsTaskOnAnotherMember() {
        final Kernel node = member("node-a", 2, 128L * MIB);
        final Kernel driver = member("driver", 0, 128L * MIB);
        final long before = node.objectStoreStats().objects();
        final ObjectRef<byte[]> big = driver.put(bytes(8 * MIB, 67L));
        final ObjectRef<Long> sum = driver.task(ObjectPullTest::crc, big).remote();
        assertEquals(crc(bytes(8 * MIB, 67L)), sum.get(Duration.ofSeconds(60)));
        final boolean byReference = hub.bulk();
        assertEquals(byReference ? 1 : 0, counters(node)[6], "pulled by the member that ran the task");
        if (byReference) {
            assertTrue(counters(node)[7] >= 8L * MIB && counters(node)[7] < 8L * MIB + 64,
                "its bytes: " + counters(node)[7]);
        }
        awaitCondition(() -> counters(driver)[8] == 0, "the export ends with the task");
        awaitCondition(() -> node.objectStoreStats().objects() == before, "the member's copy freed with its task");
        final ObjectRef<Long> again = driver.task(ObjectPullTest::crc, big).remote();
        assertEquals(crc(bytes(8 * MIB, 67L)), again.get(Duration.ofSeconds(60)), "and again");
        final io.kairos.ActorHandle<Summer> summer = driver.actor(Summer::new).remote();
        assertEquals(crc(bytes(8 * MIB, 67L)), summer.task(Summer::crcOf, big).remote().get(Duration.ofSeconds(60)),
            "an actor call on that member takes it too");
        assertEquals(byReference ? 3 : 0, counters(node)[6]);
        awaitCondition(() -> counters(driver)[8] == 0, "the export ends with the call");
    }

    /** An actor that reads its argument. */
    public static final class Summer {
        public long crcOf(final byte[] bytes) {
            return crc(bytes);
        }

        public String node() {
            return TaskContext.current().nodeId();
        }
    }
}
