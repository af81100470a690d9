package io.kairos.cli;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.cluster.aeron.ControlMemberConfig;
import io.kairos.cluster.aeron.JobTable.Job;
import io.kairos.cluster.aeron.JobTable.Status;
import io.kairos.cluster.aeron.PlacementGroupTable.Bundle;
import io.kairos.cluster.aeron.PlacementGroupTable.Group;
import io.kairos.cluster.aeron.PlacementGroupTable.GroupState;
import io.kairos.cluster.aeron.PlacementGroupTable.Reservation;
import io.kairos.cluster.aeron.PlacementGroupTable.Strategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kairos status}'s Jobs and Placement groups sections, from the control store's records. */
class StatusCommandTest {
    private static final long T0 = 1_796_000_000_000L;  // 2026-11-30 00:53:20 UTC

    @Test
    void jobsListEveryRunningOneAndTheLatestFinishedByStartTime() {
        final List<Job> jobs = List.of(
            new Job(30, "driver-c", "com.example.Train --epochs 3", Status.RUNNING, T0 + 5_000, -1),
            new Job(10, "driver-a", "com.example.Etl", Status.SUCCEEDED, T0, T0 + 12_300),
            new Job(20, "driver-b", "", Status.FAILED, T0 + 1_000, T0 + 3_000_000),
            new Job(40, "driver-d", "x", Status.SUCCEEDED, T0 + 2_000, T0 + 2_500));
        final List<String> lines = StatusCommand.jobLines(jobs, 2, T0 + 65_000);
        assertEquals("Jobs: 1 running, 3 finished (the latest 2 listed; --finished-jobs N for more)", lines.get(0));
        assertTrue(lines.get(1).startsWith("JOB "), lines.get(1));
        assertEquals(5, lines.size(), () -> String.join("\n", lines));
        assertRow(lines.get(2), "10", "driver-a", "SUCCEEDED", "2026-11-30", "00:53:20", "12.3s", "com.example.Etl");
        assertRow(lines.get(3), "20", "driver-b", "FAILED", "2026-11-30", "00:53:21", "49m59s");
        assertRow(lines.get(4), "30", "driver-c", "RUNNING", "2026-11-30", "00:53:25", "1m00s",
            "com.example.Train", "--epochs", "3");
    }

    private static void assertRow(final String line, final String... columns) {
        final String[] got = line.trim().split("\\s+");
        assertEquals(List.of(columns), List.of(got).subList(0, Math.min(got.length, columns.length)), line);
    }

    @Test
    void noJobsIsOneLine() {
        assertEquals(List.of("Jobs: 0 running, 0 finished"), StatusCommand.jobLines(List.of(), 20, T0));
    }

    @Test
    void groupsShowEachBundleAndTheNodeItIsOn() {
        final Group spread = new Group(7, "train", Strategy.STRICT_SPREAD, GroupState.RESCHEDULING, List.of(
            new Bundle(Map.of("CPU", 10_000L, "GPU", 5_000L), Reservation.COMMITTED, 101),
            new Bundle(Map.of("CPU", 10_000L), Reservation.UNRESERVED, 0),
            new Bundle(Map.of("CPU", 20_000L), Reservation.PREPARED, 999)));
        final List<String> lines = StatusCommand.groupLines(List.of(spread), Map.of(101L, "node-a"));
        assertEquals("Placement groups: 1", lines.get(0));
        assertTrue(lines.get(1).startsWith("GROUP "), lines.get(1));
        final String row = lines.get(2);
        assertTrue(row.matches("7 +train +STRICT_SPREAD +RESCHEDULING +.*"), row);
        assertTrue(row.endsWith("0: CPU 1, GPU 0.5 on node-a; 1: CPU 1 not placed; 2: CPU 2 on node 999 (prepared)"),
            row);
        assertEquals(List.of("Placement groups: 0"), StatusCommand.groupLines(List.of(), Map.of()));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void statusShowsADriversJobRunningThenSucceededAndAGroup(@TempDir final Path dir) throws IOException {
        final Path secretFile = ClusterCommand.Up.writeSecret(dir.resolve("cluster.secret"));
        final ClusterSecret secret = ClusterSecret.load(secretFile);
        final int base = freeBase();
        final List<ControlMember.Endpoint> members = List.of(new ControlMember.Endpoint("localhost", base));
        try (ControlMember member = ControlMember.start(ControlMemberConfig.builder().members(members).memberIndex(0)
            .dir(dir.resolve("member")).secret(secret).build())) {
            final String ingress = ControlMember.ingressEndpoints(members);
            final Kernel driver = Kernel.start(new KernelContext()
                .node("status-driver", Map.of("CPU", 0.0), Map.of())
                .objectStoreBytes(0)
                .cluster(new AeronClusterTransport(new AeronClusterTransport.Settings(ingress, "localhost", 0,
                    dir.resolve("driver-aeron"), 200, 10_000, secret))));
            try (driver; ControlStoreQuery query = new ControlStoreQuery(ingress, secret, 10_000)) {
                query.client().placementGroups().create(5, "pg", Strategy.PACK, List.of(Map.of("CPU", 10_000L)));
                final String joined = status(secretFile, base);
                assertTrue(joined.matches("(?s).*\\n\\d+ +status-driver +RUNNING .*"), joined);
                assertTrue(joined.contains("Jobs: 1 running, 0 finished"), joined);
                assertTrue(joined.contains("Placement groups: 1"), joined);
                assertTrue(joined.matches("(?s).*\\n5 +pg +PACK +PENDING +0: CPU 1 not placed\\n.*"), joined);
            }
            final String closed = status(secretFile, base);
            assertTrue(closed.matches("(?s).*\\n\\d+ +status-driver +SUCCEEDED .*"), closed);
            assertTrue(closed.contains("Jobs: 0 running, 1 finished"), closed);
        }
    }

    private static String status(final Path secretFile, final int base) {
        final PrintStream out = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertEquals(0, KairosCli.commandLine().execute("status", "--control", "localhost:" + base,
                "--secret-file", secretFile.toString()));
        } finally {
            System.setOut(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A base port whose {@link ControlMember#PORTS_PER_MEMBER} loopback UDP ports are free now. */
    private static int freeBase() {
        final SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            final int base = 20_000 + random.nextInt(8_000) * ControlMember.PORTS_PER_MEMBER;
            boolean free = true;
            for (int port = base; free && port < base + ControlMember.PORTS_PER_MEMBER; port++) {
                try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    socket.getLocalPort();
                } catch (final IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + ControlMember.PORTS_PER_MEMBER + " ports");
    }

    @Test
    void durationsReadAtAGlance() {
        assertEquals("850ms", StatusCommand.duration(850));
        assertEquals("12.3s", StatusCommand.duration(12_300));
        assertEquals("5m02s", StatusCommand.duration(302_000));
        assertEquals("3h04m", StatusCommand.duration(11_040_000));
        assertEquals("2d03h", StatusCommand.duration(183_600_000));
    }
}
