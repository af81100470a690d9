package io.kairos.spi.metadata;

import java.util.function.BiConsumer;

/**
 * Durable key-value tables. Every write is durable when it returns (committed, on disk as the store's sync setting
 * says) and atomic; reads see every write that returned before them. Thread-safe: any thread may call any method.
 *
 * <p>Keys are at most {@link #maxKeyBytes()} bytes and not empty; values may be empty. Tables are created on first
 * write; a table that was never written reads as empty.
 */
public interface MetadataStore extends AutoCloseable {
    /**
     * Stores the value under the key, replacing any.
     *
     * @throws IllegalArgumentException if the table name or key is empty or too long (naming the limit)
     * @throws MetadataException        if it cannot be written (store full, closed, I/O error)
     */
    void put(String table, byte[] key, byte[] value);

    /**
     * Stores the value only if the key is absent.
     *
     * @return true if stored, false if the key had a value (left unchanged)
     */
    boolean putIfAbsent(String table, byte[] key, byte[] value);

    /** The value under the key, or null. */
    byte[] get(String table, byte[] key);

    /** Removes the key; true if it was there. */
    boolean delete(String table, byte[] key);

    /** Hands every entry whose key starts with the prefix (empty: all) to the consumer, in key order (bytewise). */
    void scan(String table, byte[] prefix, BiConsumer<byte[], byte[]> consumer);

    /** The longest key the store takes, in bytes. */
    int maxKeyBytes();

    /** Closes the store; idempotent. Calls after close throw MetadataException. */
    @Override
    void close();
}
