package io.kairos.exception;

/** {@link io.kairos.ObjectRef#get(java.time.Duration)} timed out before the object was ready. */
public class GetTimeoutException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was not ready and the time waited
     */
    public GetTimeoutException(final String message) {
        super(message);
    }
}
