package io.kairos.data;

import java.io.Serializable;

/**
 * A row of a {@link GroupedDataset#aggregate}: a key and its group's value.
 *
 * @param key   the key (may be null: the rows whose key was null)
 * @param value the aggregation's result for the key's rows
 * @param <K>   the key's type
 * @param <V>   the value's type
 */
public record Group<K, V>(K key, V value) implements Serializable {
}
