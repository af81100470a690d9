/**
 * Placement groups: the built-in {@link io.kairos.spi.scheduling.BundlePlacementPolicy} per
 * {@link io.kairos.spi.scheduling.PlacementStrategy}, the {@link io.kairos.internal.placement.PlacementGroupState}
 * of each group, the {@link io.kairos.internal.placement.Bundle} reservations on logical nodes and the tasks running
 * inside them, and the {@link io.kairos.internal.placement.PlacementGroupScheduler} that places, reserves and
 * removes groups all-or-nothing. Owned by the conductor thread.
 */
package io.kairos.internal.placement;
