package io.kairos.exception;

/** The task was cancelled ({@link Kernel#cancel}) or the kernel closed before it ran. */
public class TaskCancelledException extends KairosException {
    private static final long serialVersionUID = 1L;

    public TaskCancelledException(final String message) {
        super(message);
    }
}
