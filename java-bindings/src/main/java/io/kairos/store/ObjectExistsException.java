package io.kairos.store;

/** An object (or a live store) with this id (name) exists already. */
public class ObjectExistsException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ObjectExistsException(final int status, final String message) {
        super(status, message);
    }
}
