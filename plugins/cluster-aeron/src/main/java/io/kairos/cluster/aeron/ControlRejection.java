package io.kairos.cluster.aeron;

/**
 * A command refused by {@link ControlState} or {@link ControlCodec}: a status and a message naming the field and the
 * limit. Thrown before any change is made, so a rejected command leaves the state as it was. It carries no stack
 * trace: it is an answer to a client, not a fault of the service.
 */
public final class ControlRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ControlStatus status;

    /**
     * @param status  why the command was refused; never {@link ControlStatus#OK}.
     * @param message what was wrong, naming the field and the limit.
     */
    public ControlRejection(final ControlStatus status, final String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /**
     * @return why the command was refused.
     */
    public ControlStatus status() {
        return status;
    }
}
