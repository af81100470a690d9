/**
 * The kernel's resource model: the {@link io.kairos.internal.cluster.ResourceRegistry} of resource names, each
 * node's fixed-point ledger ({@link io.kairos.internal.cluster.LogicalNode}) with GPU instances, the
 * {@link io.kairos.internal.cluster.InstanceLedger} base it shares with placement group bundles, the allocations
 * running tasks hold, and the {@link io.kairos.internal.cluster.Cluster} view the scheduling policies choose over.
 * Owned by the conductor thread.
 */
package io.kairos.internal.cluster;
