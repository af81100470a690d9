package io.kairos.cluster.aeron;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import static io.kairos.cluster.aeron.ControlCodec.*;

/**
 * The asynchronous side of {@link ControlClient}: requests in flight by correlation id, a bounded window, a deadline
 * per request, and commands gathered into {@link ControlCodec#BATCH} messages of up to {@code maxBatch} commands.
 * A request's future completes on the thread that polls the client, in reply order.
 * <p>
 * Not thread-safe: the client's thread owns it.
 */
final class ControlPipeline {
    private static final int MAX_MESSAGE_BYTES = 1 << 16;

    /** Writes one command at an offset with the correlation id given; returns its length. */
    @FunctionalInterface
    interface Encoder {
        int encode(MutableDirectBuffer buffer, int offset, long correlationId);
    }

    /** Decodes an OK reply's body (the reader is on it; the decoder must read it whole). */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(ControlCodec.Reader body);
    }

    /** Offers bytes to the cluster, or throws; the client's offer with its retries and deadline. */
    @FunctionalInterface
    interface Offer {
        void offer(String operation, DirectBuffer buffer, int offset, int length, long deadlineNs);
    }

    private static final class Pending {
        final long correlationId;
        final int type;
        final String operation;
        final Object argument;
        final Decoder<?> decoder;
        final CompletableFuture<Object> future = new CompletableFuture<>();
        final long deadlineNs;

        Pending(final long correlationId, final int type, final String operation, final Object argument,
                final Decoder<?> decoder, final long deadlineNs) {
            this.correlationId = correlationId;
            this.type = type;
            this.operation = operation;
            this.argument = argument;
            this.decoder = decoder;
            this.deadlineNs = deadlineNs;
        }

        String describe() {
            return operation + "(" + (argument instanceof String ? "'" + argument + "'" : argument) + ")";
        }
    }

    private final Long2ObjectHashMap<Pending> byCorrelationId = new Long2ObjectHashMap<>();
    private final ArrayDeque<Pending> byDeadline = new ArrayDeque<>();
    private final ExpandableArrayBuffer[] buffers = {new ExpandableArrayBuffer(4096), new ExpandableArrayBuffer(4096)};
    private ExpandableArrayBuffer batch = buffers[0];
    private boolean flushing;
    private final ControlCodec.Reader reader = new ControlCodec.Reader();
    private final int maxInFlight;
    private final int maxBatch;
    private final int maxBatchBytes;
    private final long timeoutNs;
    private int batchCount;
    private int batchLength;
    private long batchDeadlineNs;

    ControlPipeline(final int maxInFlight, final int maxBatch, final int maxBatchBytes, final long timeoutNs) {
        if (maxInFlight < 1 || maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new IllegalArgumentException("maxInFlight must be >= 1 and maxBatch 1.." + MAX_BATCH + ", were " +
                maxInFlight + " and " + maxBatch);
        }
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.timeoutNs = timeoutNs;
    }

    int inFlight() {
        return byCorrelationId.size();
    }

    boolean hasRoom() {
        return byCorrelationId.size() < maxInFlight;
    }

    /**
     * Adds a request: encodes it into the batch (sending the batch first if it is full) and tracks its reply.
     * The caller has made room in the window.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> add(
        final long correlationId, final int type, final String operation, final Object argument,
        final Encoder encoder, final Decoder<T> decoder, final Offer offer) {
        final long now = System.nanoTime();
        final int at = COMMAND_HEADER_LENGTH + 4 + batchLength;
        final int length = encoder.encode(batch, at + 4, correlationId);
        if (length + 4 + COMMAND_HEADER_LENGTH + 4 > maxBatchBytes) {
            throw new IllegalArgumentException(operation + ": command of " + length + " bytes, limit " +
                (maxBatchBytes - COMMAND_HEADER_LENGTH - 8));
        }
        if (batchCount > 0 && at + 4 + length > maxBatchBytes) {
            if (flushing) {
                throw new IllegalStateException(operation + ": sent from a reply's callback while the batch is full " +
                    "and being sent; send from the polling loop instead");
            }
            // does not fit beside the others: send those, then move this one to the front
            final ExpandableArrayBuffer moved = new ExpandableArrayBuffer(length);
            moved.putBytes(0, batch, at + 4, length);
            flush(offer);
            batch.putBytes(COMMAND_HEADER_LENGTH + 4 + 4, moved, 0, length);
        }
        batch.putInt(COMMAND_HEADER_LENGTH + 4 + batchLength, length, ORDER);
        batchLength += 4 + length;
        if (batchCount++ == 0) {
            batchDeadlineNs = now + timeoutNs;
        }
        final Pending pending = new Pending(correlationId, type, operation, argument, decoder, now + timeoutNs);
        byCorrelationId.put(correlationId, pending);
        byDeadline.addLast(pending);
        if (batchCount >= maxBatch && !flushing) {
            flush(offer);
        }
        return (CompletableFuture<T>)pending.future;
    }

    /** Sends the gathered commands: one alone as itself, several as one {@link ControlCodec#BATCH}. */
    void flush(final Offer offer) {
        if (batchCount == 0 || flushing) {
            return; // a reply's callback that sends while a batch is offered: its command goes with the next one
        }
        final ExpandableArrayBuffer sending = batch;
        final int count = batchCount;
        final int length = batchLength;
        batch = sending == buffers[0] ? buffers[1] : buffers[0];
        batchCount = 0;
        batchLength = 0;
        flushing = true;
        try {
            if (count == 1) {
                offer.offer("send", sending, COMMAND_HEADER_LENGTH + 8, length - 4, batchDeadlineNs);
                return;
            }
            sending.putInt(TYPE_OFFSET, BATCH, ORDER);
            sending.putLong(CORRELATION_ID_OFFSET, 0, ORDER);
            sending.putInt(COMMAND_HEADER_LENGTH, count, ORDER);
            offer.offer("send of a batch of " + count, sending, 0, COMMAND_HEADER_LENGTH + 4 + length,
                batchDeadlineNs);
        } finally {
            flushing = false;
        }
    }

    /** Fails the requests whose deadline passed; returns how many. */
    int expire(final long nowNs) {
        int expired = 0;
        Pending head;
        while ((head = byDeadline.peekFirst()) != null) {
            if (head.future.isDone()) {
                byDeadline.pollFirst();
            } else if (nowNs - head.deadlineNs > 0) {
                byDeadline.pollFirst();
                byCorrelationId.remove(head.correlationId);
                head.future.completeExceptionally(new ControlTimeoutException(head.describe(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs), "no reply"));
                expired++;
            } else {
                break;
            }
        }
        return expired;
    }

    /** Fails every request in flight (the session closed). */
    void failAll(final RuntimeException cause) {
        batchCount = 0;
        batchLength = 0;
        for (final Pending p : byDeadline) {
            p.future.completeExceptionally(cause);
        }
        byDeadline.clear();
        byCorrelationId.clear();
    }

    /**
     * Takes a reply off the egress if it answers a request in flight (a batch's replies one by one).
     *
     * @return true if it was one of ours.
     */
    boolean onReply(final DirectBuffer buffer, final int offset, final int length) {
        if (length < REPLY_HEADER_LENGTH) {
            return false;
        }
        if (replyType(buffer, offset) != BATCH) {
            return complete(buffer, offset, length);
        }
        if (replyStatus(buffer, offset) != ControlStatus.OK) {
            reader.wrap(buffer, offset + REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
            failAll(new IllegalStateException("a batch was refused: " + safeMessage()));
            return true;
        }
        int at = offset + REPLY_HEADER_LENGTH + 4;
        final int end = offset + length;
        for (int i = 0, n = buffer.getInt(offset + REPLY_HEADER_LENGTH, ORDER); i < n && at + 4 <= end; i++) {
            final int replyLength = buffer.getInt(at, ORDER);
            if (replyLength < 0 || at + 4 + replyLength > end) {
                break;
            }
            complete(buffer, at + 4, replyLength);
            at += 4 + replyLength;
        }
        return true;
    }

    private boolean complete(final DirectBuffer buffer, final int offset, final int length) {
        if (length < REPLY_HEADER_LENGTH) {
            return false;
        }
        final Pending p = byCorrelationId.remove(replyCorrelationId(buffer, offset));
        if (p == null) {
            return false;
        }
        final ControlStatus status = replyStatus(buffer, offset);
        reader.wrap(buffer, offset + REPLY_HEADER_LENGTH, length - REPLY_HEADER_LENGTH);
        if (replyType(buffer, offset) != p.type) {
            p.future.completeExceptionally(new IllegalStateException(p.describe() + ": reply of type " +
                replyType(buffer, offset) + ", expected " + p.type));
        } else if (status == ControlStatus.OK) {
            try {
                final Object value = p.decoder.decode(reader);
                if (reader.remaining() != 0) {
                    throw new ControlRejection(ControlStatus.MALFORMED, reader.remaining() + " trailing bytes");
                }
                p.future.complete(value);
            } catch (final ControlRejection ex) {
                p.future.completeExceptionally(new IllegalStateException(p.describe() + ": malformed reply: " +
                    ex.getMessage(), ex));
            }
        } else if (status == null) {
            p.future.completeExceptionally(new IllegalStateException(p.describe() + ": unknown status code " +
                buffer.getInt(offset + STATUS_OFFSET, ORDER)));
        } else {
            p.future.completeExceptionally(new ControlRejection(status, p.describe() + ": " + safeMessage()));
        }
        return true;
    }

    private String safeMessage() {
        try {
            return reader.readString("message", MAX_MESSAGE_BYTES);
        } catch (final ControlRejection ex) {
            return "(malformed message: " + ex.getMessage() + ")";
        }
    }
}
