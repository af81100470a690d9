package io.kairos.internal.policy;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.SchedulingStrategy;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static io.kairos.internal.policy.TestCluster.cpus;
import static io.kairos.internal.policy.TestCluster.occupy;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The success path of every built-in policy allocates nothing (measured with the JVM's per-thread counter). */
class SchedulingAllocationTest {
    private static final int CALLS = 20_000;

    @Test
    void schedulingAllocatesNothingOnTheSuccessPath() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "per-thread allocation counter unavailable");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        final Cluster cluster = new TestCluster()
            .node(Map.of("CPU", 4.0), Map.of("zone", "a"))
            .node(Map.of("CPU", 4.0), Map.of("zone", "b"))
            .node(Map.of("CPU", 4.0, "GPU", 2.0), Map.of("zone", "b", "gpu", "a100"))
            .node(Map.of("CPU", 4.0), Map.of("zone", "c"))
            .build(0, 5);
        for (int i = 0; i < 4; i++) {
            occupy(cluster, i, 3); // past the threshold: the hybrid policy takes its top-k path
        }
        final CompositeSchedulingPolicy composite = new CompositeSchedulingPolicy();
        final long[] demand = cluster.registry().demand(Map.of("CPU", 0.5));
        final SchedulingStrategy[] strategies = {
            SchedulingStrategy.DEFAULT,
            SchedulingStrategy.SPREAD,
            SchedulingStrategy.nodeAffinity("node-2", false),
            SchedulingStrategy.nodeAffinity("node-1", true),
            SchedulingStrategy.nodeLabels(Map.of("zone", "b"), Map.of("gpu", "a100")),
        };
        final long id = Thread.currentThread().getId();
        long sink = run(composite, demand, strategies, cluster); // warm up, prepare label arrays
        final long before = threads.getThreadAllocatedBytes(id);
        sink += run(composite, demand, strategies, cluster);
        final long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(sink > 0);
        // a few hundred bytes of slack for the counter itself; one object per call would be >= 16 * 100,000 bytes
        assertTrue(allocated < 4096, allocated + " bytes allocated in " + CALLS * strategies.length + " calls");
    }

    private static long run(final CompositeSchedulingPolicy composite, final long[] demand,
                            final SchedulingStrategy[] strategies, final Cluster cluster) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            for (final SchedulingStrategy strategy : strategies) {
                sum += composite.schedule(demand, strategy, cluster).node() + 1;
            }
        }
        return sum;
    }
}
