package io.kairos.internal.placement;

import io.kairos.internal.cluster.Cluster;
import io.kairos.spi.scheduling.BundlePlacementPolicy;
import io.kairos.spi.scheduling.BundlePlacementResult;
import io.kairos.spi.scheduling.PlacementStrategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Places, reserves and removes placement groups, all-or-nothing. Every {@link PlacementStrategy} has a built-in
 * policy ({@link PackBundlePolicy}, {@link SpreadBundlePolicy}, {@link StrictPackBundlePolicy},
 * {@link StrictSpreadBundlePolicy}); a plugin policy given for a strategy replaces the built-in one.
 *
 * <p>A policy's answer is checked: an exception, null, a node count other than the bundle count, a node index
 * outside the cluster, or a STRICT_PACK / STRICT_SPREAD answer that breaks its strategy becomes Infeasible with a
 * reason naming the policy, so a faulty plugin fails the group, never the conductor. Plugin policies get copies of
 * the demands.
 *
 * <p>Reserving: the bundles are reserved in the canonical GPU order (largest GPU share first, then most GPU memory,
 * ties by bundle index), the order the built-in policies pack GPU demands in, so a placement they found fits exactly; if any reservation fails anyway, those
 * made are returned and the group stays PENDING.
 *
 * <p>Thread-safety: none; owned by the conductor.
 */
public final class PlacementGroupScheduler {
    private static final PlacementStrategy[] STRATEGIES = PlacementStrategy.values();

    private final BundlePlacementPolicy[] policies = new BundlePlacementPolicy[STRATEGIES.length];
    private final boolean[] builtIn = new boolean[STRATEGIES.length];

    /** The built-in policies. */
    public PlacementGroupScheduler() {
        this(List.of());
    }

    /**
     * @param overrides plugin policies, each replacing the built-in one for its {@link BundlePlacementPolicy#strategy()}
     * @throws IllegalArgumentException if an override is null, serves no strategy, or two serve the same one
     */
    public PlacementGroupScheduler(final Collection<? extends BundlePlacementPolicy> overrides) {
        if (overrides == null) {
            throw new IllegalArgumentException("overrides must be a collection of bundle placement policies, was null");
        }
        for (final BundlePlacementPolicy policy : overrides) {
            if (policy == null) {
                throw new IllegalArgumentException("bundle placement policy overrides must not contain null");
            }
            final PlacementStrategy strategy = policy.strategy();
            if (strategy == null) {
                throw new IllegalArgumentException("bundle placement policy " + policy.getClass().getName()
                    + " serves no strategy (strategy() returned null)");
            }
            final BundlePlacementPolicy other = policies[strategy.ordinal()];
            if (other != null) {
                throw new IllegalArgumentException("bundle placement policies " + other.getClass().getName() + " and "
                    + policy.getClass().getName() + " both serve " + strategy);
            }
            policies[strategy.ordinal()] = policy;
        }
        fillDefault(new PackBundlePolicy());
        fillDefault(new SpreadBundlePolicy());
        fillDefault(new StrictPackBundlePolicy());
        fillDefault(new StrictSpreadBundlePolicy());
    }

    private void fillDefault(final BundlePlacementPolicy policy) {
        final int i = policy.strategy().ordinal();
        if (policies[i] == null) {
            policies[i] = policy;
            builtIn[i] = true;
        }
    }

    /** The policy serving a strategy. */
    public BundlePlacementPolicy policy(final PlacementStrategy strategy) {
        return policies[strategy.ordinal()];
    }

    /**
     * Chooses a node per bundle of a pending group, reserving nothing.
     *
     * @throws IllegalStateException if the group is not PENDING
     */
    public BundlePlacementResult place(final PlacementGroupState pg, final Cluster cluster) {
        pg.checkPending("place");
        final int i = pg.strategy().ordinal();
        final BundlePlacementPolicy policy = policies[i];
        final List<long[]> demands = builtIn[i] ? pg.bundleDemands() : copies(pg.bundleDemands());
        final BundlePlacementResult result;
        try {
            result = policy.place(demands, cluster);
        } catch (final RuntimeException e) {
            return failed(policy, pg, "failed: " + e);
        }
        if (result == null) {
            return failed(policy, pg, "returned null");
        }
        if (!result.isSuccess()) {
            return result;
        }
        if (result.bundleCount() != pg.bundleCount()) {
            return failed(policy, pg, "placed " + result.bundleCount() + " bundles of " + pg.bundleCount());
        }
        final int[] nodes = result.nodePerBundle();
        for (int b = 0; b < nodes.length; b++) {
            if (nodes[b] >= cluster.nodeCount()) {
                return failed(policy, pg, "chose node " + nodes[b] + " for bundle " + b + "; the cluster has nodes 0.."
                    + (cluster.nodeCount() - 1));
            }
        }
        if (pg.strategy() == PlacementStrategy.STRICT_PACK && Arrays.stream(nodes).distinct().count() != 1) {
            return failed(policy, pg, "put the bundles on more than one node: " + Arrays.toString(nodes));
        }
        if (pg.strategy() == PlacementStrategy.STRICT_SPREAD && Arrays.stream(nodes).distinct().count() != nodes.length) {
            return failed(policy, pg, "put two bundles on one node: " + Arrays.toString(nodes));
        }
        return result;
    }

