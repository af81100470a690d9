package io.kairos.cluster.aeron;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link ControlMember} needs: the group's members, which one this is, where it keeps its data, the cluster
 * secret, and the timing of failure detection. Immutable; made by {@link #builder()}, which checks every field.
 */
public final class ControlMemberConfig {
    /** Default silence after which followers elect a new leader. */
    public static final long DEFAULT_LEADER_HEARTBEAT_TIMEOUT_MS = 2_000;
    /** Default period of the leader's heartbeats. */
    public static final long DEFAULT_LEADER_HEARTBEAT_INTERVAL_MS = 200;
    /** Default time an election waits for votes before it starts over. */
    public static final long DEFAULT_ELECTION_TIMEOUT_MS = 1_000;
    /**
     * System property naming the members' default idle strategy ({@link #idleStrategy}): {@code backoff} (Agrona's
     * {@link org.agrona.concurrent.BackoffIdleStrategy}: spin, yield, then park up to 1 ms), {@code backoff:US} (the
     * same, parking up to US microseconds) or {@code yielding}.
     */
    public static final String IDLE_STRATEGY_PROP_NAME = "kairos.control.idleStrategy";
    /** The idle strategy when neither the builder nor {@link #IDLE_STRATEGY_PROP_NAME} names one. */
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";

    private final List<ControlMember.Endpoint> members;
    private final int memberIndex;
    private final Path dir;
    private final ClusterSecret secret;
    private final long nodeTimeoutMs;
    private final long expiryIntervalMs;
    private final long leaderHeartbeatTimeoutMs;
    private final long leaderHeartbeatIntervalMs;
    private final long electionTimeoutMs;
    private final String idleStrategy;

    private ControlMemberConfig(final Builder b) {
        this.members = List.copyOf(b.members);
        this.memberIndex = b.memberIndex;
        this.dir = b.dir;
        this.secret = b.secret;
        this.nodeTimeoutMs = b.nodeTimeoutMs;
        this.expiryIntervalMs = b.expiryIntervalMs;
        this.leaderHeartbeatTimeoutMs = b.leaderHeartbeatTimeoutMs;
        this.leaderHeartbeatIntervalMs = b.leaderHeartbeatIntervalMs;
        this.electionTimeoutMs = b.electionTimeoutMs;
        this.idleStrategy = b.idleStrategy;
    }

    /**
     * @return a builder with the defaults; members, member index, dir and secret must be set.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return every member's base endpoint, in member-id order. */
    public List<ControlMember.Endpoint> members() {
        return members;
    }

    /** @return this member's id: its index in {@link #members()}. */
    public int memberIndex() {
        return memberIndex;
    }

    /** @return this member's base endpoint; its host is the interface it binds to. */
    public ControlMember.Endpoint self() {
        return members.get(memberIndex);
    }

    /** @return the directory holding this member's data. */
    public Path dir() {
        return dir;
    }

    /** @return the secret clients must prove they hold. */
    public ClusterSecret secret() {
        return secret;
    }

    /** @return silence after which a Kairos node is declared dead. */
    public long nodeTimeoutMs() {
        return nodeTimeoutMs;
    }

    /** @return period of the node-expiry check. */
    public long expiryIntervalMs() {
        return expiryIntervalMs;
    }

    /** @return silence of the leader after which followers elect a new one. */
    public long leaderHeartbeatTimeoutMs() {
        return leaderHeartbeatTimeoutMs;
    }

    /** @return period of the leader's heartbeats. */
    public long leaderHeartbeatIntervalMs() {
        return leaderHeartbeatIntervalMs;
    }

    /** @return time an election waits before it starts over. */
    public long electionTimeoutMs() {
        return electionTimeoutMs;
    }

    /** @return how the member's agents (driver, archive, consensus module, service) idle, e.g. "backoff:100". */
    public String idleStrategy() {
        return idleStrategy;
    }

    /**
     * @return a new idle strategy as {@link #idleStrategy()} names it, one per agent.
     */
    public org.agrona.concurrent.IdleStrategy newIdleStrategy() {
        return parseIdleStrategy(idleStrategy);
    }

    /**
     * @param spec {@code backoff}, {@code backoff:US} or {@code yielding}.
     * @return a new idle strategy of that form.
     * @throws IllegalArgumentException naming the forms if the spec is none of them.
     */
    public static org.agrona.concurrent.IdleStrategy parseIdleStrategy(final String spec) {
        if (spec.equals("yielding")) {
            return new org.agrona.concurrent.YieldingIdleStrategy();
        }
        if (spec.equals("backoff")) {
            return new org.agrona.concurrent.BackoffIdleStrategy();
        }
        if (spec.startsWith("backoff:")) {
            final String us = spec.substring("backoff:".length());
            if (!us.isEmpty() && us.length() <= 7 && us.chars().allMatch(Character::isDigit) &&
                Integer.parseInt(us) >= 1) {
                return new org.agrona.concurrent.BackoffIdleStrategy(10, 5, 1_000,
                    1_000L * Integer.parseInt(us));
            }
        }
        throw new IllegalArgumentException("idleStrategy '" + spec + "' is not backoff, backoff:US (max park, 1.." +
            "9999999 µs) or yielding");
    }

    @Override
    public String toString() {
        return "ControlMemberConfig{members=" + members + ", memberIndex=" + memberIndex + ", dir=" + dir +
            ", nodeTimeoutMs=" + nodeTimeoutMs + ", expiryIntervalMs=" + expiryIntervalMs +
            ", leaderHeartbeatTimeoutMs=" + leaderHeartbeatTimeoutMs + ", leaderHeartbeatIntervalMs=" +
            leaderHeartbeatIntervalMs + ", electionTimeoutMs=" + electionTimeoutMs + ", idleStrategy=" + idleStrategy + '}';
    }

    /**
     * Fluent builder; {@link #build()} validates.
     */
    public static final class Builder {
        private List<ControlMember.Endpoint> members;
        private int memberIndex = -1;
        private Path dir;
        private ClusterSecret secret;
        private long nodeTimeoutMs = ControlState.DEFAULT_NODE_TIMEOUT_MS;
        private long expiryIntervalMs = ControlService.DEFAULT_EXPIRY_INTERVAL_MS;
        private long leaderHeartbeatTimeoutMs = DEFAULT_LEADER_HEARTBEAT_TIMEOUT_MS;
        private long leaderHeartbeatIntervalMs = DEFAULT_LEADER_HEARTBEAT_INTERVAL_MS;
        private long electionTimeoutMs = DEFAULT_ELECTION_TIMEOUT_MS;
        private String idleStrategy = System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);

        private Builder() {
        }

        /**
         * @param idleStrategy {@code backoff}, {@code backoff:US} or {@code yielding}; see
         *                     {@link #IDLE_STRATEGY_PROP_NAME}.
         * @return this.
         */
        public Builder idleStrategy(final String idleStrategy) {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @param members every member's base endpoint, in member-id order; see {@link ControlMember#parseMembers}.
         * @return this.
         */
        public Builder members(final List<ControlMember.Endpoint> members) {
            this.members = members;
            return this;
        }

        /**
         * @param memberIndex this member's index in the members list, which is its member id.
         * @return this.
         */
        public Builder memberIndex(final int memberIndex) {
            this.memberIndex = memberIndex;
            return this;
        }

        /**
         * @param dir directory for this member's data (created if missing); one per member.
         * @return this.
         */
        public Builder dir(final Path dir) {
            this.dir = dir;
            return this;
        }

        /**
         * @param secret the cluster secret.
         * @return this.
         */
        public Builder secret(final ClusterSecret secret) {
            this.secret = secret;
            return this;
        }

        /**
         * @param nodeTimeoutMs silence after which a node is declared dead; the same on every member.
         * @return this.
         */
        public Builder nodeTimeoutMs(final long nodeTimeoutMs) {
            this.nodeTimeoutMs = nodeTimeoutMs;
            return this;
        }

        /**
         * @param expiryIntervalMs period of the node-expiry check; the same on every member.
         * @return this.
         */
        public Builder expiryIntervalMs(final long expiryIntervalMs) {
            this.expiryIntervalMs = expiryIntervalMs;
            return this;
        }

        /**
         * @param leaderHeartbeatTimeoutMs silence of the leader after which followers elect a new one.
         * @return this.
         */
        public Builder leaderHeartbeatTimeoutMs(final long leaderHeartbeatTimeoutMs) {
            this.leaderHeartbeatTimeoutMs = leaderHeartbeatTimeoutMs;
            return this;
        }

        /**
         * @param leaderHeartbeatIntervalMs period of the leader's heartbeats; less than the timeout.
         * @return this.
         */
        public Builder leaderHeartbeatIntervalMs(final long leaderHeartbeatIntervalMs) {
            this.leaderHeartbeatIntervalMs = leaderHeartbeatIntervalMs;
            return this;
        }

        /**
         * @param electionTimeoutMs time an election waits before it starts over.
         * @return this.
         */
        public Builder electionTimeoutMs(final long electionTimeoutMs) {
            this.electionTimeoutMs = electionTimeoutMs;
            return this;
        }

        /**
         * @return the configuration.
         * @throws IllegalArgumentException naming the field and its limit if one is missing or out of range.
         */
        public ControlMemberConfig build() {
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(secret, "secret");
            ControlMember.validateMembers(members);
            if (memberIndex < 0 || memberIndex >= members.size()) {
                throw new IllegalArgumentException("memberIndex is " + memberIndex + ", must be 0.." +
                    (members.size() - 1) + " for " + members.size() + " members");
            }
            Objects.requireNonNull(idleStrategy, "idleStrategy");
            parseIdleStrategy(idleStrategy);
            positive("nodeTimeoutMs", nodeTimeoutMs);
            positive("expiryIntervalMs", expiryIntervalMs);
            positive("leaderHeartbeatTimeoutMs", leaderHeartbeatTimeoutMs);
            positive("leaderHeartbeatIntervalMs", leaderHeartbeatIntervalMs);
            positive("electionTimeoutMs", electionTimeoutMs);
            if (leaderHeartbeatIntervalMs >= leaderHeartbeatTimeoutMs) {
                throw new IllegalArgumentException("leaderHeartbeatIntervalMs is " + leaderHeartbeatIntervalMs +
                    ", must be less than leaderHeartbeatTimeoutMs " + leaderHeartbeatTimeoutMs);
            }
            return new ControlMemberConfig(this);
        }

        private static void positive(final String field, final long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(field + " is " + value + ", must be > 0");
            }
        }
    }
}
