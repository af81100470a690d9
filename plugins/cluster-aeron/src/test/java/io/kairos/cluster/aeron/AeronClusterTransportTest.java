package io.kairos.cluster.aeron;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.TaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels in this JVM joined through {@link AeronClusterTransport} to a one-member control store: tasks cross over
 * Aeron UDP on loopback and their results come back; a duplicate node id and an unreachable control store are
 * refused with errors that say why.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AeronClusterTransportTest {
    private static final ClusterSecret SECRET = AeronMembers.SECRET;

    @TempDir
    Path dir;

    private AeronMembers members;
    private List<Throwable> errors;
    private List<Kernel> kernels;
    private LocalControlStore store;

    @BeforeEach
    void startControlStore() {
        members = new AeronMembers(dir);
        errors = members.errors;
        kernels = members.kernels;
        store = members.store;
    }

    @AfterEach
    void closeAll() {
        members.close();
    }

    private Kernel member(final String id, final double cpus) {
        return members.member(id, cpus);
    }

    static long square(final long x) {
        return x * x;
    }

    static long add(final long a, final long b) {
        return a + b;
    }

    static String where(final int i) throws InterruptedException {
        Thread.sleep(1);  // the work itself
        return TaskContext.current().nodeId();
    }

    static byte[] echo(final byte[] bytes) {
        final byte[] copy = bytes.clone();
        copy[0] = (byte) (copy[0] + 1);
        return copy;
    }

    @Test
    void aDriverRunsADagOnTwoNodesOverAeron() {
        member("node-a", 2);
        member("node-b", 2);
        final Kernel driver = member("driver", 0);
        final List<ObjectRef<Long>> squares = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            squares.add(driver.task(AeronClusterTransportTest::square, (long) i).remote());
        }
        ObjectRef<Long> sum = driver.put(0L);
        long expected = 0;
        for (int i = 0; i < squares.size(); i++) {
            sum = driver.task(AeronClusterTransportTest::add, sum, squares.get(i)).remote();
            expected += (long) i * i;
        }
        assertEquals(expected, sum.get(Duration.ofSeconds(60)));

        final Set<String> nodes = new HashSet<>();
        final List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            refs.add(driver.task(AeronClusterTransportTest::where, i).remote());
        }
        for (final ObjectRef<String> r : refs) {
            nodes.add(r.get(Duration.ofSeconds(60)));
        }
        assertEquals(Set.of("node-a", "node-b"), nodes);
    }

    /**
     * A member whose heartbeats come less often than the control store's node timeout (3 s against 2 s) is declared
     * dead while it lives: its next heartbeat is refused, so it tells its kernel every other member left (they dropped
     * its work) and joins again under a new incarnation, and hears of them anew.
     */
    @Test
    void aMemberDeclaredDeadWhileAliveForgetsEveryoneAndJoinsAgain() throws Exception {
        member("node-a", 1);
        final List<String> events = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch rejoined = new java.util.concurrent.CountDownLatch(2);
        try (AeronClusterTransport late = new AeronClusterTransport(new AeronClusterTransport.Settings(
            store.ingressEndpoints(), "localhost", 0, dir.resolve("late"), 3_000, 10_000, SECRET))) {
            late.join(new io.kairos.spi.cluster.ClusterNode("late", Map.of("CPU", 1.0), Map.of()),
                new io.kairos.spi.cluster.ClusterListener() {
                    @Override
                    public void onNodeJoined(final io.kairos.spi.cluster.ClusterNode node) {
                        events.add("joined " + node.nodeId());
                        rejoined.countDown();
                    }

                    @Override
                    public void onNodeLeft(final String nodeId, final String reason) {
                        events.add("left " + nodeId + ": " + reason);
                    }

                    @Override
                    public void onMessage(final String fromNodeId, final java.nio.ByteBuffer message) {
                    }
                });
            assertTrue(rejoined.await(30, TimeUnit.SECONDS), events::toString);
            assertEquals("joined node-a", events.get(0), events::toString);
            assertTrue(events.get(1).startsWith("left node-a: this member was declared dead"), events::toString);
            assertEquals("joined node-a", events.get(2), events::toString);
        }
    }

    @Test
    void aDriverIsARunningJobWhileJoinedAndSucceededOnceItCloses() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final io.aeron.driver.MediaDriver media = io.aeron.driver.MediaDriver.launch(new io.aeron.driver.MediaDriver.Context()
            .aeronDirectoryName(dir.resolve("job-client").toString())
            .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .sharedIdleStrategy(new org.agrona.concurrent.BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try (media; ControlClient client = ControlClient.connect(new io.aeron.cluster.client.AeronCluster.Context()
            .aeronDirectoryName(media.aeronDirectoryName())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp")
            .ingressEndpoints(store.ingressEndpoints())
            .credentialsSupplier(SECRET.credentials("job-test")), TimeUnit.SECONDS.toNanos(10))) {
            final JobClient jobs = new JobClient(client);
            final List<JobTable.Job> running = jobs.list();
            assertEquals(1, running.size(), () -> "only the driver is a job, node-a offers a CPU: " + running);
            final JobTable.Job job = running.get(0);
            assertEquals("driver", job.driver());
            assertEquals(JobTable.Status.RUNNING, job.status());
            assertEquals(DriverJobs.entrypoint(), job.entrypoint());
            assertEquals(job.jobId(), client.listNodes().members().stream()
                .filter(m -> m.name().equals("driver")).findFirst().orElseThrow().nodeId(), "the job id is the node id");

            kernels.remove(driver);
            driver.close();
            final JobTable.Job done = jobs.get(job.jobId());
            assertEquals(JobTable.Status.SUCCEEDED, done.status(), done::toString);
            assertTrue(done.endMs() >= done.startMs(), done::toString);
            assertEquals(List.of(done), jobs.list());
        }
    }

    @Test
    void argumentsAndResultsLargerThanOneFrameCrossWhole() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final byte[] big = new byte[3 << 20];
        new java.util.SplittableRandom(7).nextBytes(big);
        final byte[] back = driver.task(AeronClusterTransportTest::echo, big).remote().get(Duration.ofSeconds(60));
        final byte[] expected = big.clone();
        expected[0] = (byte) (expected[0] + 1);
        assertArrayEquals(expected, back);
    }

    static byte[] make(final int size, final long seed) {
        final byte[] b = new byte[size];
        new java.util.SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static long crc(final byte[] b) {
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b);
        return crc.getValue();
    }

    @Test
    void aLargeResultStaysOnItsNodeAndIsPulledWholeOverAeron() {
        member("node-a", 1);
        final Kernel driver = member("driver", 0);
        final byte[] big = driver.task(AeronClusterTransportTest::make, 64 << 20, 5L).remote()
            .get(Duration.ofSeconds(60));
        assertEquals(crc(make(64 << 20, 5L)), crc(big));
    }

    @Test
    void twoMembersPullFromEachOtherAtOnce() throws Exception {
        final Kernel a = member("node-a", 1);
        final Kernel b = member("node-b", 1);
        final ObjectRef<byte[]> fromB = a.task(AeronClusterTransportTest::make, 32 << 20, 1L)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-b", false)).remote();
        final ObjectRef<byte[]> fromA = b.task(AeronClusterTransportTest::make, 32 << 20, 2L)
            .setSchedulingStrategy(io.kairos.spi.scheduling.SchedulingStrategy.nodeAffinity("node-a", false)).remote();
        final java.util.concurrent.CompletableFuture<Long> other =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> crc(fromA.get(Duration.ofSeconds(60))));
        assertEquals(crc(make(32 << 20, 1L)), crc(fromB.get(Duration.ofSeconds(60))));
        assertEquals(crc(make(32 << 20, 2L)), other.get(60, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aSecondNodeWithTheSameIdIsRefused() {
        member("node-a", 1);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> member("node-a", 1));
        assertTrue(e.getMessage().contains("node name 'node-a' is taken"), e::getMessage);
    }

    @Test
    void anUnreachableControlStoreIsNamedInTheError() {
        final int port = LocalControlStore.freePort();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernel.start(new KernelContext()
            .node("lonely", Map.of("CPU", 1.0), Map.of())
            .objectStoreBytes(0)
            .cluster(new AeronClusterTransport(new AeronClusterTransport.Settings("0=localhost:" + port,
                "localhost", 0, dir.resolve("lonely"), 100, 1_000, SECRET)))));
        assertTrue(e.getMessage().contains("0=localhost:" + port), e::getMessage);
    }

    /** What one member's transport delivered. */
    private static final class Recorder implements io.kairos.spi.cluster.ClusterListener {
        final java.util.Set<String> messages = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void onNodeJoined(final io.kairos.spi.cluster.ClusterNode node) {
        }

        @Override
        public void onNodeLeft(final String nodeId, final String reason) {
        }

        @Override
        public void onMessage(final String fromNodeId, final java.nio.ByteBuffer message) {
            final byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            messages.add(fromNodeId + ": " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private AeronClusterTransport joined(final String id, final Recorder recorder) {
        final AeronClusterTransport transport = new AeronClusterTransport(new AeronClusterTransport.Settings(
            store.ingressEndpoints(), "localhost", 0, dir.resolve(id), 100, 2_000, SECRET));
        transport.join(new io.kairos.spi.cluster.ClusterNode(id, Map.of("CPU", 1.0), Map.of()), recorder);
        return transport;
    }

    /**
     * A process that knows a node's data endpoint but not the cluster's secret sends it messages in the transport's
     * own frames, naming a real member: they are never delivered (the session is refused), while the real member's
     * messages are.
     */
    @Test
    void aSenderWithoutTheSecretIsNotHeardOnTheDataChannel() {
        final Recorder atA = new Recorder();
        final AeronClusterTransport a = joined("node-a", atA);
        final AeronClusterTransport b = joined("node-b", new Recorder());
        try (a; b) {
            final byte[] real = "from the real node-b".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(b.send("node-a", real, 0, real.length));
            Await.condition("node-b heard", () -> atA.messages.contains("node-b: from the real node-b"));

            final io.aeron.driver.MediaDriver media = io.aeron.driver.MediaDriver.launch(
                new io.aeron.driver.MediaDriver.Context()
                    .aeronDirectoryName(dir.resolve("rogue").toString())
                    .threadingMode(io.aeron.driver.ThreadingMode.SHARED)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
            try (media; io.aeron.Aeron aeron = io.aeron.Aeron.connect(new io.aeron.Aeron.Context()
                .aeronDirectoryName(media.aeronDirectoryName()))) {
                final long refusedBefore = a.refusedSessions();
                final PeerChannel rogue = new PeerChannel(aeron, "node-a", a.endpoint(), "node-b", "localhost:9", 0,
                    5_000, c -> true, () -> { });
                final byte[] fake = "from a rogue".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(rogue.send(fake, 0, fake.length));
                // it cannot answer the challenge (sent to the endpoint it named); a guessed proof is wrong
                final byte[] guess = new byte[36];
                java.nio.ByteBuffer.wrap(guess).putInt(rogue.sessionId());
                assertTrue(rogue.sendControl(PeerChannel.PROOF, guess));
                Await.condition("the rogue refused", () -> a.refusedSessions() > refusedBefore);
                rogue.close();
            }
            assertTrue(atA.messages.stream().noneMatch(m -> m.contains("rogue")), () -> "delivered: " + atA.messages);
            final byte[] again = "again from node-b".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(b.send("node-a", again, 0, again.length));
            Await.condition("node-b still heard", () -> atA.messages.contains("node-b: again from node-b"));
        }
    }
}
