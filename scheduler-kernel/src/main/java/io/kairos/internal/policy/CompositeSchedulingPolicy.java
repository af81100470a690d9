package io.kairos.internal.policy;

import io.kairos.spi.scheduling.ClusterView;
import io.kairos.spi.scheduling.SchedulingPolicy;
import io.kairos.spi.scheduling.SchedulingResult;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.Map;

/**
 * Dispatches each request to the policy for its strategy's {@link SchedulingStrategy.Kind}, as Ray's
 * composite_scheduling_policy.h. Every kind has a built-in policy (hybrid, spread, node affinity, node labels); a
 * plugin policy given for a kind replaces the built-in one, and soft node affinity falls back to whichever policy
 * serves DEFAULT.
 *
 * <p>A policy's answer is checked: a null result, a node index outside the cluster or an exception becomes
 * Infeasible with a reason naming the policy, so a faulty plugin fails the request, never the conductor.
 * Conductor thread only; no allocation on the success path.
 */
public final class CompositeSchedulingPolicy implements SchedulingPolicy {
    private static final SchedulingStrategy.Kind[] KINDS = SchedulingStrategy.Kind.values();

    private final SchedulingPolicy[] policies = new SchedulingPolicy[KINDS.length];

    /** The built-in policies, the hybrid one with Ray's defaults. */
    public CompositeSchedulingPolicy() {
        this(Map.of());
    }

    /** @param overrides policies replacing the built-in one for their kind */
    public CompositeSchedulingPolicy(final Map<SchedulingStrategy.Kind, SchedulingPolicy> overrides) {
        this(overrides, HybridSchedulingPolicy.DEFAULT_SPREAD_THRESHOLD, HybridSchedulingPolicy.DEFAULT_TOP_K_FRACTION);
    }

    /**
     * @param overrides       policies replacing the built-in one for their kind
     * @param spreadThreshold for the built-in hybrid policy
     * @param topKFraction    for the built-in hybrid policy
     * @throws IllegalArgumentException if an override is null or serves another kind than it is given for
     */
    public CompositeSchedulingPolicy(final Map<SchedulingStrategy.Kind, SchedulingPolicy> overrides,
                                     final double spreadThreshold, final double topKFraction) {
        if (overrides == null) {
            throw new IllegalArgumentException("overrides must be a map of kind to policy, was null");
        }
        for (final Map.Entry<SchedulingStrategy.Kind, SchedulingPolicy> entry : overrides.entrySet()) {
            final SchedulingStrategy.Kind kind = entry.getKey();
            final SchedulingPolicy policy = entry.getValue();
            if (kind == null || policy == null) {
                throw new IllegalArgumentException("scheduling policy override must name a kind and a policy, got "
                    + kind + " -> " + policy);
            }
            if (policy.kind() != kind) {
                throw new IllegalArgumentException("scheduling policy " + policy.getClass().getName() + " serves "
                    + policy.kind() + " but was given for " + kind);
            }
            policies[kind.ordinal()] = policy;
        }
        final int def = SchedulingStrategy.Kind.DEFAULT.ordinal();
        if (policies[def] == null) {
            policies[def] = new HybridSchedulingPolicy(spreadThreshold, topKFraction);
        }
        fillDefault(SchedulingStrategy.Kind.SPREAD, new SpreadSchedulingPolicy());
        fillDefault(SchedulingStrategy.Kind.NODE_AFFINITY, new NodeAffinitySchedulingPolicy(policies[def]));
        fillDefault(SchedulingStrategy.Kind.NODE_LABEL, new NodeLabelSchedulingPolicy());
    }

    private void fillDefault(final SchedulingStrategy.Kind kind, final SchedulingPolicy policy) {
        if (policies[kind.ordinal()] == null) {
            policies[kind.ordinal()] = policy;
        }
    }

    /** The policy serving a kind. */
    public SchedulingPolicy policy(final SchedulingStrategy.Kind kind) {
        return policies[kind.ordinal()];
    }

    /** DEFAULT, though the composite serves every kind. */
    @Override
    public SchedulingStrategy.Kind kind() {
        return SchedulingStrategy.Kind.DEFAULT;
    }

    /** Dispatches on the strategy's kind; a null strategy is DEFAULT. */
    @Override
    public SchedulingResult schedule(final long[] demand, final SchedulingStrategy strategy, final ClusterView cluster) {
        final SchedulingStrategy chosen = strategy == null ? SchedulingStrategy.DEFAULT : strategy;
        final SchedulingPolicy policy = policies[chosen.kind().ordinal()];
        final SchedulingResult result;
        try {
            result = policy.schedule(demand, chosen, cluster);
        } catch (final RuntimeException e) {
            return SchedulingResult.infeasible("scheduling policy " + policy.getClass().getName() + " failed for "
                + chosen + ": " + e);
        }
        if (result == null) {
            return SchedulingResult.infeasible("scheduling policy " + policy.getClass().getName() + " returned null for "
                + chosen);
        }
        if (result.isSuccess() && (result.node() < 0 || result.node() >= cluster.nodeCount())) {
            return SchedulingResult.infeasible("scheduling policy " + policy.getClass().getName() + " chose node "
                + result.node() + " for " + chosen + "; the cluster has nodes 0.." + (cluster.nodeCount() - 1));
        }
        return result;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("CompositeSchedulingPolicy(");
        for (int i = 0; i < KINDS.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(KINDS[i]).append('=').append(policies[i]);
        }
        return sb.append(')').toString();
    }
}
