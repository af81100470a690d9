package io.kairos.store;

/** No room for the object even after evicting every evictable object, or the object table is full. */
public class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(final int status, final String message) {
        super(status, message);
    }
}
