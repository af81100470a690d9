package io.kairos.exception;

/** The task was cancelled ({@link io.kairos.Kernel#cancel}) or the kernel closed before it ran. */
public class TaskCancelledException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the task and when it was cancelled
     */
    public TaskCancelledException(final String message) {
        super(message);
    }
}
