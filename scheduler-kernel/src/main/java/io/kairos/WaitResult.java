package io.kairos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@link Kernel#wait} found: the refs that are ready (done, successfully or not) and those that are not, each
 * in the order given.
 *
 * @param ready   the refs that are done, in the order given
 * @param unready the refs that are not done yet, in the order given
 * @param <T>     the values' type
 */
public record WaitResult<T>(List<ObjectRef<T>> ready, List<ObjectRef<T>> unready) {
    /** {@link Kernel#wait(List, int, Duration, boolean)} once its arguments are checked. */
    static <T> WaitResult<T> await(final List<ObjectRef<T>> refs, final int numReturns, final long deadline,
                                   final boolean fetchLocal) {
        for (int round = 0; ; round++) {
            int done = 0;
            ObjectRef<T> firstPending = null;
            for (final ObjectRef<T> ref : refs) {
                if (ref.isReady() || !fetchLocal && ref.isHeldElsewhere()) {
                    done++;
                } else {
                    if (round == 0 && fetchLocal) {
                        ref.prefetch();  // objects held by other members are pulled together, not one by one
                    }
                    if (firstPending == null) {
                        firstPending = ref;
                    }
                }
            }
            if (done >= numReturns || firstPending == null || System.nanoTime() - deadline >= 0) {
                break;
            }
            // Wait on the first pending ref for a bounded slice, then look at them all again.
            final long slice = Math.min(deadline - System.nanoTime(),
                TimeUnit.MICROSECONDS.toNanos(Math.min(1000, 10L << Math.min(round, 6))));
            firstPending.waitUntil(System.nanoTime() + Math.max(0, slice), fetchLocal);
        }
        final List<ObjectRef<T>> ready = new ArrayList<>(Math.min(numReturns, refs.size()));
        final List<ObjectRef<T>> unready = new ArrayList<>(refs.size());
        for (final ObjectRef<T> ref : refs) {
            if (ready.size() < numReturns && (ref.isReady() || !fetchLocal && ref.isHeldElsewhere())) {
                ready.add(ref);
            } else {
                unready.add(ref);
            }
        }
        return new WaitResult<>(ready, unready);
    }
}
