package io.kairos.ray;

import io.kairos.exception.KairosException;
import io.ray.api.id.PlacementGroupId;
import io.ray.api.placementgroup.PlacementGroup;
import io.ray.api.placementgroup.PlacementGroupState;
import io.ray.api.placementgroup.PlacementStrategy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Ray's {@link PlacementGroup} over the kernel's: the same bundles and strategy, reserved by the kernel. */
final class RayPlacementGroup implements PlacementGroup {
    final PlacementGroupId id;
    final String name;
    final List<Map<String, Double>> bundles;
    final PlacementStrategy strategy;
    final io.kairos.PlacementGroup group;
    volatile boolean removed;

    RayPlacementGroup(final PlacementGroupId id, final String name, final List<Map<String, Double>> bundles,
                      final PlacementStrategy strategy, final io.kairos.PlacementGroup group) {
        this.id = id;
        this.name = name;
        this.bundles = bundles;
        this.strategy = strategy;
        this.group = group;
    }

    @Override
    public PlacementGroupId getId() {
        return id;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public List<Map<String, Double>> getBundles() {
        return bundles;
    }

    @Override
    public PlacementStrategy getStrategy() {
        return strategy;
    }

    /**
     * PENDING until every bundle is reserved (and while no placement can ever satisfy it: Ray keeps such a group
     * pending too), then CREATED; REMOVED once removed.
     */
    @Override
    public PlacementGroupState getState() {
        if (removed) {
            return PlacementGroupState.REMOVED;
        }
        try {
            return group.ready(Duration.ZERO) ? PlacementGroupState.CREATED : PlacementGroupState.PENDING;
        } catch (final KairosException e) {
            return removed ? PlacementGroupState.REMOVED : PlacementGroupState.PENDING;
        }
    }

    /**
     * Waits until every bundle is reserved.
     *
     * @param timeoutSeconds how long to wait at most; 0 only checks
     * @return true once reserved; false after the timeout, for a group no placement can satisfy, or a removed one
     */
    @Override
    public boolean wait(final int timeoutSeconds) {
        if (removed) {
            return false;
        }
        try {
            return group.ready(Duration.ofSeconds(Math.max(0, timeoutSeconds)));
        } catch (final KairosException e) {
            RaySettings.LOG.log(System.Logger.Level.WARNING, "placement group " + id + " cannot be reserved: "
                + e.getMessage());
            return false;
        }
    }

    @Override
    public String toString() {
        return "PlacementGroup(" + id + (name != null ? ", " + name : "") + ", " + strategy + ", " + bundles.size()
            + " bundles)";
    }
}
