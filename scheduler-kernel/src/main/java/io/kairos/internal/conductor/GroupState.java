package io.kairos.internal.conductor;

import io.kairos.internal.placement.Bundle;
import io.kairos.internal.placement.PlacementGroupState;

/**
 * A placement group as the kernel keeps it: its bundles and reservation ({@link PlacementGroupState}), the object
 * that is done once it is reserved or has failed, and, for the conductor only, whether it is being removed.
 */
public final class GroupState {
    final KernelCore core;
    final PlacementGroupState state;
    final ObjectState readiness;
    /** The public handle of this group, made once (named groups are looked up again by name). */
    private volatile Object handle;

    // --- conductor ---
    boolean removing;

    GroupState(final KernelCore core, final PlacementGroupState state, final ObjectState readiness) {
        this.core = core;
        this.state = state;
        this.readiness = readiness;
    }

    public long id() {
        return state.id();
    }

    public PlacementGroupState state() {
        return state;
    }

    /** Done once every bundle is reserved, or failed. */
    public ObjectState readiness() {
        return readiness;
    }

    public KernelCore core() {
        return core;
    }

    public synchronized Object handle(final java.util.function.Function<GroupState, Object> make) {
        if (handle == null) {
            handle = make.apply(this);
        }
        return handle;
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
        return state.toString();
    }
}
