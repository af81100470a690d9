package io.kairos;

import io.kairos.spi.metadata.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The kernel's durable key-value store (Ray's internal KV): small values under string keys, in namespaces, kept in
 * the data directory's metadata store and there after a restart. For users and plugins: configuration, checkpoints'
 * locations, coordination. Thread-safe; each write is durable when it returns.
 *
 * <pre>{@code
 * KeyValueStore kv = kernel.kv().namespace("jobs");
 * kv.put("job-7/state", "RUNNING".getBytes(UTF_8));
 * List<String> keys = kv.list("job-7/");
 * }</pre>
 */
public final class KeyValueStore {
    static final String TABLE = "kv";
    private static final byte SEPARATOR = 0;

    private final MetadataStore store;
    private final String namespace;
    private final byte[] prefix;

    KeyValueStore(final MetadataStore store, final String namespace) {
        this.store = store;
        this.namespace = namespace;
        final byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        this.prefix = Arrays.copyOf(ns, ns.length + 1);
        this.prefix[ns.length] = SEPARATOR;
    }

    /**
     * The store of another namespace (keys of different namespaces never meet); the kernel's is "" by default.
     *
     * @param name the namespace, any string with no NUL character
     * @return a store over the same data in that namespace
     * @throws IllegalArgumentException if the namespace is null or holds a NUL character
     */
    public KeyValueStore namespace(final String name) {
        if (name == null || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("namespace must be non-null with no NUL character, was "
                + (name == null ? "null" : "'" + name.replace("\0", "\\0") + "'"));
        }
        return new KeyValueStore(store, name);
    }

    /**
     * This store's namespace.
     *
     * @return the namespace, "" for the kernel's default
     */
    public String namespace() {
        return namespace;
    }

    /**
     * Stores the value under the key, replacing any.
     *
     * @param key   the key, not empty
     * @param value the value, not null
     * @throws IllegalArgumentException if the key is null or empty, or longer than the store takes (naming the limit)
     * @throws NullPointerException     if the value is null
     */
    public void put(final String key, final byte[] value) {
        store.put(TABLE, key(key), Objects.requireNonNull(value, "value"));
    }

    /**
     * Stores the value only if the key has none.
     *
     * @param key   the key, not empty
     * @param value the value, not null
     * @return true if stored, false if the key already had a value
     * @throws IllegalArgumentException as for {@link #put}, if the key is invalid
     * @throws NullPointerException     if the value is null
     */
    public boolean putIfAbsent(final String key, final byte[] value) {
        return store.putIfAbsent(TABLE, key(key), Objects.requireNonNull(value, "value"));
    }

    /**
     * The value under the key.
     *
     * @param key the key, not empty
     * @return the value, or null if the key has none
     * @throws IllegalArgumentException as for {@link #put}, if the key is invalid
     */
    public byte[] get(final String key) {
        return store.get(TABLE, key(key));
    }

    /**
     * Removes the key.
     *
     * @param key the key, not empty
     * @return true if it had a value
     * @throws IllegalArgumentException as for {@link #put}, if the key is invalid
     */
    public boolean delete(final String key) {
        return store.delete(TABLE, key(key));
    }

    /**
     * The keys of this namespace that start with the prefix, in order (by their UTF-8 bytes).
     *
     * @param keyPrefix the prefix, "" for all keys; not null
     * @return the keys, without the namespace; a new list
     */
    public List<String> list(final String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "prefix");
        final List<String> keys = new ArrayList<>();
        store.scan(TABLE, concat(keyPrefix), (k, v) ->
            keys.add(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8)));
        return keys;
    }

    private byte[] key(final String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must be a non-empty string, was " + (key == null ? "null" : "empty"));
        }
        final byte[] full = concat(key);
        final int max = store.maxKeyBytes() - prefix.length;
        if (full.length - prefix.length > max) {
            throw new IllegalArgumentException("key '" + abbreviate(key) + "' is " + (full.length - prefix.length)
                + " bytes in UTF-8; at most " + max + " in namespace '" + namespace + "'");
        }
        return full;
    }

    private byte[] concat(final String key) {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final byte[] full = Arrays.copyOf(prefix, prefix.length + k.length);
        System.arraycopy(k, 0, full, prefix.length, k.length);
        return full;
    }

    private static String abbreviate(final String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Override
    public String toString() {
        return "KeyValueStore{namespace='" + namespace + "'}";
    }
}
