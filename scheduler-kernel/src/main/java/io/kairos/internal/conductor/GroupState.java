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
    /** In a cluster: the reservations being confirmed by the members and the control store, or null. */
    ClusterGroups.Attempt attempt;
    /** In a cluster: when the group's owner first tried to place it, and not to try again before. */
    long firstTryNs;
    long retryAtNs;
    boolean tried;

    /** A bundle this member holds for another member's group (negative id), not a group of this kernel. */
    boolean hosted() {
        return state.id() < 0;
    }

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

    /**
     * Checks that a task or actor's demand fits the bundle it asks for (any bundle for -1).
     *
     * @throws io.kairos.exception.UnschedulableException   naming the bundle and the resource that does not fit
     * @throws IllegalArgumentException if the group belongs to another kernel
     */
    public void checkBundle(final KernelCore kernel, final int bundleIndex, final long[] demand, final String who) {
        final GroupState group = this;
        if (group.core != kernel) {
            throw new IllegalArgumentException(who + ": placement group " + group.id() + " belongs to another kernel");
        }
        final int from = bundleIndex < 0 ? 0 : bundleIndex;
        final int to = bundleIndex < 0 ? group.state.bundleCount() - 1 : bundleIndex;
        String reason = null;
        for (int b = from; b <= to; b++) {
            reason = exceeds(kernel, demand, group.state.bundleDemand(b), b);
            if (reason == null) {
                return;
            }
        }
        throw new io.kairos.exception.UnschedulableException(who + ": " + (bundleIndex < 0 ? "no bundle of placement group " + group.id()
            + " can hold it; e.g. " : "") + reason);
    }

    private static String exceeds(final KernelCore kernel, final long[] demand, final long[] bundle, final int index) {
        for (int r = 0; r < demand.length; r++) {
            final long held = r < bundle.length ? bundle[r] : 0;
            if (demand[r] > held) {
                return "bundle " + index + " holds " + kernel.registryName(r) + " " + io.kairos.internal.cluster.ResourceRegistry.format(held)
                    + ", asked for " + io.kairos.internal.cluster.ResourceRegistry.format(demand[r]);
            }
        }
        return null;
    }
}
