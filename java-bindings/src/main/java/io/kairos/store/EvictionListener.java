package io.kairos.store;

import org.agrona.DirectBuffer;

/**
 * Told of every object this process evicts to make room, before its memory is reused: the place to spill it.
 * Runs on the thread whose create triggered the eviction, with the store locked: it must not call the store, and
 * data is valid only during the call.
 */
@FunctionalInterface
public interface EvictionListener {
    void onEvicted(ObjectId id, DirectBuffer data);

    /**
     * Told, instead of {@link #onEvicted}, of an evicted object larger than {@link SharedObjectStore#MAX_OBJECT_SIZE}
     * (made by a client of the C ABI): no Java buffer can span it, so its data is not offered. Same rules as
     * {@link #onEvicted}. Does nothing by default.
     *
     * @param size the object's size in bytes, an unsigned 64-bit value
     */
    default void onEvictedTooLarge(ObjectId id, long size) {
    }
}
