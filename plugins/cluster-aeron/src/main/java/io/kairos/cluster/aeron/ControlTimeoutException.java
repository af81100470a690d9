package io.kairos.cluster.aeron;

/**
 * A {@link ControlClient} operation got no reply within its timeout. The command may or may not have been applied:
 * read the state back before retrying anything that is not idempotent.
 */
public final class ControlTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final long timeoutMs;

    /**
     * @param operation what was attempted, with its key arguments.
     * @param timeoutMs the timeout that passed.
     * @param phase     what was still outstanding: the offer or the reply.
     */
    public ControlTimeoutException(final String operation, final long timeoutMs, final String phase) {
        super(operation + ": " + phase + " within " + timeoutMs + " ms");
        this.operation = operation;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @return the operation that timed out.
     */
    public String operation() {
        return operation;
    }

    /**
     * @return the timeout that passed, in ms.
     */
    public long timeoutMs() {
        return timeoutMs;
    }
}
