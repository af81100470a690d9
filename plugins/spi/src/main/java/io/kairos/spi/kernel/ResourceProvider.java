package io.kairos.spi.kernel;

import java.util.Map;

/**
 * Adds resources to logical nodes when the kernel starts: detected GPUs, custom accelerators, licences. The kernel
 * asks every provider once per node; a resource the node's own configuration names keeps the configured amount.
 */
public interface ResourceProvider {
    /** Resources (units, e.g. {"GPU": 2.0}) this provider contributes to the node with this id; empty for none. */
    Map<String, Double> resources(String nodeId);
}
