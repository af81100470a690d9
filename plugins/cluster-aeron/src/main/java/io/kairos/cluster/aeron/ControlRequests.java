package io.kairos.cluster.aeron;

import io.kairos.spi.cluster.ClusterTransport.ActorLocation;
import io.kairos.spi.cluster.ClusterTransport.PlacementGroupRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@link AeronClusterTransport} asks of the control store for the kernel: named actors (a claim in the actor
 * table, the location in the KV under {@link ControlState#ACTOR_LOCATION_PREFIX}) and placement-group records. The
 * requests run on the member's control thread, which alone uses its client; callers that need the answer wait for it,
 * at most the connect timeout.
 */
final class ControlRequests {
    /** The member the requests are made for. */
    interface Member {
        /** Its client, on the control thread (it changes when the member reconnects). */
        ControlClient control();

        /** Its node id in the control store. */
        long incarnation();

        /** The live members' node ids by name, its own included (control thread). */
        Map<String, Long> members();

        /**
         * Queues work for the control thread.
         *
         * @throws IllegalStateException if the member is not joined
         */
        void onControlThread(Runnable task);
    }

    private final Member member;
    private final String endpoints;
    private final long timeoutMs;

    ControlRequests(final Member member, final String endpoints, final long timeoutMs) {
        this.member = member;
        this.endpoints = endpoints;
        this.timeoutMs = timeoutMs;
    }

    void publishActor(final String name, final String nodeId, final long actorId) {
        publishActor(name, nodeId, actorId, false);
    }

    /** Publishes where a named actor lives; with claim, first takes its name over (a detached actor's). */
    void publishActor(final String name, final String nodeId, final long actorId, final boolean claim) {
        member.onControlThread(() -> {
            if (claim) {
                member.control().registerActor(name, member.incarnation(), 0);  // refused: logged, not published
            }
            member.control().kvPut(ControlState.ACTOR_LOCATION_PREFIX + name,
                (nodeId + "\n" + actorId).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Claims a name for this member; waits for the answer. */
    void claimActorName(final String name) {
        final CompletableFuture<Void> answer = new CompletableFuture<>();
        member.onControlThread(() -> {
            try {
                member.control().registerActor(name, member.incarnation(), 0);
                answer.complete(null);
            } catch (final ControlRejection e) {
                answer.completeExceptionally(e.status() == ControlStatus.CONFLICT || e.status() == ControlStatus.INVALID
                    ? new IllegalArgumentException("actor name '" + name + "' is taken in the cluster ("
                    + e.getMessage() + ")", e) : e);
            } catch (final RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        await(answer, "claiming actor name '" + name + "'");
    }

    /** Forgets a named actor's location and claim; either may be gone already. */
    void unpublishActor(final String name) {
        member.onControlThread(() -> {
            try {
                member.control().kvDelete(ControlState.ACTOR_LOCATION_PREFIX + name);
            } catch (final ControlRejection e) {
                // not there: nothing to forget
            }
            try {
                member.control().removeActor(name);
            } catch (final ControlRejection e) {
                // claimed by no one (e.g. released with a member that left)
            }
        });
    }

    /** Where a named actor lives, or null; waits for the answer. */
    ActorLocation lookupActor(final String name) {
        final CompletableFuture<ActorLocation> answer = new CompletableFuture<>();
        member.onControlThread(() -> {
            try {
                final byte[] at = member.control().kvGet(ControlState.ACTOR_LOCATION_PREFIX + name);
                final String[] parts = new String(at, StandardCharsets.UTF_8).split("\n");
                answer.complete(new ActorLocation(parts[0], Long.parseLong(parts[1])));
            } catch (final ControlRejection e) {
                answer.complete(null);
            } catch (final RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return await(answer, "looking up actor '" + name + "'");
    }

    /** Records a placement group's reservations ({@link PlacementRecords#record}); completes on the control thread. */
    CompletableFuture<Void> recordPlacementGroup(final PlacementGroupRecord group) {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            member.onControlThread(() -> {
                try {
                    PlacementRecords.record(member.control(), member.incarnation(), member.members(), group);
                    done.complete(null);
                } catch (final RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (final IllegalStateException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    void forgetPlacementGroup(final long groupId) {
        try {
            member.onControlThread(() -> PlacementRecords.forget(member.control(), member.incarnation(), groupId));
        } catch (final IllegalStateException e) {
            // not joined: the control store forgets this member's groups' reservations with the member
        }
    }

    /** Waits for the control thread's answer, at most the connect timeout. */
    private <T> T await(final CompletableFuture<T> answer, final String what) {
        try {
            return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw new IllegalStateException(what + " in the control store at " + endpoints + " failed: "
                + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException | InterruptedException e) {
            throw new IllegalStateException("the control store at " + endpoints + " did not answer " + what
                + " within " + timeoutMs + " ms", e);
        }
    }
}
