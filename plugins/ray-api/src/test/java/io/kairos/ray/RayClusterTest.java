package io.kairos.ray;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.TaskContext;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.cluster.aeron.ControlMemberConfig;
import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Ray program joins a Kairos cluster through {@code ray.address}: a one-member control store and a node in this
 * JVM, and the program as a driver whose tasks and actors run on the node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RayClusterTest {
    private static final String SECRET = "a cluster secret of 32 bytes, ok";

    @TempDir
    Path dir;

    private ControlMember member;
    private Kernel node;

    @AfterEach
    void stop() {
        if (Ray.isInitialized()) {
            Ray.shutdown();
        }
        if (node != null) {
            node.close();
        }
        if (member != null) {
            member.close();
        }
    }

    static String where() {
        return TaskContext.current().nodeId();
    }

    static int square(final int x) {
        return x * x;
    }

    /** A counter actor. */
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
    void aRayProgramWithRayAddressRunsItsTasksAndActorsOnTheClustersNodes() throws Exception {
        final Path secretFile = dir.resolve("cluster.secret");
        Files.writeString(secretFile, SECRET);
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        final int base = freeBase();
        member = ControlMember.start(ControlMemberConfig.builder()
            .members(ControlMember.parseMembers("localhost:" + base))
            .memberIndex(0)
            .dir(dir.resolve("control"))
            .secret(ClusterSecret.load(secretFile))
            .build());
        final String ingress = ControlMember.ingressEndpoints(ControlMember.parseMembers("localhost:" + base));
        node = Kernel.start(new KernelContext()
            .node("node-a", Map.of("CPU", 2.0), Map.of())
            .objectStoreBytes(0)
            .cluster(new AeronClusterTransport(new AeronClusterTransport.Settings(ingress, "localhost", 0,
                dir.resolve("node-aeron"), 200, 20_000, ClusterSecret.load(secretFile)))));

        RayTestSupport.initWithout(Map.of(  // no --num-cpus: a driver, its work runs on the cluster's node
            "ray.address", "localhost:" + base,
            "ray.head-args.0", "--object-store-memory=67108864",
            "kairos.cluster.secret-file", secretFile.toString(),
            "kairos.cluster.node-id", "ray-driver"),
            List.of("ray.head-args.0", "ray.head-args.1", "ray.head-args.2", "ray.head-args.3"));
        final ObjectRef<Integer> nine = Ray.task(RayClusterTest::square, 3).remote();
        assertEquals(9, nine.get());
        assertEquals("node-a", Ray.task(RayClusterTest::where).remote().get(), "the task ran on the node");
        final ActorHandle<Counter> counter = Ray.actor(Counter::new).remote();
        assertEquals(5, counter.task(Counter::add, 5).remote().get());
        assertEquals(7, counter.task(Counter::add, 2).remote().get());
        assertEquals("node-a", counter.task(Counter::where).remote().get(), "the actor lives on the node");
    }

    @Test
    void rayAddressWithoutASecretFileIsAClearError() {
        final RuntimeException e = assertThrows(RuntimeException.class, () -> RayTestSupport.init(Map.of(
            "ray.address", "localhost:20000")));
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(String.valueOf(cause.getMessage()).contains("kairos.cluster.secret-file"), e::toString);
    }

    private static int freeBase() {
        for (int attempt = 0; attempt < 100; attempt++) {
            final int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000) / 10 * 10;
            if (free(base)) {
                return base;
            }
        }
        throw new IllegalStateException("no 5 free ports in a row on loopback");
    }

    private static boolean free(final int base) {
        for (int p = base; p < base + ControlMember.PORTS_PER_MEMBER; p++) {
            try (DatagramSocket s = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                s.getLocalPort();
            } catch (final IOException e) {
                return false;
            }
        }
        return true;
    }
}
