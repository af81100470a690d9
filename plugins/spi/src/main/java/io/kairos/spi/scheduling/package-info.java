/**
 * The scheduling SPI: policies that choose a node for a task or actor
 * ({@link io.kairos.spi.scheduling.SchedulingPolicy}, one per {@link io.kairos.spi.scheduling.SchedulingStrategy}
 * kind) or for each bundle of a placement group ({@link io.kairos.spi.scheduling.BundlePlacementPolicy}), over a view
 * of the cluster whose resource amounts are fixed point ({@link io.kairos.spi.scheduling.FixedPoint}).
 */
package io.kairos.spi.scheduling;
