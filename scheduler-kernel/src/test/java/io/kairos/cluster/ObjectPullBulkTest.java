package io.kairos.cluster;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ObjectPullTest}'s behaviours with a transport that has a bulk channel for objects
 * ({@link io.kairos.spi.cluster.ClusterTransport#pullObject}): the same one pull, lineage and loss; and a bulk channel
 * that fails leaves the pull to messages.
 */
class ObjectPullBulkTest extends ObjectPullTest {
    @Override
    LoopbackTransports hub() {
        return new LoopbackTransports(LoopbackTransports.Bulk.ON);
    }

    @Test
    void aLargeResultCrossesOnTheBulkChannel() {
        member("node-a", 2, 0);
        final Kernel driver = member("driver", 0, 0);
        final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 5 << 20, 43L).remote();
        assertEquals(crc(bytes(5 << 20, 43L)), crc(big.get(Duration.ofSeconds(60))));
        assertEquals(1, hub.bulkPulls.get());
    }

    @Test
    void aBulkChannelThatFailsLeavesThePullToMessages() {
        final LoopbackTransports failing = new LoopbackTransports(LoopbackTransports.Bulk.FAILING);
        try (Kernel node = Kernel.start(new io.kairos.KernelContext().node("node-f", java.util.Map.of("CPU", 2.0),
                java.util.Map.of()).objectStoreBytes(0).cluster(failing.transport()));
             Kernel driver = Kernel.start(new io.kairos.KernelContext().node("driver-f", java.util.Map.of("CPU", 0.0),
                java.util.Map.of()).objectStoreBytes(0).cluster(failing.transport()))) {
            final ObjectRef<byte[]> big = driver.task(ObjectPullTest::make, 6 << 20, 41L).remote();
            assertEquals(crc(bytes(6 << 20, 41L)), crc(big.get(Duration.ofSeconds(60))));
            assertEquals(1, counters(driver)[0], "one pull");
            assertTrue(counters(driver)[1] >= 6L << 20, "its bytes, through messages");
        }
    }
}
