package io.kairos.internal.conductor;

import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.internal.journal.JournalRecords;
import io.kairos.internal.journal.TaskCodec;
import io.kairos.spi.journal.Journal;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's side of the journal: the conductor hands it each transition (a submitted task as its spec, the rest as
 * a fixed-size message on a ring buffer) and goes on; this agent, on its own thread, encodes them into records and
 * appends each duty cycle's records to the {@link Journal} as one BATCH record (one append, however many records). Nothing here runs on the conductor but the two non-blocking offers
 * (which spin only while the journal is a whole queue behind).
 *
 * <p>Records of one task may reach the journal in another order than they happened (a task's FINISHED before its
 * SUBMITTED): recovery reads them as sets, so the order does not matter. {@link #offered} and {@link #appended}
 * count records so that a caller can wait until everything offered before a point is in the journal.
 */
public final class KernelJournal implements Agent {
    private static final int SUBMIT_QUEUE_CAPACITY = 1 << 16;
    private static final int RING_BYTES = 1 << 20;
    private static final int EVENT_LENGTH = 24;
    private static final int DRAIN_LIMIT = 4096;
    private static final String[] GROUP_STATES = {"PENDING", "CREATED", "REMOVED", "FAILED"};
    private static final ActorState.Status[] ACTOR_STATES = ActorState.Status.values();
    /** How the codecs tell this kernel's object references from other values. */
    static final TaskCodec.RefReader REFS = value -> value instanceof ObjectState ? ((ObjectState) value).id : -1;

    private final Journal journal;
    private final long[] defaultDemand;
    private final long epochOffsetNs;
    private final org.agrona.concurrent.NanoClock clock;
    private final OneToOneConcurrentArrayQueue<TaskSpec> submits = new OneToOneConcurrentArrayQueue<>(SUBMIT_QUEUE_CAPACITY);
    private final OneToOneRingBuffer events = new OneToOneRingBuffer(
        new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    private final UnsafeBuffer event = new UnsafeBuffer(ByteBuffer.allocateDirect(EVENT_LENGTH));
    private final TaskCodec codec;
    private final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final MessageHandler onEvent = this::onEvent;
    private final java.util.concurrent.ConcurrentLinkedQueue<Object[]> unrecoverable =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Named placement groups are kept in the metadata store: tasks in them can be recovered. */
    private final boolean groupsKept;
    private final java.util.function.IntFunction<String> resourceNames;
    /** The records of one duty cycle, appended as one BATCH record: [header][length, record]... */
    private final org.agrona.ExpandableDirectByteBuffer batch = new org.agrona.ExpandableDirectByteBuffer(1 << 16);
    private int batchLength = JournalRecords.HEADER_LENGTH;
    private int batchCount;
    private static final int MAX_BATCH_BYTES = 1 << 20;
    /** Conductor only (read by others after a conductor command). */
    private long offered;
    private volatile long appended;

    public KernelJournal(final Journal journal, final ResourceRegistry registry, final long[] defaultDemand,
                  final int firstFunctionId, final org.agrona.concurrent.NanoClock clock, final boolean groupsKept) {
        this.groupsKept = groupsKept;
        this.journal = journal;
        this.resourceNames = registry::name;
        this.defaultDemand = defaultDemand;
        this.clock = clock;
        this.epochOffsetNs = System.currentTimeMillis() * 1_000_000L - clock.nanoTime();
        this.codec = new TaskCodec(REFS, firstFunctionId);
    }

    @Override
    public String roleName() {
        return "kairos-journal";
    }

    // ---- conductor ----

    void submitted(final TaskSpec task) {
        while (!submits.offer(task)) {
            Thread.onSpinWait();
        }
        offered++;
    }

    /** A transition of a task (STARTED with its node and attempt; FINISHED, FAILED, CANCELLED, RETRIED). */
    void task(final int type, final long id, final long nowNs, final int node, final int attempt) {
        event.putLong(0, id);
        event.putLong(8, nowNs);
        event.putInt(16, node);
        event.putInt(20, attempt);
        while (!events.write(type, event, 0, EVENT_LENGTH)) {
            Thread.onSpinWait();
        }
        offered++;
    }

    void actor(final long id, final long nowNs, final ActorState.Status status) {
        task(JournalRecords.ACTOR, id, nowNs, status.ordinal(), 0);
    }

    void group(final long id, final long nowNs, final String state) {
        int code = 0;
        while (code < GROUP_STATES.length - 1 && !GROUP_STATES[code].equals(state)) {
            code++;
        }
        task(JournalRecords.GROUP, id, nowNs, code, 0);
    }

    /** Records offered so far (conductor thread, or after a conductor command). */
    long offered() {
        return offered;
    }

    // ---- any thread ----

    long appended() {
        return appended;
    }

    /** Any thread (recovery): journals that a task cannot be run again; the agent appends it. */
    void appendUnrecoverable(final long taskId, final String reason) {
        unrecoverable.add(new Object[] {taskId, reason});
    }

    // ---- agent ----

    @Override
    public int doWork() {
        int work = 0;
        Object[] lost;
        while ((lost = unrecoverable.poll()) != null) {
            append(codec.encodeUnrecoverable((Long) lost[0], epochNanos(clock.nanoTime()), (String) lost[1]));
            work++;
        }
        TaskSpec task;
        while (work < DRAIN_LIMIT && (task = submits.poll()) != null) {
            encodeSubmitted(task);
            work++;
        }
        work += events.read(onEvent, DRAIN_LIMIT);
        if (work > 0) {
            flushBatch();
            appended += work;
        }
        return work;
    }

    /** Appends the records gathered in this duty cycle as one BATCH record (one append, one excerpt). */
    private void flushBatch() {
        if (batchCount == 0) {
            return;
        }
        batch.putInt(JournalRecords.TYPE_OFFSET, JournalRecords.BATCH, ByteOrder.LITTLE_ENDIAN);
        batch.putLong(JournalRecords.ID_OFFSET, batchCount, ByteOrder.LITTLE_ENDIAN);
        batch.putLong(JournalRecords.TIME_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer bytes = batch.byteBuffer();
        bytes.limit(batchLength).position(0);
        journal.append(bytes);
        bytes.clear();
        batchLength = JournalRecords.HEADER_LENGTH;
        batchCount = 0;
    }

    /** Appends everything offered (after the conductor stopped); then the journal can be closed. */
    void drain() {
        while (doWork() > 0) {
            Thread.onSpinWait();
        }
    }

    /** Appends what is left (the conductor has stopped) and closes the journal. */
    @Override
    public void onClose() {
        try {
            drain();
        } finally {
            journal.close();
        }
    }

    private void encodeSubmitted(final TaskSpec task) {
        final long timeNs = epochNanos(clock.nanoTime());
        final int functionLength = codec.encodeFunctionIfNew(task.function, timeNs);
        if (functionLength > 0) {
            append(functionLength);
        }
        final String group = task.group == null ? null : task.group.state().name();
        final String notRecoverable = task.group != null && (!groupsKept || group.isEmpty())
            ? "it runs in a placement group that is not kept across restarts (give the group a name, and the kernel "
                + "a metadata store)"
            : task.strategy.kind() != io.kairos.spi.scheduling.SchedulingStrategy.Kind.DEFAULT
            ? "its scheduling strategy " + task.strategy.kind() + " is not recovered yet" : null;
        append(codec.encodeSubmitted(task.taskId(), timeNs, task.explicitName(), task.function, task.arity, task.args,
            task.demand == defaultDemand ? null : task.demand, resourceNames, task.maxRetries, task.retryExceptions,
            task.isolated, group, task.bundleIndex, notRecoverable));
    }

    /** Adds the record the codec just encoded (its buffer, 0..length) to the batch. */
    private void append(final int length) {
        add(codec.buffer(), length);
    }

    private void add(final org.agrona.DirectBuffer source, final int length) {
        if (batchLength + 4 + length > MAX_BATCH_BYTES && batchCount > 0) {
            flushBatch();
        }
        batch.putInt(batchLength, length, ByteOrder.LITTLE_ENDIAN);
        batch.putBytes(batchLength + 4, source, 0, length);
        batchLength += 4 + length;
        batchCount++;
    }

    private void onEvent(final int type, final org.agrona.MutableDirectBuffer buffer, final int index, final int length) {
        record.putInt(JournalRecords.TYPE_OFFSET, type, ByteOrder.LITTLE_ENDIAN);
        record.putLong(JournalRecords.ID_OFFSET, buffer.getLong(index), ByteOrder.LITTLE_ENDIAN);
        record.putLong(JournalRecords.TIME_OFFSET, epochNanos(buffer.getLong(index + 8)), ByteOrder.LITTLE_ENDIAN);
        final int a = buffer.getInt(index + 16);
        final int b = buffer.getInt(index + 20);
        final int recordLength;
        if (type == JournalRecords.ACTOR || type == JournalRecords.GROUP) {
            final String state = type == JournalRecords.ACTOR ? ACTOR_STATES[a].name() : GROUP_STATES[a];
            recordLength = codec.encodeWithString(type, buffer.getLong(index), epochNanos(buffer.getLong(index + 8)),
                state);
            append(recordLength);
            return;
        }
        if (type == JournalRecords.STARTED) {
            record.putInt(JournalRecords.HEADER_LENGTH, a, ByteOrder.LITTLE_ENDIAN);
            record.putInt(JournalRecords.HEADER_LENGTH + 4, b, ByteOrder.LITTLE_ENDIAN);
            recordLength = JournalRecords.HEADER_LENGTH + 8;
        } else {
            recordLength = JournalRecords.HEADER_LENGTH;
        }
        add(record, recordLength);
    }

    private long epochNanos(final long nanoTime) {
        return nanoTime + epochOffsetNs;
    }
}
