package io.kairos.spi.cluster;

import java.util.Map;

/**
 * A member of the cluster as the control store knows it: a kernel with resources to offer (a node) or none (a
 * driver, which submits work and owns its objects but runs none).
 *
 * @param nodeId    unique among the live members, e.g. "gpu-box-1"
 * @param resources what it offers, in units (e.g. {"CPU": 16.0, "GPU": 4.0}); empty for a driver
 * @param labels    its labels (e.g. {"zone": "a"})
 */
public record ClusterNode(String nodeId, Map<String, Double> resources, Map<String, String> labels) {
    public ClusterNode {
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("nodeId must be non-empty, was " + (nodeId == null ? "null" : "empty"));
        }
        resources = resources == null ? Map.of() : Map.copyOf(resources);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Whether it offers no resources: it runs no work. */
    public boolean isDriver() {
        for (final double amount : resources.values()) {
            if (amount > 0) {
                return false;
            }
        }
        return true;
    }
}
