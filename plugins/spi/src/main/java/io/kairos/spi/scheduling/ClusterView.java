package io.kairos.spi.scheduling;

/** The nodes a policy chooses among. Valid only during the {@link SchedulingPolicy#schedule} call. */
public interface ClusterView {
    int nodeCount();

    NodeView node(int index);

    /** The node the request comes from (the caller's node), preferred by the hybrid policy. */
    int localNodeIndex();

    /** The index of a resource name in demand arrays, or -1 if no node has heard of it. */
    int resourceIndex(String name);

    String resourceName(int index);

    int resourceCount();

    /** A random int in [0, bound) from the kernel's seeded source, so deterministic tests stay deterministic. */
    int randomInt(int bound);
}
