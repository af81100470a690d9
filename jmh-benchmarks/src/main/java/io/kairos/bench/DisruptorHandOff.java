package io.kairos.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark peer: the LMAX Disruptor as a hand-off. Callers publish a function into a ring; one consumer thread
 * runs each in order and stores its result in the slot; a caller waits until the consumer's sequence passes its
 * own. It is the ceiling of a lock-free hand-off to one thread, the shape of an actor (calls in order, one at a
 * time) without scheduling, objects or failure handling.
 */
final class DisruptorHandOff implements AutoCloseable {
    /** A ring slot: what to run and what it returned. */
    static final class Slot {
        Callable<?> function;
        Object result;
    }

    /** A wait for a result that goes on longer than this means the consumer died: fail instead of hanging. */
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    /** The last sequence the consumer finished. */
    private final Sequence done = new Sequence();

    /**
     * @param ringSize  slots, a power of two at least the largest batch a caller publishes before it waits
     * @param producers {@link ProducerType#MULTI} when more than one thread publishes
     */
    DisruptorHandOff(final int ringSize, final ProducerType producers) {
        disruptor = new Disruptor<>(Slot::new, ringSize, DaemonThreadFactory.INSTANCE, producers,
            new YieldingWaitStrategy());
        final EventHandler<Slot> runner = (slot, sequence, endOfBatch) -> {
            slot.result = slot.function.call();
            done.set(sequence);
        };
        disruptor.handleEventsWith(runner);
        ring = disruptor.start();
    }

    /** Publishes a call; its sequence, for {@link #await} and {@link #result}. */
    long publish(final Callable<?> function) {
        final long sequence = ring.next();
        ring.get(sequence).function = function;
        ring.publish(sequence);
        return sequence;
    }

    /** Waits (spinning, then yielding) until the consumer has run the call at sequence. */
    void await(final long sequence) {
        int spins = 0;
        long deadline = 0;
        while (done.get() < sequence) {
            if (++spins < 100) {
                Thread.onSpinWait();
                continue;
            }
            Thread.yield();
            if (deadline == 0) {
                deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
            } else if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Disruptor consumer did not reach " + sequence + " in 30 s");
            }
        }
    }

    /** The result of the call at sequence, once {@link #await awaited} (and before the ring wraps round). */
    Object result(final long sequence) {
        return ring.get(sequence).result;
    }

    /** Publishes a call and waits for its result. */
    Object call(final Callable<?> function) {
        final long sequence = publish(function);
        await(sequence);
        return result(sequence);
    }

    /**
     * Publishes one call of the function per element of sequences (recording each call's sequence there), waits
     * for them, then reads every result, like a caller that submits a batch and then gets each; the last result.
     */
    Object callAll(final Callable<?> function, final long[] sequences) {
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = publish(function);
        }
        await(sequences[sequences.length - 1]);  // one consumer runs them in order: the last done means all done
        Object last = null;
        for (final long sequence : sequences) {
            last = result(sequence);
        }
        return last;
    }

    @Override
    public void close() {
        try {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        } catch (final com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
            throw new IllegalStateException("the Disruptor did not drain in 10 s", e);
        }
    }
}
