package io.kairos.cluster.aeron;

/**
 * Outcome of one control command, carried as an int in every reply at {@link ControlCodec#STATUS_OFFSET}.
 */
public enum ControlStatus {
    /** The command was applied; the reply body holds its result, if any. */
    OK(0),
    /** The node, actor name or key does not exist. */
    NOT_FOUND(1),
    /** The command contradicts the state: a name taken, a node already registered or already declared dead. */
    CONFLICT(2),
    /** A field is out of its limits (size, count, range); the reply names the field and the limit. */
    INVALID(3),
    /** The bytes do not decode as a command (bad length, truncated field); nothing was applied. */
    MALFORMED(4),
    /** The command type is not known to this service. */
    UNKNOWN_COMMAND(5);

    private static final ControlStatus[] BY_CODE = values();

    private final int code;

    ControlStatus(final int code) {
        this.code = code;
    }

    /**
     * @return the wire code of this status.
     */
    public int code() {
        return code;
    }

    /**
     * @param code a wire code.
     * @return the status with that code, or {@code null} if none has it.
     */
    public static ControlStatus fromCode(final int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
