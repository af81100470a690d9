package io.kairos.exception;

/** {@link ObjectRef#get(java.time.Duration)} timed out before the object was ready. */
public class GetTimeoutException extends KairosException {
    private static final long serialVersionUID = 1L;

    public GetTimeoutException(final String message) {
        super(message);
    }
}
