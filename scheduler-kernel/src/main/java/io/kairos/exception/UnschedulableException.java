package io.kairos.exception;

/**
 * No node can ever satisfy the request (a resource no node has enough of, a hard affinity to a missing node, hard
 * labels no node carries). Thrown at submission; the message names the resource or constraint and the limit.
 */
public class UnschedulableException extends KairosException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the task or actor and the resource or constraint no node satisfies
     */
    public UnschedulableException(final String message) {
        super(message);
    }
}
