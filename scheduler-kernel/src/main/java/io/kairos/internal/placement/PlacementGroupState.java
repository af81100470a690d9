package io.kairos.internal.placement;

import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One placement group: its id, name, strategy and bundle demands (fixed point, bundle i at index i, numbered from 0
 * as in Ray), and where it stands: PENDING until {@link PlacementGroupScheduler#create} reserves every bundle
 * (CREATED, with the {@link Bundle}s), REMOVED once removed, or FAILED with the reason when it can never be placed.
 *
 * <p>Thread-safety: none; owned by the conductor. The factories validate on any thread.
 */
public final class PlacementGroupState {
    /**
     * The most bundles one group may have (a training gang of thousands of workers); a cluster's control store keeps
     * groups of up to its own limit (1,000 in kairos-cluster-aeron's PlacementGroupTable).
     */
    public static final int MAX_BUNDLES = 4096;

    public enum Status { PENDING, CREATED, REMOVED, FAILED }

    private final long id;
    private final String name;
    private final PlacementStrategy strategy;
    private final List<long[]> demands;
    private Status status = Status.PENDING;
    private String failureReason;
    private List<Bundle> bundles = List.of();

    private PlacementGroupState(final long id, final String name, final PlacementStrategy strategy,
                                final List<long[]> demands) {
        this.id = id;
        this.name = name;
        this.strategy = strategy;
        this.demands = demands;
    }

    /**
     * A pending group from bundles in units, e.g. {@code [{CPU=1, GPU=0.5}, {CPU=1, GPU=0.5}]}.
     *
     * @param name     null for an unnamed group, else non-blank
     * @param registry converts the bundles ({@link ResourceRegistry#demand})
     * @throws IllegalArgumentException naming the field and the limit: a blank name, no strategy, no bundles, more than
     *                                  {@value #MAX_BUNDLES}, a bundle that is null, empty or all zero ("bundle 2 asks
     *                                  for nothing"), or one with an unknown resource or a bad amount
     */
    public static PlacementGroupState create(final long id, final String name, final PlacementStrategy strategy,
                                             final List<Map<String, Double>> bundles,
                                             final ResourceRegistry registry) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("placement group name must be non-blank (null for an unnamed group), was '"
                + name + "'");
        }
        checkStrategyAndCount(strategy, bundles);
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        final List<long[]> demands = new ArrayList<>(bundles.size());
        for (int b = 0; b < bundles.size(); b++) {
            final Map<String, Double> bundle = bundles.get(b);
            if (bundle == null) {
                throw new IllegalArgumentException("bundle " + b + " must be a map of resource name to amount, was null");
            }
            final long[] demand;
            try {
                demand = registry.demand(bundle);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("bundle " + b + ": " + e.getMessage(), e);
            }
            demands.add(checkDemand(b, demand));
        }
        return new PlacementGroupState(id, name == null ? "" : name, strategy, Collections.unmodifiableList(demands));
    }

    /**
     * A pending group from fixed-point bundle demands (copied).
     *
     * @throws IllegalArgumentException as {@link #create}, and for a negative amount
     */
    public static PlacementGroupState ofDemands(final long id, final String name, final PlacementStrategy strategy,
                                                final List<long[]> bundles) {
        checkStrategyAndCount(strategy, bundles);
        final List<long[]> demands = new ArrayList<>(bundles.size());
        for (int b = 0; b < bundles.size(); b++) {
            final long[] demand = bundles.get(b);
            if (demand == null) {
                throw new IllegalArgumentException("bundle " + b + " must be an array of fixed-point amounts, was null");
            }
            for (int r = 0; r < demand.length; r++) {
                if (demand[r] < 0) {
                    throw new IllegalArgumentException("bundle " + b + " resource #" + r + " amount " + demand[r]
                        + " is negative");
                }
            }
            demands.add(checkDemand(b, demand.clone()));
        }
        return new PlacementGroupState(id, name == null ? "" : name, strategy, Collections.unmodifiableList(demands));
    }

    private static void checkStrategyAndCount(final PlacementStrategy strategy, final List<?> bundles) {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must be one of PACK, SPREAD, STRICT_PACK, STRICT_SPREAD, was null");
        }
        if (bundles == null) {
            throw new IllegalArgumentException("bundles must be a list of at least one bundle, was null");
        }
        if (bundles.isEmpty()) {
            throw new IllegalArgumentException("bundles must hold at least one bundle, was empty");
        }
        if (bundles.size() > MAX_BUNDLES) {
            throw new IllegalArgumentException("bundles holds " + bundles.size() + " bundles; the limit is "
                + MAX_BUNDLES);
        }
    }

    private static long[] checkDemand(final int bundle, final long[] demand) {
        for (final long amount : demand) {
            if (amount > 0) {
                return demand;
            }
        }
        throw new IllegalArgumentException("bundle " + bundle + " asks for nothing");
    }

    public long id() {
        return id;
    }

    /** The group's name; empty if unnamed. */
    public String name() {
        return name;
    }

    public PlacementStrategy strategy() {
        return strategy;
    }

    public int bundleCount() {
        return demands.size();
    }

    /** A copy of one bundle's fixed-point demand. */
    public long[] bundleDemand(final int bundle) {
        return demands.get(bundle).clone();
    }

    /** The bundles' fixed-point demands: a read-only list of the internal arrays; do not modify them. */
    public List<long[]> bundleDemands() {
        return demands;
    }

    public Status status() {
        return status;
    }

    /** Why the group failed, for {@link Status#FAILED}; null otherwise. */
    public String failureReason() {
        return failureReason;
    }

    /** The reserved bundles in bundle order while {@link Status#CREATED}; empty otherwise. */
    public List<Bundle> bundles() {
        return bundles;
    }

    /**
     * One reserved bundle.
     *
     * @throws IllegalStateException if the group is not {@link Status#CREATED}
     */
    public Bundle bundle(final int bundle) {
        if (status != Status.CREATED) {
            throw new IllegalStateException("placement group " + id + " is " + status + ", its bundles are not reserved");
        }
        return bundles.get(bundle);
    }

    /**
     * Marks a pending group FAILED, e.g. when it can never be placed.
     *
     * @throws IllegalStateException if it is not PENDING
     */
    public void markFailed(final String reason) {
        checkPending("fail");
        status = Status.FAILED;
        failureReason = reason == null || reason.isEmpty() ? "placement group " + id + " failed" : reason;
    }

    void markCreated(final List<Bundle> reserved) {
        checkPending("create");
        bundles = Collections.unmodifiableList(new ArrayList<>(reserved));
        status = Status.CREATED;
    }

    /**
     * Puts a new reservation in place of a bundle whose node left the cluster ({@link Bundle#lose}).
     *
     * @throws IllegalStateException if the group is not CREATED or that bundle was not lost
     */
    public void replaceLostBundle(final Bundle bundle) {
        final Bundle old = bundle(bundle.index());
        if (!old.isReturned()) {
            throw new IllegalStateException("placement group " + id + ": bundle " + bundle.index() + " on "
                + old.node().nodeId() + " is still reserved");
        }
        final List<Bundle> next = new ArrayList<>(bundles);
        next.set(bundle.index(), bundle);
        bundles = Collections.unmodifiableList(next);
    }

    void markRemoved() {
        bundles = List.of();
        status = Status.REMOVED;
    }

    void checkPending(final String action) {
        if (status != Status.PENDING) {
            throw new IllegalStateException("cannot " + action + " placement group " + id + " ('" + name + "'): it is "
                + status + (failureReason == null ? "" : " (" + failureReason + ")"));
        }
    }

    @Override
    public String toString() {
        return "PlacementGroup(" + id + (name.isEmpty() ? "" : " '" + name + "'") + ", " + strategy + ", "
            + demands.size() + " bundles, " + status + (failureReason == null ? "" : ": " + failureReason) + ")";
    }
}
