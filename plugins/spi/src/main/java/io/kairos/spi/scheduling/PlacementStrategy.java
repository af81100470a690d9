package io.kairos.spi.scheduling;

/**
 * How a placement group's bundles are laid out over the nodes, as Ray's placement group strategies. Every strategy
 * is all-or-nothing: either every bundle is reserved at once, or none is.
 */
public enum PlacementStrategy {
    /** On as few nodes as possible, best effort: all on one node if one can hold them, else over several. */
    PACK,
    /** Over distinct nodes, best effort: one bundle per node while nodes last, then nodes hold several. */
    SPREAD,
    /** All bundles on one node, or the group is not created. */
    STRICT_PACK,
    /** Each bundle on a distinct node, or the group is not created. */
    STRICT_SPREAD
}
