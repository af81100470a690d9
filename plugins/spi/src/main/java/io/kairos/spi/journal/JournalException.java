package io.kairos.spi.journal;

/** A journal cannot be opened, read or written: the message names the file or directory and what is wrong. */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(final String message) {
        super(message);
    }

    public JournalException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
