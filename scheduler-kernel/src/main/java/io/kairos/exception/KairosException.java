package io.kairos.exception;

/** The base of the kernel's exceptions. */
public class KairosException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KairosException(final String message) {
        super(message);
    }

    public KairosException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
