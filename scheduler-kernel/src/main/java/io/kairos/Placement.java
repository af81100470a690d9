package io.kairos;

import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The options a task call and an actor share: resources, strategy, placement group bundle. Validated as set. */
final class Placement {
    private final Map<String, Double> defaults;
    Map<String, Double> resources;  // null: the defaults, shared
    SchedulingStrategy strategy = SchedulingStrategy.DEFAULT;
    PlacementGroup group;
    int bundleIndex = -1;

    /** @param defaults what is asked for when setResource is never called (task: 1 CPU; actor: nothing) */
    Placement(final Map<String, Double> defaults) {
        this.defaults = defaults;
    }

    /** The resources asked for, or null when they are the defaults (the kernel caches the defaults' demand). */
    Map<String, Double> resourcesOrNull() {
        return resources;
    }

    void resource(final String resource, final Double amount) {
        if (resource == null) {
            throw new IllegalArgumentException("resource name is null");
        }
        if (amount == null || !Double.isFinite(amount) || amount < 0) {
            throw new IllegalArgumentException("resource '" + resource + "' amount " + amount + " must be finite and >= 0");
        }
        if (resources == null) {
            resources = new LinkedHashMap<>(defaults);
        }
        resources.put(resource, amount);
    }

    void resources(final Map<String, Double> amounts) {
        Objects.requireNonNull(amounts, "resources").forEach(this::resource);
    }

    void strategy(final SchedulingStrategy strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    void placementGroup(final PlacementGroup group, final int bundleIndex) {
        if (group == null) {
            throw new IllegalArgumentException("placement group is null");
        }
        if (bundleIndex < -1 || bundleIndex >= group.bundleCount()) {
            throw new IllegalArgumentException("bundleIndex " + bundleIndex + " is outside -1.." + (group.bundleCount() - 1));
        }
        this.group = group;
        this.bundleIndex = bundleIndex;
    }
}
