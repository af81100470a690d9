package io.kairos.internal.cluster;

import java.util.Arrays;

/**
 * A large cluster's nodes in the order the hybrid policy ranks them, (utilisation, index), kept up to date as their
 * resources are allocated and released, so that the policy's spread step need not look at every node: the lowest
 * utilisation, whether every node in a range of ranks has at least some amounts available, and the node at a rank.
 *
 * <p>Layout: the order is cut into blocks of at most {@value #MAX_BLOCK} nodes (a sorted list of sorted blocks), each
 * with the least amount available of every resource among its nodes. A node's change moves it between blocks
 * (O(block size + blocks)); a query walks the blocks (O(blocks + block size)): 80 to 160 blocks at 10,000 nodes.
 * Blocks split when full and go away when empty; their arrays are reused, so nothing is allocated in steady state.
 *
 * <p>Thread-safety: none; the conductor owns it, as it owns the nodes.
 */
public final class UtilizationIndex {
    /** A block splits in two when it would hold more than this. */
    static final int MAX_BLOCK = 128;

    private final LogicalNode[] nodes;
    private final int resources;
    /** Each node's utilisation as the index placed it. */
    private final double[] utilization;
    /** Each node's available amounts as the index last saw them (its block's least amounts are made of these). */
    private final long[][] seen;
    /** The id of the block holding each node. */
    private final int[] blockOf;
    /** By block id: its nodes in rank order, how many, and the least available amount of each resource among them. */
    private final int[][] members;
    private final int[] sizes;
    private final long[][] least;
    /** By block id and resource: how many of its nodes have the least amount (when none is left, look again). */
    private final int[][] leastCount;
    /** The block ids in rank order. */
    private final int[] order;
    private int blocks;
    /** Block ids not in use (their arrays are kept for reuse). */
    private final int[] freeIds;
    private int freeCount;
    private boolean valid = true;

