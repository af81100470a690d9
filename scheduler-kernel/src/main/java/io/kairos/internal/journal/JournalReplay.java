package io.kairos.internal.journal;

import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalException;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a journal says when a kernel starts on it: the functions it names, the tasks submitted and not ended (to run
 * again, oldest first), how many ended, and the largest id used (new ids continue after it).
 */
public final class JournalReplay {
    private final Map<Integer, TaskCodec.FunctionRecord> functions = new HashMap<>();
    private final TreeMap<Long, byte[]> submitted = new TreeMap<>();
    private final Set<Long> ended = new HashSet<>();
    private final Set<Long> finished = new HashSet<>();
    private final Map<Long, String> states = new HashMap<>();
    private long maxId;
    private int maxFunctionId;
    private long records;

    /**
     * Reads the whole journal.
     *
     * @throws JournalException if the journal is corrupt, or a record is not one the kernel writes
     */
    public static JournalReplay read(final Journal journal) {
        final JournalReplay replay = new JournalReplay();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        journal.replay(excerpt -> JournalRecords.forEach(excerpt, view, replay::add));
        return replay;
    }

    private void add(final UnsafeBuffer view) {
        final int length = view.capacity();
        if (length < JournalRecords.HEADER_LENGTH) {
            throw new JournalException("journal record " + records + " is " + length + " bytes, shorter than a "
                + JournalRecords.HEADER_LENGTH + "-byte header");
        }
        final int type = view.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long id = view.getLong(JournalRecords.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (type < 1 || type > JournalRecords.MAX_TYPE) {
            throw new JournalException("journal record " + records + " has unknown type " + type
                + ": not a Kairos journal, or a newer one");
        }
        records++;
        if (type == JournalRecords.FUNCTION) {
            try {
                functions.put((int) id, TaskCodec.readFunction(view));
            } catch (final RuntimeException e) {
                throw new JournalException("journal record " + (records - 1) + " (FUNCTION " + id + ") is malformed: "
                    + e, e);
            }
            maxFunctionId = Math.max(maxFunctionId, (int) id);
            return;
        }
        maxId = Math.max(maxId, id);
        if (type == JournalRecords.SUBMITTED || type == JournalRecords.UNREPLAYABLE) {
            final byte[] copy = new byte[length];
            view.getBytes(0, copy);
            submitted.put(id, copy);
        } else if (JournalRecords.ends(type)) {
            ended.add(id);
            if (type == JournalRecords.FINISHED) {
                finished.add(id);
            }
        } else if (type == JournalRecords.ACTOR || type == JournalRecords.GROUP) {
            states.put(id, TaskCodec.readStringBody(view));
        }
    }

    public Map<Integer, TaskCodec.FunctionRecord> functions() {
        return functions;
    }

    /** The SUBMITTED (or UNREPLAYABLE) records of tasks that did not end, by task id ascending. */
    public List<byte[]> pending() {
        final List<byte[]> pending = new ArrayList<>();
        submitted.forEach((id, record) -> {
            if (!ended.contains(id)) {
                pending.add(record);
            }
        });
        return pending;
    }

    /** Whether the task with this id finished (its result was made) according to the journal. */
    public boolean finishedTask(final long id) {
        return finished.contains(id);
    }

    /** Whether the task with this id was submitted and ended. */
    public boolean endedTask(final long id) {
        return ended.contains(id) && submitted.containsKey(id);
    }

    /** How many submitted tasks ended. */
    public int endedTasks() {
        int count = 0;
        for (final Long id : submitted.keySet()) {
            count += ended.contains(id) ? 1 : 0;
        }
        return count;
    }

    /**
     * The last state the journal saw of the actor or placement group with this id (e.g. "ALIVE", "DEAD",
     * "CREATED", "REMOVED"), or null.
     */
    public String state(final long id) {
        return states.get(id);
    }

    public long maxId() {
        return maxId;
    }

    public int maxFunctionId() {
        return maxFunctionId;
    }

    public long records() {
        return records;
    }
}
