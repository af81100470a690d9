package io.kairos.cluster.aeron;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three control-store members as three JVM processes on loopback: the leader is killed with {@code kill -9}, a new one
 * is elected, nothing written before is lost and writes go on; the killed member restarts from its directory, catches
 * up to the same state, and then carries the group when another member is killed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlMemberProcessTest {
    private static final int MEMBERS = 3;
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    private static final String SECRET = "process-test-secret-0123456789";

    @TempDir
    Path dir;

    private final Process[] processes = new Process[MEMBERS];
    private List<ControlMember.Endpoint> members;
    private Path secretFile;
    private MediaDriver clientDriver;
    private ControlClient client;

    @AfterEach
    void stopAll() throws InterruptedException {
        CloseHelper.closeAll(client, clientDriver);
        for (final Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (final Process p : processes) {
            if (p != null) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void leaderLossLosesNothingAndRestartedMemberCatchesUp() throws Exception {
        final long start = System.nanoTime();
        members = FreePorts.members(MEMBERS);
        secretFile = dir.resolve("cluster.secret");
        Files.writeString(secretFile, SECRET + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        for (int i = 0; i < MEMBERS; i++) {
            startMember(i);
        }
        connect();
        log("connected", start);

        for (int n = 1; n <= 3; n++) {
            client.registerNode(n, Map.of("CPU", 10_000L * n), Map.of("zone", "z" + n));
        }
        for (int a = 0; a < 10; a++) {
            client.registerActor("actor-" + a, 1 + a % 3, 100 + a);
        }
        for (int k = 0; k < 20; k++) {
            client.kvPut("key-" + k, value(k));
        }
        final int leader = awaitLeader(-1);
        log("wrote 3 nodes, 10 actors, 20 keys; leader is member " + leader, start);

        kill(leader);
        final long killedAt = System.nanoTime();
        final int newLeader = awaitLeader(leader);
        log("killed member " + leader + "; member " + newLeader + " elected after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt) + " ms", start);

        retry("read after failover", this::assertEverythingWrittenBefore);
        for (int k = 20; k < 30; k++) {
            final int key = k;
            retry("kvPut after failover", () -> client.kvPut("key-" + key, value(key)));
        }
        retry("registerActor after failover", () -> registerActorOnce("after-failover", 2, 500));
        log("state intact and writes go on under member " + newLeader + " after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt) + " ms", start);

        Files.deleteIfExists(statusFile(leader));
        startMember(leader);
        retry("kvPut after restart", () -> client.kvPut("after-restart", value(99)));
        awaitCondition("member " + leader + " caught up", () -> caughtUp(leader));
        log("member " + leader + " restarted and caught up: " + status(leader), start);

        final int second = awaitLeader(-1);
        kill(second);
        final int third = awaitLeader(second);
        log("killed member " + second + "; member " + third + " elected", start);
        retry("read after second failover", () -> {
            assertEverythingWrittenBefore();
            for (int k = 20; k < 30; k++) {
                assertArrayEquals(value(k), client.kvGet("key-" + k));
            }
            assertEquals(new ControlState.Actor("after-failover", 2, 500), client.lookupActor("after-failover"));
            assertArrayEquals(value(99), client.kvGet("after-restart"));
        });
        retry("kvPut with the restarted member in the quorum", () -> client.kvPut("last", value(7)));
        log("the restarted member carries the group", start);

        for (final int survivor : new int[] {leader, third}) {
            processes[survivor].destroy(); // SIGTERM: a clean stop
        }
        for (final int survivor : new int[] {leader, third}) {
            assertTrue(processes[survivor].waitFor(20, TimeUnit.SECONDS), "member " + survivor + " did not stop");
            assertFalse(Files.exists(memberDir(survivor).resolve("aeron")), "aeron dir of " + survivor + " left");
            assertTrue(Files.readString(dir.resolve("member-" + survivor + ".log"))
                .contains("control member " + survivor + " stopping"), logs());
        }
        log("stopped cleanly on SIGTERM", start);
    }

    @Test
    void pipelinedPlacementGroupsSurviveLeaderLoss() throws Exception {
        final long start = System.nanoTime();
        members = FreePorts.members(MEMBERS);
        secretFile = dir.resolve("cluster.secret");
        Files.writeString(secretFile, SECRET + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        for (int i = 0; i < MEMBERS; i++) {
            startMember(i);
        }
        connect();
        final int leader = awaitLeader(-1);
        final PlacementGroupClient pgs = client.placementGroups();
        final long maxCreates = 40_000;  // a fast machine sends more in the test's seconds than the table holds
        final java.util.Map<Long, java.util.concurrent.CompletableFuture<Void>> creates = new java.util.TreeMap<>();
        long id = 0;
        final long[] answeredOk = {0};
        long killedAt = 0;
        final long writesStart = System.nanoTime();
        long idAtKill = 0;
        while (killedAt == 0 || System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(8)) {
            try {
                while (client.inFlight() < 200 && id < maxCreates) {  // well under the table's limit
                    id++;
                    creates.put(id, pgs.createAsync(id, "", PlacementGroupTable.Strategy.PACK,
                        List.of(Map.of("CPU", 1L))));
                    creates.get(id).thenRun(() -> answeredOk[0]++);
                }
                client.poll();
            } catch (final ControlTimeoutException | IllegalStateException electing) {
                // the offer waits for a leader: its batch stays unanswered and times out
            }
            if (killedAt == 0 && (answeredOk[0] >= 500 ||
                System.nanoTime() - writesStart > TimeUnit.SECONDS.toNanos(20))) {
                kill(leader);
                killedAt = System.nanoTime();
                idAtKill = id;
                log("killed leader " + leader + " with " + client.inFlight() + " creates in flight, " +
                    answeredOk[0] + " answered", start);
            }
            if (client.isClosed()) {
                break;
            }
        }
        while (client.inFlight() > 0 && !client.isClosed()) {
            try {
                client.poll();
            } catch (final ControlTimeoutException | IllegalStateException electing) {
                // as above
            }
        }
        final long ok = creates.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        log(ok + " of " + creates.size() + " pipelined creates answered OK across the failover", start);
        assertTrue(ok > 0);
        final List<Long> answered = creates.entrySet().stream()
            .filter(e -> e.getValue().isDone() && !e.getValue().isCompletedExceptionally()).map(Map.Entry::getKey)
            .toList();
        assertTrue(answered.get(answered.size() - 1) > idAtKill, "creates sent after the kill are answered too");
        retry("read after failover", () -> client.placementGroups().get(answered.get(answered.size() - 1)));
        final List<java.util.concurrent.CompletableFuture<PlacementGroupTable.Group>> reads = new ArrayList<>();
        for (final long group : answered) {
            reads.add(client.placementGroups().getAsync(group)); // pipelined: the window holds back the sender
        }
        for (int i = 0; i < reads.size(); i++) {
            assertEquals(answered.get(i), client.await(reads.get(i)).groupId(), "every answered create is kept");
        }
        for (final Map.Entry<Long, java.util.concurrent.CompletableFuture<Void>> e : creates.entrySet()) {
            if (e.getValue().isCompletedExceptionally()) {
                final Throwable why = assertThrows(Exception.class, e.getValue()::join).getCause();
                assertTrue(why instanceof ControlTimeoutException || why instanceof IllegalStateException,
                    "a create either succeeds or is not answered: " + why);
            }
        }
    }

    @Test
    void memberRefusesSecretFileReadableByOthers() throws Exception {
        members = FreePorts.members(MEMBERS);
        secretFile = dir.resolve("cluster.secret");
        Files.writeString(secretFile, SECRET, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-r--r--"));
        startMember(0);
        assertTrue(processes[0].waitFor(30, TimeUnit.SECONDS), "member did not exit");
        final String output = Files.readString(dir.resolve("member-0.log"));
        assertEquals(2, processes[0].exitValue(), output);
        assertTrue(output.contains("error: secret file " + secretFile + " is readable by others (mode rw-r--r--); " +
            "chmod 600 " + secretFile), output);
    }

    private void assertEverythingWrittenBefore() {
        for (int a = 0; a < 10; a++) {
            assertEquals(new ControlState.Actor("actor-" + a, 1 + a % 3, 100 + a), client.lookupActor("actor-" + a));
        }
        for (int k = 0; k < 20; k++) {
            assertArrayEquals(value(k), client.kvGet("key-" + k));
        }
        for (int n = 1; n <= 3; n++) {
            assertEquals(Map.of("zone", "z" + n), client.nodeStatus(n).labels());
        }
    }

    /**
     * A retried registration that timed out may have been applied: it is then taken by this very actor.
     */
    private void registerActorOnce(final String name, final long owner, final long actorId) {
        try {
            client.registerActor(name, owner, actorId);
        } catch (final ControlRejection ex) {
            if (ex.status() != ControlStatus.CONFLICT ||
                !new ControlState.Actor(name, owner, actorId).equals(client.lookupActor(name))) {
                throw ex;
            }
        }
    }

    private boolean caughtUp(final int member) throws IOException {
        final Properties restarted = status(member);
        if (!"FOLLOWER".equals(restarted.getProperty("role"))) {
            return false;
        }
        for (int i = 0; i < MEMBERS; i++) {
            if (i != member && "LEADER".equals(status(i).getProperty("role"))) {
                final Properties leader = status(i);
                return leader.getProperty("logPosition").equals(restarted.getProperty("logPosition")) &&
                    leader.getProperty("stateDigest").equals(restarted.getProperty("stateDigest"));
            }
        }
        return false;
    }

    private int awaitLeader(final int notThis) {
        final int[] leader = {-1};
        awaitCondition("a leader other than " + notThis, () -> {
            for (int i = 0; i < MEMBERS; i++) {
                if (i != notThis && processes[i].isAlive() && "LEADER".equals(status(i).getProperty("role"))) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private void connect() {
        if (clientDriver == null) {
            clientDriver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("client-aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
        }
        final ClusterSecret secret = ClusterSecret.load(secretFile);
        retry("connect", () -> client = ControlClient.connect(new AeronCluster.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp?term-length=64k")
            .ingressEndpoints(ControlMember.ingressEndpoints(members))
            .credentialsSupplier(secret.credentials("process-test"))
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(5)), CALL_TIMEOUT_NS));
    }

    /**
     * Runs an operation until it succeeds: while a leader is being elected calls time out, and a client whose
     * session closed connects again.
     */
    private void retry(final String what, final ThrowingRunnable operation) {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        while (true) {
            try {
                operation.run();
                return;
            } catch (final Exception | AssertionError ex) {
                if (System.nanoTime() - deadline > 0) {
                    fail(what + " did not succeed within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NS) + " s" +
                        logs(), ex);
                }
                if (ex instanceof IllegalStateException && ex.getMessage().contains("cluster session is closed")) {
                    CloseHelper.quietClose(client);
                    client = null;
                    connect();
                }
                idle.idle();
            }
        }
    }

    private void startMember(final int index) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") ||
                arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            ControlMember.class.getName(),
            "--members", members.toString().replace(" ", "").replace("[", "").replace("]", ""),
            "--member-index", Integer.toString(index),
            "--dir", memberDir(index).toString(),
            "--secret-file", secretFile.toString(),
            "--leader-heartbeat-timeout-ms", "1500", "--node-timeout-ms", "600000"));
        final File log = dir.resolve("member-" + index + ".log").toFile();
        processes[index] = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
            .start();
    }

    private void kill(final int index) throws InterruptedException {
        processes[index].destroyForcibly();
        assertTrue(processes[index].waitFor(10, TimeUnit.SECONDS), "member " + index + " did not die");
    }

    private Path memberDir(final int index) {
        return dir.resolve("member-" + index);
    }

    private Path statusFile(final int index) {
        return memberDir(index).resolve(ControlMember.STATUS_FILE);
    }

    private Properties status(final int index) {
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(statusFile(index))) {
            properties.load(in);
        } catch (final IOException ex) {
            // not written yet
        }
        return properties;
    }

    private String logs() {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++) {
            final Path log = dir.resolve("member-" + i + ".log");
            sb.append("\n--- member ").append(i).append(' ').append(status(i)).append('\n');
            try {
                final List<String> lines = Files.readAllLines(log);
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (final IOException ex) {
                sb.append(ex);
            }
        }
        return sb.toString();
    }

    private void awaitCondition(final String what, final ThrowingBooleanSupplier condition) {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, 1_000_000);
        try {
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    fail("timed out waiting for " + what + logs());
                }
                idle.idle();
            }
        } catch (final Exception ex) {
            fail(what + ": " + ex + logs(), ex);
        }
    }

    private static void log(final String what, final long startNs) {
        System.out.println("[" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms] " + what);
    }

    private static byte[] value(final int k) {
        final byte[] v = new byte[1 + k % 7];
        Arrays.fill(v, (byte)k);
        return v;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface ThrowingBooleanSupplier {
        boolean getAsBoolean() throws Exception;
    }
}
