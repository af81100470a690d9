package io.kairos.spi.cluster;

import java.util.Map;

/**
 * Joins a kernel to a cluster of kernels: registers it with the cluster's control store, keeps it alive there,
 * tells it who else is in the cluster, and carries its messages to the others. Set one on the kernel's context
 * ({@code KernelContext.cluster}); the kernel calls {@link #join} once when it starts and {@link #close} when it
 * closes.
 *
 * <p>Messages between two members arrive whole, once, and in the order they were sent, while both stay members; a
 * member that leaves loses what was in flight to or from it (the kernel runs that work again elsewhere).
 */
public interface ClusterTransport extends AutoCloseable {
    /**
     * Registers this member and starts delivering events: {@link ClusterListener#onNodeJoined} for every live member
     * is called before this returns.
     *
     * @throws IllegalStateException naming the control store's endpoints when it cannot be reached or refuses this
     *                               member (a wrong secret, a node id another live member has)
     */
    void join(ClusterNode self, ClusterListener listener);

    /**
     * Sends one message to a member. The bytes are copied before this returns; it may wait while the member's
     * channel is full (flow control).
     *
     * @return false if that member is not (or no longer) in the cluster
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    boolean send(String nodeId, byte[] message, int offset, int length);

    /** The longest message {@link #send} takes. */
    int maxMessageBytes();

    /**
     * The longest message this transport carries without splitting and joining it again (one frame): bulk data such as
     * a pulled object goes in messages of at most this size. {@link #maxMessageBytes()} by default.
     */
    default int frameBytes() {
        return maxMessageBytes();
    }

    /**
     * Offers this member's large objects to the others on a bulk channel of the transport's own (large objects then
     * need not go through {@link #send} in chunks). Called once, before {@link #join}.
     *
     * @param source where the objects are read when a member pulls one
     * @return false if this transport has no bulk channel (the default): the kernel moves objects in messages
     */
    default boolean serveObjects(final ObjectSource source) {
        return false;
    }

    /**
     * Pulls an object another member holds for this one, over the bulk channel, asynchronously: the sink hears how it
     * went on a thread of the transport's. One pull per object at a time; pulls from one member may go one after
     * another. If that member leaves meanwhile, the sink hears {@link ObjectSink#failed} soon after.
     *
     * @param nodeId   the member that holds the object (it served it with {@link #serveObjects})
     * @param objectId the object's id
     * @return false if there is no bulk channel to that member (the default): nothing was started, the sink hears
     *         nothing, and the kernel pulls with messages
     */
    default boolean pullObject(final String nodeId, final long objectId, final ObjectSink sink) {
        return false;
    }

    /**
     * Claims a name for an actor this member creates, in the whole cluster: blocks until the control store answers.
     * The claim ends with {@link #unpublishActor}, or when this member leaves the cluster. Nothing by default (names
     * are then unique per member only).
     *
     * @throws IllegalArgumentException naming the holder if another live actor has the name
     * @throws IllegalStateException    if the control store cannot be reached
     */
    default void claimActorName(final String name) {
    }

    /**
     * Publishes where a named actor lives, so other members find it by name ({@link #lookupActor}); asynchronous,
     * best effort (a lookup may not see it at once). Nothing by default.
     *
     * @param name    the actor's name, unique in the cluster
     * @param nodeId  the member it lives on
     * @param actorId its id on that member
     */
    default void publishActor(final String name, final String nodeId, final long actorId) {
    }

    /**
     * Takes over the name of a detached actor that lives on this member and whose owner left: claims the name for this
     * member and publishes where the actor lives; asynchronous, best effort (another member may have claimed the name
     * meanwhile). Nothing by default.
     */
    default void adoptActor(final String name, final String nodeId, final long actorId) {
    }

    /**
     * Forgets a named actor published before (it died): its location, and its name's claim; asynchronous, best effort.
     * Nothing by default.
     */
    default void unpublishActor(final String name) {
    }

    /**
     * Where a named actor lives, asking the control store; blocks until it answers.
     *
     * @return the actor's member and id there, or null if no live actor has the name (the default)
     */
    default ActorLocation lookupActor(final String name) {
        return null;
    }

    /**
     * Where a named actor lives.
     *
     * @param nodeId  the member it lives on
     * @param actorId its id on that member
     */
    record ActorLocation(String nodeId, long actorId) {
    }

    /**
     * Records in the control store that a placement group's bundles are reserved on these members' nodes (the role of
     * Ray's GCS placement-group table): the first time it creates the group, then it prepares and commits the listed
     * bundles, all or none (the control store checks the strategy's node constraint and each node's totals). The
     * kernel calls it once the nodes themselves hold the reservations, from its conductor thread: it must not block.
     * The default records nothing.
     *
     * @return completes once recorded; exceptionally with an {@link IllegalArgumentException} when the control store
     *         refuses the group for good (e.g. another group has its name), with an {@link IllegalStateException} when
     *         it may succeed later (a node is dead, the control store is unreachable)
     */
    default java.util.concurrent.CompletableFuture<Void> recordPlacementGroup(final PlacementGroupRecord group) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Forgets a placement group recorded before (it was removed); asynchronous, best effort. Nothing by default. */
    default void forgetPlacementGroup(final long groupId) {
    }

    /**
     * A placement group's reservations, for {@link #recordPlacementGroup}.
     *
     * @param groupId    the group's id at its owner (the member that records it)
     * @param name       its name, empty for none
     * @param strategy   how its bundles are placed
     * @param bundles    every bundle's resources in units, bundle i at index i
     * @param placements the bundles reserved now: bundle index to the member whose node holds it
     * @param create     whether the group is new (false: bundles lost with a member were placed again)
     */
    record PlacementGroupRecord(long groupId, String name, io.kairos.spi.scheduling.PlacementStrategy strategy,
                                java.util.List<Map<String, Double>> bundles, Map<Integer, String> placements,
                                boolean create) {
    }

    /** What this member has available now, in units; shown by the control store's status (best effort). */
    void reportAvailable(Map<String, Double> available);

    /** Leaves the cluster (a goodbye, so the others need not wait for the timeout) and releases the transport. */
    @Override
    void close();
}