    /**
     * Places a pending group and reserves all its bundles at once, marking it CREATED.
     *
     * @return true if created; false if it must wait (it stays PENDING, nothing reserved) or can never be placed (it
     *         is marked FAILED with the reason)
     * @throws IllegalStateException if the group is not PENDING
     */
    public boolean create(final PlacementGroupState pg, final Cluster cluster) {
        return reserve(pg, cluster, place(pg, cluster));
    }

    /** {@link #create} with the placement already made by {@link #place} on the cluster as it is now. */
    boolean reserve(final PlacementGroupState pg, final Cluster cluster, final BundlePlacementResult result) {
        if (result.status() == BundlePlacementResult.Status.INFEASIBLE) {
            pg.markFailed("placement group " + pg.id() + (pg.name().isEmpty() ? "" : " '" + pg.name() + "'") + ": "
                + result.reason());
            return false;
        }
        if (!result.isSuccess()) {
            return false;
        }
        final Bundle[] bundles = reserveBundles(pg, cluster, result);
        if (bundles == null) {
            return false;
        }
        pg.markCreated(Arrays.asList(bundles));
        return true;
    }

    /**
     * Reserves every bundle of a pending group where a successful placement put it, leaving the group PENDING (a
     * cluster member confirms the reservations first, then {@link #markReserved}).
     *
     * @return the bundles in bundle order, or null (nothing reserved) if one does not fit now
     */
    public Bundle[] reserveBundles(final PlacementGroupState pg, final Cluster cluster,
                                   final BundlePlacementResult result) {
        final List<long[]> demands = pg.bundleDemands();
        final Integer[] order = new Integer[demands.size()];
        for (int b = 0; b < order.length; b++) {
            order[b] = b;
        }
        Arrays.sort(order, (a, b) -> {
            final int c = PlacementScratch.canonicalOrder(demands.get(a), demands.get(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        final Bundle[] bundles = new Bundle[order.length];
        for (final int b : order) {
            final Bundle bundle = Bundle.reserve(cluster.logicalNode(result.node(b)), b, demands.get(b));
            if (bundle == null) {
                for (final Bundle made : bundles) {
                    if (made != null) {
                        made.returnToNode();
                    }
                }
                return null;
            }
            bundles[b] = bundle;
        }
        return bundles;
    }

    /** Marks a pending group CREATED with the bundles {@link #reserveBundles} reserved. */
    public void markReserved(final PlacementGroupState pg, final Bundle[] bundles) {
        pg.markCreated(Arrays.asList(bundles));
    }

    /**
     * Removes a group: returns every reserved bundle to its node and marks it REMOVED. Removing a REMOVED group does
     * nothing.
     *
     * @throws IllegalStateException if a task still runs in one of its bundles (nothing is returned then)
     */
    public void remove(final PlacementGroupState pg) {
        if (pg.status() == PlacementGroupState.Status.REMOVED) {
            return;
        }
        final List<Bundle> bundles = pg.bundles();
        for (final Bundle bundle : bundles) {
            if (bundle.taskCount() > 0) {
                throw new IllegalStateException("cannot remove placement group " + pg.id() + ": bundle "
                    + bundle.index() + " on " + bundle.node().nodeId() + " still has " + bundle.taskCount()
                    + " task(s) running in it");
            }
        }
        for (final Bundle bundle : bundles) {
            if (!bundle.isReturned()) {
                bundle.returnToNode();
            }
        }
        pg.markRemoved();
    }

    private static BundlePlacementResult failed(final BundlePlacementPolicy policy, final PlacementGroupState pg,
                                                final String what) {
        return BundlePlacementResult.infeasible("bundle placement policy " + policy.getClass().getName() + " " + what
            + " for " + pg.strategy());
    }

    private static List<long[]> copies(final List<long[]> demands) {
        final List<long[]> copies = new ArrayList<>(demands.size());
        for (final long[] demand : demands) {
            copies.add(demand.clone());
        }
        return List.copyOf(copies);
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("PlacementGroupScheduler(");
        for (int i = 0; i < STRATEGIES.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(STRATEGIES[i]).append('=').append(policies[i]);
        }
        return sb.append(')').toString();
    }
}
