package io.kairos.exception;

/**
 * The conductor took no command for {@link io.kairos.KernelContext#commandQueueTimeout} while its command queue was
 * full, so a submission (task, actor call, cancel, ...) was not made. The conductor is stalled: in
 * {@link io.kairos.ThreadingMode#INVOKER} mode no thread drives it, or a listener or plugin blocks its thread.
 */
public class CommandQueueFullException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the queue's capacity, how long the caller waited, and what to look at
     */
    public CommandQueueFullException(final String message) {
        super(message);
    }
}