    UtilizationIndex(final LogicalNode[] nodes) {
        this.nodes = nodes;
        int count = 0;
        for (final LogicalNode node : nodes) {
            count = Math.max(count, node.resourceCount());
        }
        this.resources = count;
        this.utilization = new double[nodes.length];
        this.seen = new long[nodes.length][resources];
        this.blockOf = new int[nodes.length];
        final Integer[] ranked = new Integer[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            utilization[i] = nodes[i].utilization();
            see(i);
            ranked[i] = i;
        }
        Arrays.sort(ranked, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
        // every non-empty block holds a node, so there are never more blocks than nodes
        members = new int[nodes.length][];
        sizes = new int[nodes.length];
        least = new long[nodes.length][];
        leastCount = new int[nodes.length][];
        order = new int[nodes.length];
        freeIds = new int[nodes.length];
        for (int id = nodes.length - 1; id >= 0; id--) {
            freeIds[freeCount++] = id;
        }
        for (int start = 0; start < nodes.length; start += MAX_BLOCK / 2) {
            final int id = newBlock();
            order[blocks++] = id;
            final int size = Math.min(MAX_BLOCK / 2, nodes.length - start);
            for (int j = 0; j < size; j++) {
                members[id][j] = ranked[start + j];
                blockOf[ranked[start + j]] = id;
            }
            sizes[id] = size;
            recomputeLeast(id);
        }
    }

    /** Whether the index still follows its nodes (a later cluster over the same nodes took them over). */
    boolean valid() {
        return valid;
    }

    void invalidate() {
        valid = false;
    }

    /** A node's resources changed: moves it to its new rank and refreshes its block's least amounts. */
    void update(final int i, final InstanceLedger node) {
        final double u = node.utilization();
        if (u != utilization[i]) {
            remove(i);
            utilization[i] = u;
            see(i);
            insert(i);
            return;
        }
        // the same rank: only amounts of resources other than the most used one changed
        final int b = blockOf[i];
        final long[] before = seen[i];
        boolean stale = false;
        for (int r = 0; r < resources; r++) {
            final long now = node.available(r);
            if (now != before[r]) {
                stale |= leave(b, r, before[r]);
                join(b, r, now);
                before[r] = now;
            }
        }
        if (stale) {
            recomputeLeast(b);
        }
    }

    /** A node with this amount of resource r leaves block b: whether the block's least must be looked for again. */
    private boolean leave(final int b, final int r, final long amount) {
        return amount == least[b][r] && --leastCount[b][r] == 0;
    }

    /** A node with this amount of resource r joins block b's least. */
    private void join(final int b, final int r, final long amount) {
        if (amount < least[b][r]) {
            least[b][r] = amount;
            leastCount[b][r] = 1;
        } else if (amount == least[b][r]) {
            leastCount[b][r]++;
        }
    }

    /** The least utilisation of any node: that of the node ranked first. */
    public double lowestUtilization() {
        return utilization[members[order[0]][0]];
    }

    /**
     * Whether each of count nodes from rank from on has at least demand[r] of every resource r with a positive
     * demand (the caller leaves out GPU instances: their packing is per device, not an amount).
     */
    public boolean allHave(final int from, final int count, final long[] demand) {
        final int end = from + count;
        int start = 0;
        for (int k = 0; k < blocks && start < end; k++) {
            final int b = order[k];
            final int size = sizes[b];
            final int blockEnd = start + size;
            if (blockEnd > from) {
                if (start >= from && blockEnd <= end) {
                    if (!covers(least[b], demand)) {
                        return false;
                    }
                } else {
                    for (int j = Math.max(from, start) - start; j < Math.min(end, blockEnd) - start; j++) {
                        if (!has(nodes[members[b][j]], demand)) {
                            return false;
                        }
                    }
                }
            }
            start = blockEnd;
        }
        return true;
    }

    /** The index of the node at this rank (0: the least utilised). */
    public int nodeAt(final int rank) {
        int start = 0;
        for (int k = 0; k < blocks; k++) {
            final int b = order[k];
            if (rank < start + sizes[b]) {
                return members[b][rank - start];
            }
            start += sizes[b];
        }
        throw new IndexOutOfBoundsException("rank " + rank + " of " + nodes.length + " nodes");
    }

    /** The node indices in rank order (tests). */
    int[] order() {
        final int[] ranked = new int[nodes.length];
        int at = 0;
        for (int k = 0; k < blocks; k++) {
            System.arraycopy(members[order[k]], 0, ranked, at, sizes[order[k]]);
            at += sizes[order[k]];
        }
        return ranked;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Whether node a ranks before node b: less utilised, ties to the lower index (the hybrid policy's order). */
    private boolean before(final int a, final int b) {
        return utilization[a] < utilization[b] || utilization[a] == utilization[b] && a < b;
    }

    private void remove(final int i) {
        final int b = blockOf[i];
        final int[] block = members[b];
        int j = 0;
        while (block[j] != i) {
            j++;
        }
        System.arraycopy(block, j + 1, block, j, sizes[b] - j - 1);
        if (--sizes[b] == 0 && blocks > 1) {
            dropBlock(b);
            return;
        }
        boolean stale = false;
        for (int r = 0; r < resources; r++) {
            stale |= leave(b, r, seen[i][r]);  // the last node with a least amount left: the least may be more now
        }
        if (stale) {
            recomputeLeast(b);
        }
    }

    private void insert(final int i) {
        int k = 0;  // the first block whose last node ranks after i (or the last block)
        int high = blocks - 1;
        while (k < high) {
            final int mid = (k + high) >>> 1;
            if (before(members[order[mid]][sizes[order[mid]] - 1], i)) {
                k = mid + 1;
            } else {
                high = mid;
            }
        }
        final int b = order[k];
        final int[] block = members[b];
        int lo = 0;
        int hi = sizes[b];
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (before(block[mid], i)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        System.arraycopy(block, lo, block, lo + 1, sizes[b] - lo);
        block[lo] = i;
        sizes[b]++;
        blockOf[i] = b;
        for (int r = 0; r < resources; r++) {
            join(b, r, seen[i][r]);
        }
        if (sizes[b] > MAX_BLOCK) {
            split(k);
        }
    }

    /** Splits the block at position k of the order in two halves. */
    private void split(final int k) {
        final int b = order[k];
        final int upper = newBlock();
        System.arraycopy(order, k + 1, order, k + 2, blocks - k - 1);
        order[k + 1] = upper;
        blocks++;
        final int half = sizes[b] / 2;
        sizes[upper] = sizes[b] - half;
        System.arraycopy(members[b], half, members[upper], 0, sizes[upper]);
        sizes[b] = half;
        for (int j = 0; j < sizes[upper]; j++) {
            blockOf[members[upper][j]] = upper;
        }
        recomputeLeast(b);
        recomputeLeast(upper);
    }

    private void dropBlock(final int b) {
        int k = 0;
        while (order[k] != b) {
            k++;
        }
        System.arraycopy(order, k + 1, order, k, blocks - k - 1);
        blocks--;
        freeIds[freeCount++] = b;
    }

    /** A block id not in use, with its arrays. */
    private int newBlock() {
        final int id = freeIds[--freeCount];
        if (members[id] == null) {
            members[id] = new int[MAX_BLOCK + 1];
            least[id] = new long[resources];
            leastCount[id] = new int[resources];
        }
        sizes[id] = 0;
        return id;
    }

    private void recomputeLeast(final int b) {
        Arrays.fill(least[b], Long.MAX_VALUE);
        Arrays.fill(leastCount[b], 0);
        final int[] block = members[b];
        for (int j = 0; j < sizes[b]; j++) {
            final long[] amounts = seen[block[j]];
            for (int r = 0; r < resources; r++) {
                join(b, r, amounts[r]);
            }
        }
    }

    /** Records what node i has available now. */
    private void see(final int i) {
        final long[] amounts = seen[i];
        for (int r = 0; r < resources; r++) {
            amounts[r] = nodes[i].available(r);
        }
    }

    private static boolean covers(final long[] available, final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            if (demand[r] > 0 && (r >= available.length || available[r] < demand[r])) {
                return false;
            }
        }
        return true;
    }

    private boolean has(final LogicalNode node, final long[] demand) {
        for (int r = 0; r < demand.length; r++) {
            if (demand[r] > 0 && (r >= resources || node.available(r) < demand[r])) {
                return false;
            }
        }
        return true;
    }
}
