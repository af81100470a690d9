package io.kairos;

import io.kairos.internal.placement.Bundle;
import io.kairos.internal.placement.PlacementGroupState;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.time.Duration;

/**
 * A placement group: bundles of resources reserved together on nodes by a {@link PlacementStrategy}, as Ray's.
 * Tasks and actors run inside a bundle with {@code setPlacementGroup(group, bundleIndex)} and take their resources
 * from its reservation. Created by {@link Kernel#createPlacementGroup}; {@link #ready(Duration)} waits until it
 * is reserved; {@link Kernel#removePlacementGroup} gives the resources back.
 */
public final class PlacementGroup {
    final Kernel kernel;
    final PlacementGroupState state;
    final ObjectState readiness;

    // --- conductor ---
    boolean removing;

    PlacementGroup(final Kernel kernel, final PlacementGroupState state, final ObjectState readiness) {
        this.kernel = kernel;
        this.state = state;
        this.readiness = readiness;
    }

    public long id() {
        return state.id();
    }

    /** The group's name, or null. */
    public String name() {
        return state.name();
    }

    public PlacementStrategy strategy() {
        return state.strategy();
    }

    public int bundleCount() {
        return state.bundleCount();
    }

    /**
     * Waits until every bundle is reserved.
     *
     * @return true once reserved; false if timeout passed first (the group still waits for room)
     * @throws UnschedulableException if no placement can ever satisfy it (e.g. STRICT_SPREAD over too few nodes)
     * @throws KairosException        if it was removed before it was reserved
     */
    public boolean ready(final Duration timeout) {
        final long deadline = Kernel.deadline(timeout, "timeout");
        if (!readiness.isDone()) {
            kernel.awaitDone(readiness, deadline);
        }
        if (readiness.status() == ObjectState.FAILED) {
            throw readiness.error();
        }
        return readiness.status() == ObjectState.READY;
    }

    /** The bundle a task asked for: its index, or the first that fits for -1. Conductor only. */
    Bundle bundleFor(final int bundleIndex, final long[] demand) {
        if (bundleIndex >= 0) {
            return state.bundle(bundleIndex);
        }
        for (final Bundle bundle : state.bundles()) {
            if (bundle.fits(demand)) {
                return bundle;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PlacementGroup(" + state + ")";
    }
}
