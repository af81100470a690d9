package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.WaitResult;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The streaming executor: one task per split, each running the plan's fused operators ({@link Ops.Fused}), their
 * blocks consumed as they come (in split order when asked) and freed from the store at once ({@link ObjectRef#free}).
 * A new task starts only while the blocks in flight (running or done and not yet consumed) fit the memory budget,
 * counted at the largest block seen so far: the consumer's pace holds the producers back, so the store holds at most
 * the budget of this pipeline's blocks however large the dataset, and nothing is spilled.
 *
 * <p>One consumer thread. {@link #close} cancels what has not run and frees what is done.
 */
final class BlockStream implements Iterator<List<Object>>, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final Kernel kernel;
    private final List<Split> splits;
    private final List<Ops.Op> ops;
    private final Dataset.Options options;
    private final ArrayDeque<ObjectRef<List<Object>>> inFlight = new ArrayDeque<>();
    private final int window;
    private int next;
    private long largestBlock;
    private long peakInFlightBytes;
    private long blocks;
    private boolean closed;

    BlockStream(final Kernel kernel, final List<Split> splits, final List<Ops.Op> ops, final Dataset.Options options) {
        this.kernel = kernel;
        this.splits = splits;
        this.ops = ops;
        this.options = options;
        this.window = options.maxTasksInFlight();
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        fill();
        return !inFlight.isEmpty();
    }

    @Override
    public List<Object> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the dataset has no more blocks");
        }
        final ObjectRef<List<Object>> ref = options.preserveOrder() ? inFlight.peekFirst() : firstReady();
        final List<Object> rows;
        try {
            rows = ref.get();
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
        inFlight.remove(ref);
        final long bytes = ref.storedBytes();
        ref.free();  // its store memory back now: the next task may use it
        blocks++;
        if (bytes > largestBlock) {
            largestBlock = bytes;
            if (bytes > options.memoryBudget()) {
                close();
                throw new IllegalArgumentException("the memory budget of " + options.memoryBudget() + " bytes is "
                    + "below one block (" + bytes + " bytes): raise Dataset.memoryBudget or make blocks smaller");
            }
        }
        return rows;
    }

    /** Starts tasks while the blocks in flight fit the budget (at least one, so the pipeline always moves). */
    private void fill() {
        while (next < splits.size() && inFlight.size() < window
            && (inFlight.isEmpty() || (inFlight.size() + 1) * largestBlock <= options.memoryBudget())) {
            final Ops.Fused work = new Ops.Fused(splits.get(next), ops, next);
            next++;
            inFlight.addLast(kernel.task(Ops.Fused::run, work).setMaxRetries(options.retries())
                .setRetryExceptions(options.retries() > 0).remote());
            peakInFlightBytes = Math.max(peakInFlightBytes, inFlight.size() * largestBlock);
        }
    }

    private ObjectRef<List<Object>> firstReady() {
        for (;;) {
            for (final ObjectRef<List<Object>> ref : inFlight) {
                if (ref.isReady()) {
                    return ref;
                }
            }
            final WaitResult<List<Object>> ready = kernel.wait(new ArrayList<>(inFlight), 1, POLL);
            if (!ready.ready().isEmpty()) {
                return ready.ready().get(0);
            }
        }
    }

    /** Blocks consumed so far. */
    long blocks() {
        return blocks;
    }

    /** The largest block seen, in bytes in the store (0 while every block was small enough to stay inline). */
    long largestBlock() {
        return largestBlock;
    }

    /** The most bytes of blocks this stream allowed in flight at once (by the largest block seen then). */
    long peakInFlightBytes() {
        return peakInFlightBytes;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final ObjectRef<List<Object>> ref : inFlight) {
            if (ref.isReady()) {
                ref.free();
            } else {
                kernel.cancel(ref, false);
            }
        }
        inFlight.clear();
    }
}
