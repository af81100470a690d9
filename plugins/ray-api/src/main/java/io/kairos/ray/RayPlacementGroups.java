package io.kairos.ray;

import io.kairos.spi.scheduling.PlacementStrategy;
import io.ray.api.exception.RayException;
import io.ray.api.id.PlacementGroupId;
import io.ray.api.options.PlacementGroupCreationOptions;
import io.ray.api.placementgroup.PlacementGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime's placement groups: Ray's creation options as the kernel's placement group, and the groups this runtime
 * made, by Ray id, for lookup, removal and waiting.
 */
final class RayPlacementGroups {
    private final KairosRayRuntime runtime;
    private final Map<PlacementGroupId, RayPlacementGroup> groups = new ConcurrentHashMap<>();

    RayPlacementGroups(final KairosRayRuntime runtime) {
        this.runtime = runtime;
    }

    PlacementGroup create(final PlacementGroupCreationOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("creation options are null");
        }
        if (options.strategy == null) {
            throw new IllegalArgumentException("placement group strategy is null");
        }
        final PlacementStrategy strategy;
        switch (options.strategy) {
            case PACK:
                strategy = PlacementStrategy.PACK;
                break;
            case SPREAD:
                strategy = PlacementStrategy.SPREAD;
                break;
            case STRICT_PACK:
                strategy = PlacementStrategy.STRICT_PACK;
                break;
            case STRICT_SPREAD:
                strategy = PlacementStrategy.STRICT_SPREAD;
                break;
            default:
                throw new IllegalArgumentException("placement group strategy " + options.strategy
                    + " is not one of PACK, SPREAD, STRICT_PACK, STRICT_SPREAD");
        }
        final List<Map<String, Double>> bundles = new ArrayList<>();
        if (options.bundles != null) {
            for (final Map<String, Double> bundle : options.bundles) {
                bundles.add(bundle == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(bundle)));
            }
        }
        final boolean named = options.name != null && !options.name.isEmpty();
        try {
            final io.kairos.PlacementGroup group = runtime.kernel.createPlacementGroup(
                named ? runtime.kernelName(null, options.name) : null, bundles, strategy);
            final RayPlacementGroup pg = new RayPlacementGroup(RayIds.placementGroupId(group.id(), runtime.jobId),
                named ? options.name : null, Collections.unmodifiableList(bundles), options.strategy, group);
            groups.put(pg.id, pg);
            return pg;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    PlacementGroup get(final PlacementGroupId id) {
        return groups.get(id);
    }

    PlacementGroup named(final String name, final String namespace) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        return runtime.kernel.getPlacementGroup(runtime.kernelName(namespace, name))
            .map(group -> (PlacementGroup) groups.get(RayIds.placementGroupId(group.id(), runtime.jobId)))
            .orElse(null);
    }

    List<PlacementGroup> all() {
        return new ArrayList<>(groups.values());
    }

    void remove(final PlacementGroupId id) {
        final RayPlacementGroup pg = existing(id);
        try {
            runtime.kernel.removePlacementGroup(pg.group);
            pg.removed = true;
        } catch (final RuntimeException e) {
            throw RayErrors.toRay(e, null);
        }
    }

    boolean waitReady(final PlacementGroupId id, final int timeoutSeconds) {
        return existing(id).wait(timeoutSeconds);
    }

    void clear() {
        groups.clear();
    }

    private RayPlacementGroup existing(final PlacementGroupId id) {
        final RayPlacementGroup pg = groups.get(id);
        if (pg == null) {
            throw new RayException("placement group " + id + " does not exist");
        }
        return pg;
    }

    /** The group as this runtime's, for a task's or an actor's placement. */
    static RayPlacementGroup own(final PlacementGroup group) {
        if (!(group instanceof RayPlacementGroup)) {
            throw new IllegalArgumentException("placement group " + group + " is not one of this Ray runtime");
        }
        return (RayPlacementGroup) group;
    }
}
