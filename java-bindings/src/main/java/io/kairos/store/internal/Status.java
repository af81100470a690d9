package io.kairos.store.internal;

import io.kairos.store.ObjectExistsException;
import io.kairos.store.ObjectNotFoundException;
import io.kairos.store.ObjectStateException;
import io.kairos.store.StoreClosedException;
import io.kairos.store.StoreException;
import io.kairos.store.StoreFullException;
import io.kairos.store.StoreInvalidArgumentException;
import io.kairos.store.StoreTimeoutException;

/** The C ABI's status codes and their exceptions. */
public final class Status {
    public static final int OK = 0;
    public static final int INVALID_ARGUMENT = -1;
    public static final int CLOSED = -2;
    public static final int EXISTS = -3;
    public static final int NOT_FOUND = -4;
    public static final int WRONG_STATE = -5;
    public static final int STORE_FULL = -6;
    public static final int TIMEOUT = -7;

    private Status() {
    }

    /**
     * The exception for a failed call, its message built from the operation, the subject (an object id or a
     * store name) and the native detail of this thread's last failure.
     */
    public static StoreException exception(final int status, final String operation, final Object subject) {
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
