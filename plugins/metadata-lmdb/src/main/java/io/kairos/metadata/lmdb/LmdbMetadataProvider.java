package io.kairos.metadata.lmdb;

import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.metadata.MetadataStore;

import java.nio.file.Path;

/**
 * Opens {@link LmdbMetadataStore}s (default map size 1 GiB, growing up to 64 GiB). Registered for
 * {@code ServiceLoader} under the name {@code "lmdb"}.
 */
public final class LmdbMetadataProvider implements MetadataProvider {

    /** For {@code ServiceLoader}. */
    public LmdbMetadataProvider() {
        // nothing to set up
    }

    @Override
    public String name() {
        return "lmdb";
    }

    @Override
    public MetadataStore open(final Path directory) {
        return new LmdbMetadataStore(directory);
    }

    @Override
    public String toString() {
        return "LmdbMetadataProvider[lmdb]";
    }
}
