package io.kairos.store;

/**
 * A consistent snapshot of a store's counters.
 *
 * @param capacity          arena bytes
 * @param bytesUsed         arena bytes in allocated blocks, 64-byte block headers included
 * @param objects           objects in the table, sealed or not
 * @param sealedObjects     sealed objects
 * @param pinnedObjects     objects with at least one pin
 * @param evictions         objects evicted since the store was created
 * @param evictedBytes      payload bytes evicted
 * @param allocationFailures creates that failed because the store was full
 * @param maxObjects        the object table's size
 * @param clients           attached processes, the owner included
 * @param recoveries        times a dead lock holder's state was repaired
 * @param deadClientsReaped clients found dead whose pins and unsealed objects were released
 */
public record StoreStats(long capacity, long bytesUsed, long objects, long sealedObjects, long pinnedObjects,
                         long evictions, long evictedBytes, long allocationFailures, long maxObjects, long clients,
                         long recoveries, long deadClientsReaped) {
}
