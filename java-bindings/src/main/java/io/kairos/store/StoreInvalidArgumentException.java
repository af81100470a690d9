package io.kairos.store;

/** An argument is out of its range or malformed (a null id, a negative or oversized size, a bad name). */
public class StoreInvalidArgumentException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreInvalidArgumentException(final int status, final String message) {
        super(status, message);
    }

    public StoreInvalidArgumentException(final String message) {
        super(0, message);
    }
}
