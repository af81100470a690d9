package io.kairos.exception;

/** The actor already has its maximum of pending calls (ActorCreator#setMaxPendingCalls); the call was not submitted. */
public class PendingCallsLimitExceededException extends KairosException {
    private static final long serialVersionUID = 1L;

    public PendingCallsLimitExceededException(final String message) {
        super(message);
    }
}
