package io.kairos.store;

/** No such object, or no such store to attach to. */
public class ObjectNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(final int status, final String message) {
        super(status, message);
    }
}
