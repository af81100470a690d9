package io.kairos.store;

/** The object is in the wrong state for the call, e.g. sealing a sealed object or releasing without a pin. */
public class ObjectStateException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ObjectStateException(final int status, final String message) {
        super(status, message);
    }
}
