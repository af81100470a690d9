package io.kairos.exception;

/**
 * The actor already has its maximum of pending calls ({@link io.kairos.ActorCreator#setMaxPendingCalls}); the call was
 * not submitted.
 */
public class PendingCallsLimitExceededException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the actor and its limit
     */
    public PendingCallsLimitExceededException(final String message) {
        super(message);
    }
}
