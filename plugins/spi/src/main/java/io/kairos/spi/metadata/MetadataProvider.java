package io.kairos.spi.metadata;

import java.nio.file.Path;

/**
 * Opens a {@link MetadataStore} in a data directory. Found by {@code ServiceLoader} (the first one on the class path)
 * when the kernel is given a data directory and no provider, or registered on the kernel's context.
 */
public interface MetadataProvider {
    /** A short name for messages, e.g. "lmdb". */
    String name();

    /**
     * Opens (creating if needed) the store under this directory.
     *
     * @throws MetadataException if the directory cannot be created, read or written, or holds something else
     */
    MetadataStore open(Path directory);
}
