package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.kairos.cluster.aeron.PlacementGroupTable.Group;
import io.kairos.cluster.aeron.PlacementGroupTable.Strategy;

import static io.kairos.cluster.aeron.ControlCodec.*;

/**
 * The placement-group commands of a {@link ControlClient} ({@link ControlClient#placementGroups()}), each in an
 * asynchronous form (pipelined; its future completes inside the client's {@link ControlClient#poll()}) and a
 * synchronous one (the asynchronous one awaited). How a kernel reserves a group, all or nothing, as Ray's GCS does:
 * <pre>{@code
 * pgs.create(id, "", Strategy.STRICT_SPREAD, bundles);
 * pgs.prepare(id, Map.of(0, nodeA, 1, nodeB));   // every bundle PREPARED, or none (a rejection says why)
 * pgs.commit(id);                                // every bundle COMMITTED: the group is CREATED
 * // or, if the kernel gives up between the phases: pgs.abort(id);
 * }</pre>
 * Not thread-safe: the client's thread only. See {@link PlacementGroupTable} for the rules the cluster applies.
 */
public final class PlacementGroupClient {
    private final ControlClient client;

    PlacementGroupClient(final ControlClient client) {
        this.client = client;
    }

    /**
     * Creates a group, its bundles unreserved ({@link ControlCodec#CREATE_PG}).
     *
     * @param groupId  unique id.
     * @param name     unique among named groups, or empty.
     * @param strategy how its bundles are placed.
     * @param bundles  each bundle's resources, fixed point, amounts &gt; 0.
     * @return completes when applied; a {@link ControlRejection} CONFLICT (id or name taken) or INVALID (a limit).
     */
    public CompletableFuture<Void> createAsync(
        final long groupId, final String name, final Strategy strategy, final List<Map<String, Long>> bundles) {
        return client.sendAsync(CREATE_PG, "createPlacementGroup", groupId,
            (b, o, id) -> encodeCreateGroup(b, o, id, groupId, name, strategy, bundles), body -> null);
    }

    /**
     * First phase, all or none ({@link ControlCodec#PREPARE_PG}).
     *
     * @param groupId    of the group.
     * @param placements bundle index to the node chosen for it.
     * @return completes when every listed bundle is PREPARED; or a {@link ControlRejection} and none is.
     */
    public CompletableFuture<Void> prepareAsync(final long groupId, final Map<Integer, Long> placements) {
        return client.sendAsync(PREPARE_PG, "preparePlacementGroup", groupId,
            (b, o, id) -> encodePrepareGroup(b, o, id, groupId, placements), body -> null);
    }

    /**
     * Second phase ({@link ControlCodec#COMMIT_PG}).
     *
     * @param groupId of the group.
     * @return completes when every bundle is COMMITTED; a {@link ControlRejection} CONFLICT if one is not prepared or
     * the nodes break the strategy.
     */
    public CompletableFuture<Void> commitAsync(final long groupId) {
        return groupCommand(COMMIT_PG, "commitPlacementGroup", groupId, body -> null);
    }

    /**
     * Releases the prepared bundles ({@link ControlCodec#ABORT_PG}).
     *
     * @param groupId of the group.
     * @return how many bundles were released.
     */
    public CompletableFuture<Integer> abortAsync(final long groupId) {
        return groupCommand(ABORT_PG, "abortPlacementGroup", groupId, body -> body.readInt("released"));
    }

    /**
     * Removes a group, releasing its bundles ({@link ControlCodec#REMOVE_PG}).
     *
     * @param groupId of the group.
     * @return completes when removed; a {@link ControlRejection} NOT_FOUND if there is no such group.
     */
    public CompletableFuture<Void> removeAsync(final long groupId) {
        return groupCommand(REMOVE_PG, "removePlacementGroup", groupId, body -> null);
    }

