package io.kairos;

import io.kairos.internal.journal.JournalRecords;
import io.kairos.internal.journal.TaskCodec;
import io.kairos.spi.journal.Journal;
import io.kairos.spi.journal.JournalOptions;
import io.kairos.spi.journal.JournalProvider;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * What a kernel's journal says happened: every task with its state and times, every actor with its state, and a
 * Chrome trace of the run ({@link #writeChromeTrace}, what {@code ray timeline} gives; open it in chrome://tracing or
 * Perfetto). Read from a data directory, of a kernel running or not (the journal allows a reader beside its writer).
 *
 * <pre>{@code
 * JournalHistory history = JournalHistory.read(Path.of("/var/lib/kairos"));
 * history.tasks(JournalHistory.TaskState.RUNNING).forEach(System.out::println);
 * }</pre>
 */
public final class JournalHistory {
    /** A task's state as the journal last saw it. */
    public enum TaskState {
        /** Submitted (or retried) and not started since. */
        SUBMITTED,
        /** Started and not ended. */
        RUNNING,
        /** Ended with a result. */
        FINISHED,
        /** Ended with an exception. */
        FAILED,
        /** Cancelled, or stopped by the kernel's close. */
        CANCELLED,
        /** Could not be run again after a restart (see {@link Recovery#unrecoverable()}). */
        UNRECOVERABLE
    }

    /**
     * One task.
     *
     * @param id        the task's id
     * @param name      the name given, else the function's ("Demo::square"); "?" if its submission was not written
     * @param state     its last state
     * @param submitted epoch nanos, or 0 if not seen
     * @param started   epoch nanos of the last start, or 0
     * @param ended     epoch nanos, or 0 while not ended
     * @param node      the index of the node it last started on, or -1
     * @param attempts  how many times it started
     */
    public record TaskRecord(long id, String name, TaskState state, long submitted, long started, long ended,
                             int node, int attempts) {
    }

    /**
     * One actor and the last state the journal saw.
     *
     * @param id    the actor's id
     * @param state PENDING_CREATION, ALIVE, RESTARTING or DEAD
     * @param time  when it entered that state, in epoch nanos
     */
    public record ActorRecord(long id, String state, long time) {
    }

    /** One run of a task on a node, from start to end (for the timeline). */
    private record Run(long task, int node, long start, long end, String outcome) {
    }

    private final TreeMap<Long, TaskRecord> tasks = new TreeMap<>();
    private final Map<Long, ActorRecord> actors = new LinkedHashMap<>();
    private final List<Run> runs = new ArrayList<>();
    private final Map<Integer, String> functionNames = new LinkedHashMap<>();
    private long records;

    private JournalHistory() {
    }

    /**
     * Reads the journal under dataDirectory/journal with the first journal plugin on the class path.
     *
     * @param dataDirectory the kernel's data directory ({@link KernelContext#dataDirectory}), not null
     * @return what the journal holds
     * @throws IllegalStateException if no journal plugin is on the class path
     */
    public static JournalHistory read(final Path dataDirectory) {
        final JournalProvider provider = ServiceLoader.load(JournalProvider.class).findFirst().orElseThrow(() ->
            new IllegalStateException("no journal plugin is on the class path (add kairos-journal-chronicle)"));
        return read(dataDirectory, provider);
    }

    /**
     * Reads the journal under dataDirectory/journal with this plugin.
     *
     * @param dataDirectory the kernel's data directory ({@link KernelContext#dataDirectory}), not null
     * @param provider      the journal plugin that wrote it
     * @return what the journal holds
     */
    public static JournalHistory read(final Path dataDirectory, final JournalProvider provider) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        try (Journal journal = provider.open(dataDirectory.resolve("journal"), JournalOptions.DEFAULT)) {
            return read(journal);
        }
    }

    static JournalHistory read(final Journal journal) {
        final JournalHistory history = new JournalHistory();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        final Map<Long, Long> runStarts = new LinkedHashMap<>();
        journal.replay(excerpt -> JournalRecords.forEach(excerpt, view, record -> history.add(record, runStarts)));
        return history;
    }

    private void add(final UnsafeBuffer view, final Map<Long, Long> runStarts) {
        records++;
        if (view.capacity() < JournalRecords.HEADER_LENGTH) {
            return;
        }
        final int type = view.getInt(JournalRecords.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long id = view.getLong(JournalRecords.ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final long time = view.getLong(JournalRecords.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final TaskRecord was = tasks.get(id);
        switch (type) {
            case JournalRecords.FUNCTION: {
                final TaskCodec.FunctionRecord f = TaskCodec.readFunction(view);
                final String implClass = f.implClass().substring(f.implClass().lastIndexOf('/') + 1).replace('$', '.');
                functionNames.put((int) id, implClass + "::"
                    + (f.implMethodName().startsWith("lambda$") ? "lambda" : f.implMethodName()));
                break;
            }
            case JournalRecords.SUBMITTED:
            case JournalRecords.UNREPLAYABLE: {
                String name = "?";
                if (type == JournalRecords.SUBMITTED) {
                    name = TaskCodec.readName(view);
                    if (name == null) {
                        name = functionNames.getOrDefault(TaskCodec.readFunctionId(view), "?");
                    }
                }
                tasks.put(id, was == null ? new TaskRecord(id, name, TaskState.SUBMITTED, time, 0, 0, -1, 0)
                    : new TaskRecord(id, was.name().equals("?") ? name : was.name(), was.state(),
                        was.submitted() == 0 ? time : was.submitted(), was.started(), was.ended(), was.node(),
                        was.attempts()));
                break;
            }
            case JournalRecords.STARTED: {
                final int node = view.getInt(JournalRecords.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
                final TaskRecord base = was != null ? was : new TaskRecord(id, "?", TaskState.SUBMITTED, 0, 0, 0, -1, 0);
                tasks.put(id, new TaskRecord(id, base.name(), TaskState.RUNNING, base.submitted(), time, 0, node,
                    base.attempts() + 1));
                runStarts.put(id, time);
                break;
            }
            case JournalRecords.FINISHED:
            case JournalRecords.FAILED:
            case JournalRecords.CANCELLED:
            case JournalRecords.UNRECOVERABLE:
            case JournalRecords.RETRIED: {
                final TaskRecord base = was != null ? was : new TaskRecord(id, "?", TaskState.SUBMITTED, 0, 0, 0, -1, 0);
                final Long start = runStarts.remove(id);
                if (start != null) {
                    runs.add(new Run(id, base.node(), start, time, JournalRecords.typeName(type)));
                }
                final TaskState state = type == JournalRecords.FINISHED ? TaskState.FINISHED
                    : type == JournalRecords.FAILED ? TaskState.FAILED
                    : type == JournalRecords.CANCELLED ? TaskState.CANCELLED
                    : type == JournalRecords.UNRECOVERABLE ? TaskState.UNRECOVERABLE : TaskState.SUBMITTED;
                tasks.put(id, new TaskRecord(id, base.name(), state, base.submitted(), base.started(),
                    type == JournalRecords.RETRIED ? 0 : time, base.node(), base.attempts()));
                break;
            }
            case JournalRecords.ACTOR:
                actors.put(id, new ActorRecord(id, TaskCodec.readStringBody(view), time));
                break;
            default:
                break;
        }
    }

    /**
     * How many records the journal holds.
     *
     * @return the record count
     */
    public long records() {
        return records;
    }

    /**
     * Every task.
     *
     * @return the tasks by id, unmodifiable
     */
    public List<TaskRecord> tasks() {
        return List.copyOf(tasks.values());
    }

    /**
     * The tasks in one state.
     *
     * @param state the state
     * @return those tasks by id, a new list
     */
    public List<TaskRecord> tasks(final TaskState state) {
        final List<TaskRecord> list = new ArrayList<>();
        for (final TaskRecord task : tasks.values()) {
            if (task.state() == state) {
                list.add(task);
            }
        }
        return list;
    }

    /**
     * How many tasks are in each state.
     *
     * @return every state, in declaration order, to its count (0 included)
     */
    public Map<TaskState, Integer> taskCounts() {
        final Map<TaskState, Integer> counts = new LinkedHashMap<>();
        for (final TaskState state : TaskState.values()) {
            counts.put(state, 0);
        }
        for (final TaskRecord task : tasks.values()) {
            counts.merge(task.state(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Every actor with its last state.
     *
     * @return the actors in the order first seen, unmodifiable
     */
    public List<ActorRecord> actors() {
        return Collections.unmodifiableList(new ArrayList<>(actors.values()));
    }

    /**
     * Writes the runs as a Chrome trace (JSON "traceEvents"): one complete event per run of a task, one process per
     * node, runs that overlap on a node on separate rows; times in microseconds from the first event.
     *
     * @param out where to write; flushed, not closed
     * @throws IOException if writing fails
     */
    public void writeChromeTrace(final Writer out) throws IOException {
        long origin = Long.MAX_VALUE;
        for (final Run run : runs) {
            origin = Math.min(origin, run.start());
        }
        final List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
        final Map<Integer, List<Long>> rowEnds = new TreeMap<>();
        out.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
        boolean first = true;
        for (final Run run : sorted) {
            final List<Long> ends = rowEnds.computeIfAbsent(run.node(), n -> new ArrayList<>());
            int row = 0;
            while (row < ends.size() && ends.get(row) > run.start()) {
                row++;
            }
            if (row == ends.size()) {
                ends.add(run.end());
            } else {
                ends.set(row, run.end());
            }
            final TaskRecord task = tasks.get(run.task());
            out.write(first ? "\n" : ",\n");
            first = false;
            out.write("{\"name\":\"" + json(task == null ? "?" : task.name()) + "\",\"cat\":\"task\",\"ph\":\"X\",\"ts\":"
                + micros(run.start() - origin) + ",\"dur\":" + micros(run.end() - run.start()) + ",\"pid\":"
                + run.node() + ",\"tid\":" + row + ",\"args\":{\"task\":" + run.task() + ",\"outcome\":\""
                + run.outcome() + "\"}}");
        }
        for (final Integer node : rowEnds.keySet()) {
            out.write(",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + node + ",\"args\":{\"name\":\"node "
                + node + "\"}}");
        }
        out.write("\n]}\n");
        out.flush();
    }

    private static String micros(final long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1000.0);
    }

    private static String json(final String s) {
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "JournalHistory{records=" + records + ", tasks=" + taskCounts() + ", actors=" + actors.size() + '}';
    }
}
