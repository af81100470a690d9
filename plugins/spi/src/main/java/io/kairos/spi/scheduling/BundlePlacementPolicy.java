package io.kairos.spi.scheduling;

import java.util.List;

/**
 * Chooses a node for each bundle of a placement group. One implementation per {@link PlacementStrategy}; a plugin
 * policy given for a strategy replaces the kernel's built-in one.
 *
 * <p>Contract: the placement is all-or-nothing. A {@link BundlePlacementResult#success(int[]) success} names a node
 * for every bundle such that all the bundles fit together, at once, on the nodes chosen for them: several bundles on
 * one node must fit that node's available resources together, fractional GPUs packed onto its device instances as
 * {@link NodeView#fits} packs them. The kernel then reserves the bundles; if they do not all fit after all, it
 * reserves none and the group waits, as for {@link BundlePlacementResult#unavailable()}.
 *
 * <p>Called by the kernel's conductor only, one call at a time (on its thread, or on a caller's thread that runs a
 * duty cycle for it while waiting in get): implementations need no synchronisation and must not block.
 */
public interface BundlePlacementPolicy {
    /** The strategy this policy serves. */
    PlacementStrategy strategy();

    /**
     * @param bundles each bundle's fixed-point demand, indexed by {@link ClusterView#resourceIndex(String)}; at least
     *                one bundle, each asking for something. Read-only: neither the list nor the arrays may be changed
     * @param cluster the nodes, valid only during this call
     * @return a node per bundle, unavailable (could fit, not now) or infeasible (never, with the reason)
     */
    BundlePlacementResult place(List<long[]> bundles, ClusterView cluster);
}
