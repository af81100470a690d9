package io.kairos.journal.chronicle;

/** I/O helpers the journal's classes share: an exception as a message names it, and closing that cannot fail. */
final class JournalIo {
    private JournalIo() {
    }

    /** The exception's simple class name and message, for a {@link io.kairos.spi.journal.JournalException}'s text. */
    static String describe(final Exception e) {
        final String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static void closeQuietly(final AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing; nothing to recover
        }
    }
}
