package io.kairos.store;

/** The store handle was closed. */
public class StoreClosedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(final int status, final String message) {
        super(status, message);
    }
}
