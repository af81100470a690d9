package io.kairos.spi.scheduling;

import java.util.Map;

/**
 * What a policy sees of one node. Amounts are fixed point ({@link FixedPoint}), indexed by the cluster's resource
 * index ({@link ClusterView#resourceIndex(String)}). Valid only during the {@link SchedulingPolicy#schedule} call.
 */
public interface NodeView {
    /** This node's position in {@link ClusterView#node(int)}. */
    int index();

    /** A stable, unique id, e.g. "node-0". */
    String nodeId();

    Map<String, String> labels();

    long total(int resource);

    long available(int resource);

    /** Whether the demand fits now, fractional GPUs packed onto one device instance. */
    boolean fits(long[] demand);

    /** Whether the demand could ever fit, were the node idle. */
    boolean feasible(long[] demand);

    /**
     * The utilisation of the node's most used resource, 0.0 to 1.0, counting what is allocated now (Ray's "critical
     * resource utilisation"); resources the node has none of are ignored.
     */
    double utilization();
}
