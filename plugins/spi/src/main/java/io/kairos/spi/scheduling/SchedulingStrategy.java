package io.kairos.spi.scheduling;

import java.util.Map;
import java.util.Objects;

/**
 * Where a task or actor should run, as Ray's scheduling strategies: {@link #DEFAULT} (hybrid: pack onto nodes
 * until their utilisation passes a threshold, then spread), {@link #SPREAD}, node affinity (hard or soft) and node
 * labels (hard and soft). Immutable; equal strategies are equal objects (the kernel groups tasks by strategy).
 */
public abstract class SchedulingStrategy {
    /** The hybrid policy: local node first, pack below the utilisation threshold, then spread. */
    public static final SchedulingStrategy DEFAULT = new Simple(Kind.DEFAULT);
    /** Spread over the nodes that fit, round robin. */
    public static final SchedulingStrategy SPREAD = new Simple(Kind.SPREAD);

    /** The strategy families, one {@link SchedulingPolicy} each. */
    public enum Kind { DEFAULT, SPREAD, NODE_AFFINITY, NODE_LABEL }

    private final Kind kind;

    SchedulingStrategy(final Kind kind) {
        this.kind = kind;
    }

    public final Kind kind() {
        return kind;
    }

    /**
     * Run on the node with this id. Hard ({@code soft == false}): only there, infeasible if that node cannot ever
     * fit the request or does not exist. Soft: there if it fits now, else as {@link #DEFAULT}.
     */
    public static SchedulingStrategy nodeAffinity(final String nodeId, final boolean soft) {
        return new NodeAffinity(nodeId, soft);
    }

    /**
     * Run on a node whose labels contain every hard entry (infeasible if none can), preferring nodes that also match
     * the soft entries.
     */
    public static SchedulingStrategy nodeLabels(final Map<String, String> hard, final Map<String, String> soft) {
        return new NodeLabel(hard, soft);
    }

    private static final class Simple extends SchedulingStrategy {
        Simple(final Kind kind) {
            super(kind);
        }

        @Override
        public String toString() {
            return kind().name();
        }
    }

    /** See {@link #nodeAffinity(String, boolean)}. */
    public static final class NodeAffinity extends SchedulingStrategy {
        private final String nodeId;
        private final boolean soft;

        NodeAffinity(final String nodeId, final boolean soft) {
            super(Kind.NODE_AFFINITY);
            if (nodeId == null || nodeId.isEmpty()) {
                throw new IllegalArgumentException("nodeId must be a node id, was " + (nodeId == null ? "null" : "empty"));
            }
            this.nodeId = nodeId;
            this.soft = soft;
        }

        public String nodeId() {
            return nodeId;
        }

        public boolean soft() {
            return soft;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof NodeAffinity && ((NodeAffinity) o).nodeId.equals(nodeId) && ((NodeAffinity) o).soft == soft;
        }

        @Override
        public int hashCode() {
            return nodeId.hashCode() * 31 + (soft ? 1 : 0);
        }

        @Override
        public String toString() {
            return "NODE_AFFINITY(" + nodeId + (soft ? ", soft" : ", hard") + ")";
        }
    }

    /** See {@link #nodeLabels(Map, Map)}. */
    public static final class NodeLabel extends SchedulingStrategy {
        private final Map<String, String> hard;
        private final Map<String, String> soft;

        NodeLabel(final Map<String, String> hard, final Map<String, String> soft) {
            super(Kind.NODE_LABEL);
            this.hard = Map.copyOf(Objects.requireNonNull(hard, "hard labels"));
            this.soft = Map.copyOf(Objects.requireNonNull(soft, "soft labels"));
        }

        public Map<String, String> hard() {
            return hard;
        }

        public Map<String, String> soft() {
            return soft;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof NodeLabel && ((NodeLabel) o).hard.equals(hard) && ((NodeLabel) o).soft.equals(soft);
        }

        @Override
        public int hashCode() {
            return hard.hashCode() * 31 + soft.hashCode();
        }

        @Override
        public String toString() {
            return "NODE_LABEL(hard=" + hard + ", soft=" + soft + ")";
        }
    }
}
