package io.kairos.internal.conductor;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Completion to waiters: a thread waiting for an object ({@link ObjectState#parkUntilDone}: spins, yields, pushes
 * itself on the waiter stack, parks) while a worker completes it ({@code complete}: publishes, then wakes every waiter
 * on the stack) is never left parked, and reads the value once woken.
 */
@JCStressTest(Mode.Termination)
@Description("A waiter that registers while the object completes is always woken")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the waiter woke with the value")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the waiter stayed parked on a done object (lost wake-up)")
@State
public class ParkUntilDoneTest {
    private static final Object VALUE = "value";
    private final ObjectState object = JcstressKernel.object(1);

    @Actor
    public void waiter() {
        final int status = object.parkUntilDone(Long.MAX_VALUE);
        if (status != ObjectState.READY || object.value() != VALUE) {
            throw new IllegalStateException("woke with status " + status + " and value " + object.value());
        }
    }

    @Signal
    public void worker() {
        object.complete(VALUE);
    }
}