    /**
     * @param groupId of the group.
     * @return its record; a {@link ControlRejection} NOT_FOUND if there is no such group.
     */
    public CompletableFuture<Group> getAsync(final long groupId) {
        return groupCommand(GET_PG, "placementGroup", groupId, PlacementGroupTable::readGroup);
    }

    /**
     * @param name of a named group.
     * @return its record; a {@link ControlRejection} NOT_FOUND if no group has that name.
     */
    public CompletableFuture<Group> getByNameAsync(final String name) {
        return client.sendAsync(GET_PG_BY_NAME, "placementGroupByName", name,
            (b, o, id) -> encodeNameCommand(b, o, GET_PG_BY_NAME, id, name), PlacementGroupTable::readGroup);
    }

    /**
     * One page of the group table ({@link ControlCodec#LIST_PGS}): the groups from an id on, until they take about
     * {@link ControlCodec#LISTING_PAGE_BYTES}.
     *
     * @param fromGroupId the lowest group id the page may hold ({@link Long#MIN_VALUE} for the first page).
     * @return the page.
     */
    public CompletableFuture<Page> pageAsync(final long fromGroupId) {
        return client.sendAsync(LIST_PGS, "listPlacementGroups", fromGroupId,
            (b, o, id) -> encodeGroupCommand(b, o, LIST_PGS, id, fromGroupId), body -> {
                final List<Group> groups = new ArrayList<>();
                for (int i = 0, n = body.readCount("placement groups", PlacementGroupTable.MAX_GROUPS,
                    PlacementGroupTable.GROUP_MIN_BYTES); i < n; i++) {
                    groups.add(PlacementGroupTable.readGroup(body));
                }
                final boolean more = body.readByte("more") != 0;
                return new Page(List.copyOf(groups), more, body.readLong("next group id"));
            });
    }

    /**
     * A page of {@link #pageAsync}.
     *
     * @param groups      its groups, by id.
     * @param more        whether more follow.
     * @param nextGroupId the next page's first id, when more follow.
     */
    public record Page(List<Group> groups, boolean more, long nextGroupId) {
    }

    /** {@link #createAsync}, awaited. */
    public void create(final long groupId, final String name, final Strategy strategy,
                       final List<Map<String, Long>> bundles) {
        client.await(createAsync(groupId, name, strategy, bundles));
    }

    /** {@link #prepareAsync}, awaited. */
    public void prepare(final long groupId, final Map<Integer, Long> placements) {
        client.await(prepareAsync(groupId, placements));
    }

    /** {@link #commitAsync}, awaited. */
    public void commit(final long groupId) {
        client.await(commitAsync(groupId));
    }

    /** {@link #abortAsync}, awaited; how many bundles were released. */
    public int abort(final long groupId) {
        return client.await(abortAsync(groupId));
    }

    /** {@link #removeAsync}, awaited. */
    public void remove(final long groupId) {
        client.await(removeAsync(groupId));
    }

    /** {@link #getAsync}, awaited. */
    public Group get(final long groupId) {
        return client.await(getAsync(groupId));
    }

    /** {@link #getByNameAsync}, awaited. */
    public Group getByName(final String name) {
        return client.await(getByNameAsync(name));
    }

    /**
     * Every group, by id, read page by page ({@link #pageAsync}). Not one snapshot: a group made or removed while it
     * pages may or may not be in the list.
     *
     * @return the groups, read-only.
     */
    public List<Group> list() {
        final List<Group> groups = new ArrayList<>();
        Page page = client.await(pageAsync(Long.MIN_VALUE));
        groups.addAll(page.groups());
        while (page.more()) {
            page = client.await(pageAsync(page.nextGroupId()));
            groups.addAll(page.groups());
        }
        return List.copyOf(groups);
    }

    private <T> CompletableFuture<T> groupCommand(
        final int type, final String operation, final long groupId, final ControlPipeline.Decoder<T> decoder) {
        return client.sendAsync(type, operation, groupId, (b, o, id) -> encodeGroupCommand(b, o, type, id, groupId),
            decoder);
    }
}
