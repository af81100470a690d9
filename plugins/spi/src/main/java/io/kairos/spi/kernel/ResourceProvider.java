package io.kairos.spi.kernel;

import java.util.List;
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

    /**
     * The GPU memory in bytes of each GPU this provider contributes to the node, in device order, for devices of
     * different sizes; empty (the default) to have the node's {@code GPU_memory} split evenly over its GPUs. Lists of
     * several providers are joined in provider order; they are used when they name one amount per GPU of the node and
     * add up to its GPU_memory.
     */
    default List<Double> gpuMemoryByDevice(final String nodeId) {
        return List.of();
    }
}
