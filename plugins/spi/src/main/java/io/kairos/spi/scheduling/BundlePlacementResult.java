package io.kairos.spi.scheduling;

import java.util.Arrays;

/**
 * A {@link BundlePlacementPolicy}'s answer: a node for each bundle, wait (the bundles could all fit, but not now),
 * or infeasible (they never can, with the reason naming the resource or the constraint and its limit). Named
 * factories, as Ray's. Immutable.
 */
public final class BundlePlacementResult {
    private static final BundlePlacementResult UNAVAILABLE = new BundlePlacementResult(Status.UNAVAILABLE, null, null);

    public enum Status { SUCCESS, UNAVAILABLE, INFEASIBLE }

    private final Status status;
    private final int[] nodes;
    private final String reason;

    private BundlePlacementResult(final Status status, final int[] nodes, final String reason) {
        this.status = status;
        this.nodes = nodes;
        this.reason = reason;
    }

    /**
     * Bundle i goes on the node at index {@code nodePerBundle[i]} (the array is copied).
     *
     * @throws IllegalArgumentException if the array is null or empty, or holds a negative node index
     */
    public static BundlePlacementResult success(final int[] nodePerBundle) {
        if (nodePerBundle == null || nodePerBundle.length == 0) {
            throw new IllegalArgumentException("nodePerBundle must name a node for each bundle, was "
                + (nodePerBundle == null ? "null" : "empty"));
        }
        for (int i = 0; i < nodePerBundle.length; i++) {
            if (nodePerBundle[i] < 0) {
                throw new IllegalArgumentException("nodePerBundle[" + i + "] is " + nodePerBundle[i]
                    + "; node indices are >= 0");
            }
        }
        return new BundlePlacementResult(Status.SUCCESS, nodePerBundle.clone(), null);
    }

    /** The bundles could all fit together, but not now: the group waits. */
    public static BundlePlacementResult unavailable() {
        return UNAVAILABLE;
    }

    /**
     * The bundles can never all be placed, e.g. "STRICT_SPREAD needs 4 distinct nodes, the cluster has 3".
     *
     * @throws IllegalArgumentException if the reason is null or empty
     */
    public static BundlePlacementResult infeasible(final String reason) {
        if (reason == null || reason.isEmpty()) {
            throw new IllegalArgumentException("an infeasible placement needs a reason, was "
                + (reason == null ? "null" : "empty"));
        }
        return new BundlePlacementResult(Status.INFEASIBLE, null, reason);
    }

    public Status status() {
        return status;
    }

    public boolean isSuccess() {
        return status == Status.SUCCESS;
    }

    /** How many bundles are placed, for {@link Status#SUCCESS}; 0 otherwise. */
    public int bundleCount() {
        return nodes == null ? 0 : nodes.length;
    }

    /**
     * The node index chosen for a bundle, for {@link Status#SUCCESS}.
     *
     * @throws IllegalStateException     if the result is not a success
     * @throws IndexOutOfBoundsException if bundle is outside 0..bundleCount()-1
     */
    public int node(final int bundle) {
        if (nodes == null) {
            throw new IllegalStateException("no nodes in a result that is " + status);
        }
        return nodes[bundle];
    }

    /** A copy of the node index per bundle, for {@link Status#SUCCESS}; an empty array otherwise. */
    public int[] nodePerBundle() {
        return nodes == null ? new int[0] : nodes.clone();
    }

    /** Why it is infeasible, for {@link Status#INFEASIBLE}; null otherwise. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return status == Status.SUCCESS ? "Success" + Arrays.toString(nodes)
            : status == Status.INFEASIBLE ? "Infeasible(" + reason + ")" : "Unavailable";
    }
}
