package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class ControlMemberConfigTest {
    private static final ClusterSecret SECRET = ClusterSecret.of("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void parsesMembersInOrder() {
        assertEquals(List.of(new ControlMember.Endpoint("localhost", 9000), new ControlMember.Endpoint("10.0.0.2", 9000),
                new ControlMember.Endpoint("[::1]", 9010)),
            ControlMember.parseMembers("localhost:9000, 10.0.0.2:9000,[::1]:9010"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":9000", "localhost:0", "localhost:65536", "localhost:-1",
        "localhost:9x", "::1:9000", "local host:9000", "localhost:900000"})
    void malformedEntryIsNamedWithTheExpectedForm(final String entry) {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseMembers("localhost:8000," + entry));
        assertEquals("members: entry 1 '" + entry.strip() + "' is not host:port (port 1..65535)", ex.getMessage());
    }

    @Test
    void emptyMembersAndEmptyEntriesAreRefused() {
        assertEquals("members is empty: expected host:port,host:port,... (port 1..65535)",
            assertThrows(IllegalArgumentException.class, () -> ControlMember.parseMembers(" ")).getMessage());
        assertEquals("members: entry 1 '' is not host:port (port 1..65535)",
            assertThrows(IllegalArgumentException.class, () -> ControlMember.parseMembers("a:1,,b:2")).getMessage());
    }

    @Test
    void basePortMustLeaveRoomForTheMembersPorts() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseMembers("localhost:65533"));
        assertEquals("members: entry 0 'localhost:65533' has base port 65533, must be 1..65531 (each member uses 5 " +
            "ports from its base port)", ex.getMessage());
    }

    @Test
    void membersOnOneHostMustNotSharePorts() {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseMembers("localhost:9000,localhost:9004"));
        assertEquals("members: entries 0 'localhost:9000' and 1 'localhost:9004' share ports: each member uses 5 " +
            "ports from its base port", ex.getMessage());
        assertEquals(2, ControlMember.parseMembers("localhost:9000,otherhost:9001").size());
    }

    @Test
    void derivesAeronEndpointsFromBasePorts() {
        final List<ControlMember.Endpoint> members = ControlMember.parseMembers("h1:9000,h2:9100");
        assertEquals("0,h1:9000,h1:9001,h1:9002,h1:9003,h1:9004|1,h2:9100,h2:9101,h2:9102,h2:9103,h2:9104",
            ControlMember.clusterMembers(members));
        assertEquals("0=h1:9000,1=h2:9100", ControlMember.ingressEndpoints(members));
    }

    @Test
    void configChecksIndexAndTimings() {
        final ControlMemberConfig.Builder builder = ControlMemberConfig.builder()
            .members(ControlMember.parseMembers("localhost:9000,localhost:9010,localhost:9020"))
            .dir(Path.of("d"))
            .secret(SECRET);
        assertEquals("memberIndex is 3, must be 0..2 for 3 members",
            assertThrows(IllegalArgumentException.class, () -> builder.memberIndex(3).build()).getMessage());
        assertEquals("memberIndex is -1, must be 0..2 for 3 members",
            assertThrows(IllegalArgumentException.class, () -> builder.memberIndex(-1).build()).getMessage());
        builder.memberIndex(1);
        assertEquals("localhost:9010", builder.build().self().toString());
        assertEquals("leaderHeartbeatIntervalMs is 2000, must be less than leaderHeartbeatTimeoutMs 2000",
            assertThrows(IllegalArgumentException.class, () -> builder.leaderHeartbeatIntervalMs(2_000).build())
                .getMessage());
        assertEquals("nodeTimeoutMs is 0, must be > 0", assertThrows(IllegalArgumentException.class,
            () -> builder.leaderHeartbeatIntervalMs(200).nodeTimeoutMs(0).build()).getMessage());
    }

    @Test
    void commandLineNamesMissingAndBadOptions() {
        assertEquals("--members is required", assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseArgs(new String[] {"--member-index", "0"})).getMessage());
        assertEquals("--member-index 'x' is not a whole number", assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseArgs(new String[] {"--members", "a:1", "--member-index", "x", "--dir", "d",
                "--secret-file", "f"})).getMessage());
        assertEquals("unknown option --bogus", assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseArgs(new String[] {"--bogus", "1"})).getMessage());
        assertEquals("--dir needs a value", assertThrows(IllegalArgumentException.class,
            () -> ControlMember.parseArgs(new String[] {"--dir"})).getMessage());
    }
}
