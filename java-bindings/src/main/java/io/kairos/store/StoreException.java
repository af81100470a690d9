package io.kairos.store;

/**
 * A store call failed. The subclass says why; the message names the operation, the object and the limit.
 * {@link #status()} is the C ABI's code (e.g. {@code KAIROS_ERR_STORE_FULL}).
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public StoreException(final int status, final String message) {
        super(message);
        this.status = status;
    }

    /** The native status code; 0 where the Java side detected the problem itself. */
    public int status() {
        return status;
    }
}
