package io.kairos.spi.kernel;

import java.util.Map;

/**
 * Adds resources and labels to logical nodes when the kernel starts: detected GPUs, custom accelerators, licences.
 * The kernel asks every provider once per node; a resource or label the node's own configuration names keeps the
 * configured value.
 */
public interface ResourceProvider {
    /** Resources (units, e.g. {"GPU": 2.0}) this provider contributes to the node with this id; empty for none. */
    Map<String, Double> resources(String nodeId);

    /** Labels (e.g. {"accelerator_type": "H100"}) this provider adds to the node with this id; none by default. */
    default Map<String, String> labels(final String nodeId) {
        return Map.of();
    }
}
