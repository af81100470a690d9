package io.kairos.exception;

/**
 * A task failed: its function threw, or a task it depended on failed. The message names the task; the cause is
 * the exception the task threw, with the stack trace of the worker that ran it (the "remote" stack trace).
 */
public class TaskFailedException extends KairosException {
    private static final long serialVersionUID = 1L;

    /** The failed task's name (serialized with the exception). */
    private final String taskName;

    /**
     * Creates the exception; its message is {@code task '<taskName>' failed: <message>}.
     *
     * @param taskName the failed task's name
     * @param message what failed
     * @param cause the exception the task (or the task it depended on) threw, or null
     */
    public TaskFailedException(final String taskName, final String message, final Throwable cause) {
        super("task '" + taskName + "' failed: " + message, cause);
        this.taskName = taskName;
    }

    /**
     * The failed task's name.
     *
     * @return the name given with {@code setName}, else the function's
     */
    public String taskName() {
        return taskName;
    }
}
