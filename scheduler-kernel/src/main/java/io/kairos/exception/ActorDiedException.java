package io.kairos.exception;

/**
 * The actor is dead (its constructor failed, it was killed, or it crashed with no restarts left) or was restarting
 * when the call was in flight. The message names the actor; the cause, where there is one, is what killed it.
 */
public class ActorDiedException extends KairosException {
    private static final long serialVersionUID = 1L;

    public ActorDiedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
