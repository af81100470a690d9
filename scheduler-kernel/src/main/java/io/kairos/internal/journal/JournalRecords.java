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

    /** Records appended as one: id = how many; body = (length int, record)*. */
    public static final int BATCH = 12;

    /** The largest record type. */
    public static final int MAX_TYPE = BATCH;

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
            case BATCH: return "BATCH";
            default: return "type " + type;
        }
    }

    /**
     * Hands each record of a journal excerpt to the consumer: the excerpt itself, or each record of a BATCH, as a view
     * (valid during the call).
     *
     * @throws io.kairos.spi.journal.JournalException if a batch's lengths do not add up
     */
    public static void forEach(final java.nio.ByteBuffer excerpt, final org.agrona.concurrent.UnsafeBuffer view,
                               final java.util.function.Consumer<org.agrona.concurrent.UnsafeBuffer> consumer) {
        final int length = excerpt.remaining();
        view.wrap(excerpt, excerpt.position(), length);
        if (length < HEADER_LENGTH || view.getInt(TYPE_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN) != BATCH) {
            consumer.accept(view);
            return;
        }
        final long count = view.getLong(ID_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        int p = HEADER_LENGTH;
        for (long i = 0; i < count; i++) {
            final int recordLength = p + 4 <= length ? view.getInt(p, java.nio.ByteOrder.LITTLE_ENDIAN) : -1;
            if (recordLength < 0 || p + 4 + recordLength > length) {
                throw new io.kairos.spi.journal.JournalException("journal batch of " + count + " records is malformed "
                    + "at record " + i + " (offset " + p + " of " + length + " bytes)");
            }
            final org.agrona.concurrent.UnsafeBuffer record = new org.agrona.concurrent.UnsafeBuffer(excerpt,
                excerpt.position() + p + 4, recordLength);
            consumer.accept(record);
            p += 4 + recordLength;
        }
        view.wrap(excerpt, excerpt.position(), length);
    }

    /** Whether the task is over after a record of this type (it is not run again on recovery). */
    public static boolean ends(final int type) {
        return type == FINISHED || type == FAILED || type == CANCELLED || type == UNRECOVERABLE;
    }
}
