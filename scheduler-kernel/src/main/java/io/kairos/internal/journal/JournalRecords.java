package io.kairos.internal.journal;

/**
 * The layout of a journal record (little-endian), as the kernel appends it through the journal SPI:
 *
 * <pre>
 *   0                   4                            12                           20
 *   +-------------------+----------------------------+----------------------------+---------------
 *   | type (int)        | id (long): task, actor,    | time (long): epoch nanos   | body (by type)
 *   |                   | group or function          |                            |
 *   +-------------------+----------------------------+----------------------------+---------------
 * </pre>
 *
 * Bodies: FUNCTION (id = function id) the {@link java.lang.invoke.SerializedLambda} fields of a non-capturing task
 * function; SUBMITTED a task ({@link TaskEncoder}); STARTED node index (int), attempt (int); FINISHED, FAILED,
 * CANCELLED, RETRIED nothing; UNRECOVERABLE (an end, written by recovery) and UNREPLAYABLE (a submission that could
 * not be written whole) a reason (string); ACTOR and GROUP a state (string). Strings are an int
 * length (-1 for null) and that many UTF-16 chars.
 */
public final class JournalRecords {
    public static final int TYPE_OFFSET = 0;
    public static final int ID_OFFSET = 4;
    public static final int TIME_OFFSET = 12;
    public static final int HEADER_LENGTH = 20;

    public static final int FUNCTION = 1;
    public static final int SUBMITTED = 2;
    public static final int STARTED = 3;
    public static final int FINISHED = 4;
    public static final int FAILED = 5;
    public static final int CANCELLED = 6;
    public static final int RETRIED = 7;
    /** A submitted task the kernel cannot run again after a restart (the reason says why); it counts as ended. */
    public static final int UNRECOVERABLE = 8;
    public static final int ACTOR = 9;
    public static final int GROUP = 10;
    /** A task submitted whose function or arguments could not be written (the reason says why): not an end. */
    public static final int UNREPLAYABLE = 11;

    /** The largest record type. */
    public static final int MAX_TYPE = UNREPLAYABLE;

    private JournalRecords() {
    }

    /** A record type's name, for timelines and messages. */
    public static String typeName(final int type) {
        switch (type) {
            case FUNCTION: return "FUNCTION";
            case SUBMITTED: return "SUBMITTED";
            case STARTED: return "STARTED";
            case FINISHED: return "FINISHED";
            case FAILED: return "FAILED";
            case CANCELLED: return "CANCELLED";
            case RETRIED: return "RETRIED";
            case UNRECOVERABLE: return "UNRECOVERABLE";
            case ACTOR: return "ACTOR";
            case GROUP: return "GROUP";
            case UNREPLAYABLE: return "UNREPLAYABLE";
            default: return "type " + type;
        }
    }

    /** Whether the task is over after a record of this type (it is not run again on recovery). */
    public static boolean ends(final int type) {
        return type == FINISHED || type == FAILED || type == CANCELLED || type == UNRECOVERABLE;
    }
}
