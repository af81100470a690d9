package io.kairos;

import io.kairos.exception.KairosException;
import io.kairos.exception.UnschedulableException;
import io.kairos.internal.conductor.GroupState;
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
    final GroupState group;

    PlacementGroup(final Kernel kernel, final GroupState group) {
        this.kernel = kernel;
        this.group = group;
    }

    /**
     * This group's id.
     *
     * @return the id, unique within its kernel
     */
    public long id() {
        return group.id();
    }

    /**
     * The group's name.
     *
     * @return the name given at creation, or null for an unnamed group
     */
    public String name() {
        return group.state().name();
    }

    /**
     * How the bundles are spread over nodes.
     *
     * @return the strategy given at creation
     */
    public PlacementStrategy strategy() {
        return group.state().strategy();
    }

    /**
     * The number of bundles; a bundle index runs from 0 to this minus 1.
     *
     * @return the number of bundles, &gt;= 1
     */
    public int bundleCount() {
        return group.state().bundleCount();
    }

    /**
     * Waits until every bundle is reserved.
     *
     * @param timeout how long to wait at most, not null or negative (zero: only checks)
     * @return true once reserved; false if timeout passed first (the group still waits for room)
     * @throws UnschedulableException if no placement can ever satisfy it (e.g. STRICT_SPREAD over too few nodes)
     * @throws KairosException        if it was removed before it was reserved
     * @throws IllegalArgumentException if timeout is null or negative
     */
    public boolean ready(final Duration timeout) {
        final long deadline = Kernel.deadline(timeout, "timeout");
        final ObjectRef<?> readiness = (ObjectRef<?>) group.readiness();  // the kernel's objects are ObjectRefs
        if (!readiness.isReady()) {
            readiness.waitUntil(deadline);
        }
        final RuntimeException failure = readiness.failure();
        if (failure != null) {
            throw failure;
        }
        return readiness.isReady();
    }

    @Override
    public String toString() {
        return "PlacementGroup(" + group + ")";
    }
}
