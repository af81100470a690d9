package io.kairos.store;

/** The object was not sealed within the timeout. */
public class StoreTimeoutException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreTimeoutException(final int status, final String message) {
        super(status, message);
    }
}
