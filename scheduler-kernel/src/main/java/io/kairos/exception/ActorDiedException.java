package io.kairos.exception;

/**
 * The actor is dead (its constructor failed, it was killed, or it crashed with no restarts left) or was restarting
 * when the call was in flight. The message names the actor; the cause, where there is one, is what killed it.
 */
public class ActorDiedException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the actor and why it died
     * @param cause what killed the actor, or null
     */
    public ActorDiedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
