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
}
