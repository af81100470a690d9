package io.kairos.exception;

/** The base of the kernel's exceptions. */
public class KairosException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     */
    public KairosException(final String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed
     * @param cause the underlying failure, or null
     */
    public KairosException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
