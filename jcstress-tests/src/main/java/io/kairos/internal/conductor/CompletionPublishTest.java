package io.kairos.internal.conductor;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Completion to readers: a reader that sees an object done (the get of a ready object: no lock, no wait) sees its
 * value, and the value's own fields, as the worker wrote them before it completed the object.
 */
@JCStressTest
@Description("A reader that sees an object done sees its whole value")
@Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "the reader came first: pending")
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "ready, with the whole value")
@Outcome(expect = FORBIDDEN, desc = "done, but the value (or a field of it) not seen")
@State
public class CompletionPublishTest {
    private final ObjectState object = JcstressKernel.object(1);

    /** A value with a plain field, written just before the object completes. */
    static final class Box {
        int x;
    }

    @Actor
    public void worker() {
        final Box box = new Box();
        box.x = 42;
        object.complete(box);
    }

    @Actor
    public void reader(final II_Result r) {
        final int status = object.status();
        r.r1 = status;
        if (status == ObjectState.PENDING) {
            r.r2 = -1;
        } else {
            final Object v = object.value();
            r.r2 = v instanceof Box ? ((Box) v).x : -2;
        }
    }
}
