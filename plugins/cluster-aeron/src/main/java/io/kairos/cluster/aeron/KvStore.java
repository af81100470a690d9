package io.kairos.cluster.aeron;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The control store's key-value entries with their limits ({@link ControlState#MAX_KV_ENTRIES},
 * {@link ControlState#MAX_KV_TOTAL_BYTES}, {@link ControlState#MAX_VALUE_BYTES}): sorted, so iteration and snapshots
 * are deterministic. Not thread-safe: the clustered service's thread owns it.
 */
final class KvStore {
    private final TreeMap<String, byte[]> entries = new TreeMap<>();
    private long bytes;

    /** Puts a copy of the value; see {@link ControlState#kvPut}. */
    void put(final String key, final byte[] value) {
        final int keyBytes = ControlState.checkName("key", key);
        if (value.length > ControlState.MAX_VALUE_BYTES) {
            throw new ControlRejection(ControlStatus.INVALID,
                "value: " + value.length + " bytes, limit " + ControlState.MAX_VALUE_BYTES);
        }
        final byte[] old = entries.get(key);
        if (old == null && entries.size() >= ControlState.MAX_KV_ENTRIES) {
            throw new ControlRejection(ControlStatus.INVALID, "kv: " + ControlState.MAX_KV_ENTRIES
                + " entries, limit reached");
        }
        final long newBytes = bytes + value.length + (old == null ? keyBytes : -old.length);
        if (newBytes > ControlState.MAX_KV_TOTAL_BYTES) {
            throw new ControlRejection(ControlStatus.INVALID,
                "kv: total would be " + newBytes + " bytes, limit " + ControlState.MAX_KV_TOTAL_BYTES);
        }
        entries.put(key, value.clone());
        bytes = newBytes;
    }

    /** A copy of the value, or null. */
    byte[] get(final String key) {
        final byte[] value = entries.get(key);
        return value == null ? null : value.clone();
    }

    /** Removes an entry; false if there was none. */
    boolean remove(final String key) {
        final byte[] old = entries.remove(key);
        if (old == null) {
            return false;
        }
        bytes -= old.length + ControlState.utf8Length(key);
        return true;
    }

    /** Bytes of keys and values. */
    long bytes() {
        return bytes;
    }

    /** The entries, sorted by key; do not modify. */
    Map<String, byte[]> entries() {
        return entries;
    }

    /** Loads an entry read from a snapshot. */
    void load(final String key, final byte[] value) {
        entries.put(key, value);
        bytes += ControlState.utf8Length(key) + value.length;
    }

    void replaceWith(final KvStore other) {
        entries.clear();
        entries.putAll(other.entries);
        bytes = other.bytes;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof KvStore other) || bytes != other.bytes || !entries.keySet().equals(other.entries.keySet())) {
            return false;
        }
        for (final Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.entries.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries.keySet(), bytes);
    }
}
