package io.kairos.spi.scheduling;

/**
 * A policy's answer: run on a node, wait (feasible but no node has room now), or infeasible (no node can ever
 * satisfy it, with the reason naming the resource or constraint). Named factories, as Ray's.
 */
public final class SchedulingResult {
    private static final int MAX_CACHED = 1024;
    private static final SchedulingResult[] SUCCESS = new SchedulingResult[MAX_CACHED];
    private static final SchedulingResult UNAVAILABLE = new SchedulingResult(Status.UNAVAILABLE, -1, null);

    static {
        for (int i = 0; i < MAX_CACHED; i++) {
            SUCCESS[i] = new SchedulingResult(Status.SUCCESS, i, null);
        }
    }

    public enum Status { SUCCESS, UNAVAILABLE, INFEASIBLE }

    private final Status status;
    private final int node;
    private final String reason;

    private SchedulingResult(final Status status, final int node, final String reason) {
        this.status = status;
        this.node = node;
        this.reason = reason;
    }

    /** Run on the node at this index (no allocation for the first 1,024 nodes). */
    public static SchedulingResult success(final int node) {
        return node >= 0 && node < MAX_CACHED ? SUCCESS[node] : new SchedulingResult(Status.SUCCESS, node, null);
    }

    /** Feasible, but no node fits it now: the request waits. */
    public static SchedulingResult unavailable() {
        return UNAVAILABLE;
    }

    /** No node can ever satisfy the request; reason names the resource or constraint and the limit. */
    public static SchedulingResult infeasible(final String reason) {
        return new SchedulingResult(Status.INFEASIBLE, -1, reason);
    }

    public Status status() {
        return status;
    }

    public boolean isSuccess() {
        return status == Status.SUCCESS;
    }

    /** The chosen node's index, for {@link Status#SUCCESS}. */
    public int node() {
        return node;
    }

    /** Why it is infeasible, for {@link Status#INFEASIBLE}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return status == Status.SUCCESS ? "Success(" + node + ")" : status == Status.INFEASIBLE ? "Infeasible(" + reason + ")" : "Unavailable";
    }
}
