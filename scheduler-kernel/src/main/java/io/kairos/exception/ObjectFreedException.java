package io.kairos.exception;

/**
 * A get of an object that was freed ({@link io.kairos.ObjectRef#free()}), or a task that takes it as an argument:
 * its value is gone on purpose and is not made again (Ray: {@code ObjectFreedError}).
 */
public class ObjectFreedException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the object and when it was freed
     */
    public ObjectFreedException(final String message) {
        super(message, null);
    }
}
