package io.kairos.internal.conductor;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One outcome per object: a worker completing a task's result while the conductor fails it (a forced cancel of a
 * running task, an actor killed while its call runs) must leave exactly one of them the winner, and the object in the
 * winner's state: the loser sees false and does nothing more (no second completion, no dependents told twice, no value
 * beside an error). Before the fix both could win: complete and fail each checked "pending" and then wrote.
 */
@JCStressTest
@Description("complete and fail racing on one object: exactly one wins, and the object shows the winner's outcome")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "the worker's value won")
@Outcome(id = "0, 1, 2, 2", expect = ACCEPTABLE, desc = "the conductor's failure won")
@Outcome(expect = FORBIDDEN, desc = "both won, neither won, or the object shows another outcome than its winner's")
@State
public class CompleteOrFailTest {
    private static final Object VALUE = "value";
    private static final RuntimeException CANCELLED = new RuntimeException("cancelled");
    private final ObjectState object = JcstressKernel.object(1);

    @Actor
    public void worker(final IIII_Result r) {
        r.r1 = object.complete(VALUE) ? 1 : 0;
    }

    @Actor
    public void conductor(final IIII_Result r) {
        r.r2 = object.fail(CANCELLED) ? 1 : 0;
    }

    /** r1, r2: who won (1); r3: the status; r4: what a reader gets (1: the value and no error, 2: the failure and no value). */
    @Arbiter
    public void reader(final IIII_Result r) {
        r.r3 = object.status();
        if (object.status() == ObjectState.READY) {
            r.r4 = object.value() == VALUE && object.error() == null ? 1 : -1;
        } else if (object.status() == ObjectState.FAILED) {
            r.r4 = object.error() == CANCELLED ? 2 : -2;
        }
    }
}
