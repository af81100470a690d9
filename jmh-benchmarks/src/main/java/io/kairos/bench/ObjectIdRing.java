package io.kairos.bench;

import io.kairos.store.ObjectId;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Pre-generated object ids, handed out in a cycle, so that a benchmark's loop allocates no ids. Ids share a random
 * high half and count up in the low half. A put benchmark that recycles them needs more ids than the store can
 * hold objects, so that an id comes round again only after its object was evicted.
 */
public final class ObjectIdRing {
    private final ObjectId[] ids;
    private final int mask;
    private int next;

    /** @param size a power of two */
    public ObjectIdRing(final int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        }
        final long hi = ThreadLocalRandom.current().nextLong();
        ids = new ObjectId[size];
        for (int i = 0; i < size; i++) {
            ids[i] = ObjectId.of(hi, i);
        }
        mask = size - 1;
    }

    /** The next id of the cycle. Not thread-safe: one ring per thread. */
    public ObjectId next() {
        final ObjectId id = ids[next];
        next = (next + 1) & mask;
        return id;
    }

    public ObjectId get(final int index) {
        return ids[index & mask];
    }

    public int size() {
        return ids.length;
    }
}
