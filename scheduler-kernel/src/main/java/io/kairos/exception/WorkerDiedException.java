package io.kairos.exception;

/**
 * The worker process running a task or an actor died (killed, exited, crashed): the task is retried on another
 * process while it has retries left, the actor restarted while it has restarts left. The message says which process
 * and how it died, e.g. "worker process 4242 died: killed by signal 9 (SIGKILL)".
 */
public class WorkerDiedException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the process and how it died
     * @param cause the failure seen when it died, or null
     */
    public WorkerDiedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
