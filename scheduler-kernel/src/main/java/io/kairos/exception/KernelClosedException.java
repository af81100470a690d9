package io.kairos.exception;

/** The kernel is closed: it takes no more work. */
public class KernelClosedException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be done
     */
    public KernelClosedException(final String message) {
        super(message);
    }
}
