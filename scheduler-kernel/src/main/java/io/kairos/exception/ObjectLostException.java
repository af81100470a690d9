package io.kairos.exception;

/**
 * An object's value is gone (its spill file cannot be read, or the process that held it died) and it cannot be made
 * again: it was put rather than made by a task, or its task was re-executed as many times as its retries allow.
 * Objects made by tasks are otherwise made again transparently (lineage reconstruction).
 */
public class ObjectLostException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the object and why it is lost
     * @param cause the failure that lost it (e.g. the spill file read), or null
     */
    public ObjectLostException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
