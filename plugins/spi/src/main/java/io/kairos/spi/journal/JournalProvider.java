package io.kairos.spi.journal;

import java.nio.file.Path;

/**
 * Opens a {@link Journal} in a data directory. Found by {@code ServiceLoader} (the first one on the class path) when
 * the kernel is given a data directory and no provider, or registered on the kernel's context.
 */
public interface JournalProvider {
    /** A short name for messages, e.g. "chronicle". */
    String name();

    /**
     * Opens (creating if needed) the journal under this directory.
     *
     * @throws JournalException if the directory cannot be created, read or written, naming it and why
     */
    Journal open(Path directory, JournalOptions options);
}
