package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.kairos.spi.cluster.ClusterNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DriverJobsTest {
    @Test
    void aNodeOfferingNothingIsADriver() {
        assertTrue(DriverJobs.isDriver(new ClusterNode("d", Map.of(), Map.of())));
        assertTrue(DriverJobs.isDriver(new ClusterNode("d", Map.of("CPU", 0.0), Map.of())));
        assertFalse(DriverJobs.isDriver(new ClusterNode("n", Map.of("CPU", 0.0, "GPU", 0.5), Map.of())));
    }

    @Test
    void theEntrypointIsCutToTheNameLimitOnACharacterBoundary() {
        assertEquals("short", DriverJobs.truncate("short", 256));
        final String cut = DriverJobs.truncate("a" + "é".repeat(200), 256);  // 1 + 2 bytes each
        assertEquals(255, cut.getBytes(StandardCharsets.UTF_8).length, "a split 'é' is left out whole");
        assertEquals("a" + "é".repeat(127), cut);
        assertEquals("ab", DriverJobs.truncate("ab\uD83D\uDE00", 5), "a 4-byte code point that does not fit goes");
        assertTrue(DriverJobs.entrypoint().getBytes(StandardCharsets.UTF_8).length <= ControlState.MAX_NAME_BYTES);
    }
}
