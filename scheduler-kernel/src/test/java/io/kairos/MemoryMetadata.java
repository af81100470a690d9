package io.kairos;

import io.kairos.spi.metadata.MetadataException;
import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.metadata.MetadataStore;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/** Metadata tables in memory that outlive the kernels that open them: a restart in one process, for tests. */
final class MemoryMetadata implements MetadataProvider {
    final Map<String, ConcurrentSkipListMap<byte[], byte[]>> tables = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public MetadataStore open(final Path directory) {
        return new MetadataStore() {
            private volatile boolean closed;

            private ConcurrentSkipListMap<byte[], byte[]> table(final String name) {
                if (closed) {
                    throw new MetadataException("memory metadata is closed");
                }
                return tables.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
            }

            @Override
            public void put(final String table, final byte[] key, final byte[] value) {
                table(table).put(key.clone(), value.clone());
            }

            @Override
            public boolean putIfAbsent(final String table, final byte[] key, final byte[] value) {
                return table(table).putIfAbsent(key.clone(), value.clone()) == null;
            }

            @Override
            public byte[] get(final String table, final byte[] key) {
                final byte[] value = table(table).get(key);
                return value == null ? null : value.clone();
            }

            @Override
            public boolean delete(final String table, final byte[] key) {
                return table(table).remove(key) != null;
            }

            @Override
            public void scan(final String table, final byte[] prefix, final BiConsumer<byte[], byte[]> consumer) {
                for (final Map.Entry<byte[], byte[]> e : table(table).tailMap(prefix, true).entrySet()) {
                    if (e.getKey().length < prefix.length
                        || !Arrays.equals(e.getKey(), 0, prefix.length, prefix, 0, prefix.length)) {
                        break;
                    }
                    consumer.accept(e.getKey().clone(), e.getValue().clone());
                }
            }

            @Override
            public int maxKeyBytes() {
                return 511;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
