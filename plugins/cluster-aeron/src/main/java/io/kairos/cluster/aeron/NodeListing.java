package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.kairos.cluster.aeron.ControlCodec.LIST_NODES;
import static io.kairos.cluster.aeron.ControlCodec.encodeNodeCommand;

/**
 * The node table read in pages ({@link ControlCodec#LIST_NODES}): a reply holds the nodes from a node id on until
 * they take {@link ControlCodec#LISTING_PAGE_BYTES} (at least one), so the table of {@link ControlState#MAX_NODES} nodes never needs one
 * reply longer than a client session takes. Each page carries the membership version; a listing whose version
 * changed between its pages is read again from the first page, so a {@link ControlClient.Membership} is one version's
 * table.
 */
final class NodeListing {
    /** Readings of the whole table tried while the membership keeps changing under them. */
    static final int MAX_READINGS = 8;
    /** Smallest encoding of a node: id, two empty strings, alive, heartbeat, two empty maps. */
    private static final int NODE_MIN_BYTES = 8 + 4 + 4 + 1 + 8 + 4 + 4;

    private NodeListing() {
    }

    /** One reply: the membership version, its nodes, and where the next page starts when there is one. */
    record Page(long version, List<ControlClient.Member> members, boolean more, long nextNodeId) {
    }

    static ControlClient.Membership list(final ControlClient client) {
        for (int reading = 1; ; reading++) {
            Page page = client.await(page(client, Long.MIN_VALUE));
            final long version = page.version();
            final List<ControlClient.Member> members = new ArrayList<>(page.members());
            while (page.more() && page.version() == version) {
                page = client.await(page(client, page.nextNodeId()));
                members.addAll(page.members());
            }
            if (page.version() == version) {
                return new ControlClient.Membership(version, List.copyOf(members));
            }
            if (reading == MAX_READINGS) {
                throw new IllegalStateException("listNodes(): the membership changed while the node table was read, "
                    + MAX_READINGS + " times in a row");
            }
        }
    }

    static CompletableFuture<Page> page(final ControlClient client, final long fromNodeId) {
        return client.sendAsync(LIST_NODES, "listNodes", fromNodeId,
            (b, o, id) -> encodeNodeCommand(b, o, LIST_NODES, id, fromNodeId), NodeListing::readPage);
    }

    static Page readPage(final ControlCodec.Reader r) {
        final long version = r.readLong("membership version");
        final List<ControlClient.Member> members = new ArrayList<>();
        for (int i = 0, n = r.readCount("nodes", ControlState.MAX_NODES, NODE_MIN_BYTES); i < n; i++) {
            final long nodeId = r.readLong("node id");
            final String name = r.readString("node name", ControlState.MAX_NAME_BYTES);
            final String endpoint = r.readString("endpoint", ControlState.MAX_NAME_BYTES);
            members.add(new ControlClient.Member(nodeId, name, endpoint, ControlCodec.readNodeStatus(r, nodeId)));
        }
        final boolean more = r.readByte("more") != 0;
        return new Page(version, members, more, r.readLong("next node id"));
    }
}
