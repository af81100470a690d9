package io.kairos.store;

import io.kairos.store.internal.KairosNative;

/** The C ABI's status codes and their exceptions. */
final class Status {
    static final int OK = 0;
    static final int INVALID_ARGUMENT = -1;
    static final int CLOSED = -2;
    static final int EXISTS = -3;
    static final int NOT_FOUND = -4;
    static final int WRONG_STATE = -5;
    static final int STORE_FULL = -6;
    static final int TIMEOUT = -7;

    private Status() {
    }

    /**
     * The exception for a failed call, its message built from the operation, the subject (an object id or a
     * store name) and the native detail of this thread's last failure.
     */
    static StoreException exception(final int status, final String operation, final Object subject) {
        final String detail = KairosNative.kairos_last_error_detail();
        final String message = operation + (subject != null ? " " + subject : "") + ": "
            + (detail == null || detail.isEmpty() ? KairosNative.kairos_status_name(status) : detail)
            + " [" + KairosNative.kairos_status_name(status) + "]";
        switch (status) {
            case INVALID_ARGUMENT:
                return new StoreInvalidArgumentException(status, message);
            case CLOSED:
                return new StoreClosedException(status, message);
            case EXISTS:
                return new ObjectExistsException(status, message);
            case NOT_FOUND:
                return new ObjectNotFoundException(status, message);
            case WRONG_STATE:
                return new ObjectStateException(status, message);
            case STORE_FULL:
                return new StoreFullException(status, message);
            case TIMEOUT:
                return new StoreTimeoutException(status, message);
            default:
                return new StoreException(status, message);
        }
    }
}
