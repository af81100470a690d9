package io.kairos.journal.chronicle;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;

import java.nio.file.Path;

/**
 * Opens {@link ChronicleJournal}s; registered for {@code ServiceLoader} under the name {@value #NAME}.
 *
 * <p>Loading this class turns off Chronicle's usage analytics and start-up announcements
 * ({@code chronicle.analytics.disable}, {@code chronicle.announcer.disable}) unless those properties are already set.
 */
public final class ChronicleJournalProvider implements JournalProvider {
    /** The provider's name. */
    public static final String NAME = "chronicle";

    static {
        ChronicleDefaults.apply();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens (creating if needed) a Chronicle Queue journal in this directory; see {@link ChronicleJournal}.
     *
     * @throws io.kairos.spi.journal.JournalException if the directory cannot be created, read or written, is used by
     *                                                another process, or holds a damaged journal file
     */
    @Override
    public Journal open(final Path directory, final JournalOptions options) {
        return new ChronicleJournal(directory, options);
    }
}
