package io.kairos.internal.conductor;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A chain of calls (head, b, c): the worker that ran the head claims the next call it may run
 * ({@link Worker#claimNext}) while the conductor takes b back (a cancel of b before it runs). Exactly one of them gets
 * b; when the conductor took b, the worker goes on to c; c stays the chain's otherwise.
 */
@JCStressTest
@Description("Worker.claimNext against the conductor's takeBack of the same call: one owner per call")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the worker claimed b first; c is still the chain's")
@Outcome(id = "2, 1, 1", expect = ACCEPTABLE, desc = "the conductor took b back first; the worker claimed c")
@Outcome(expect = FORBIDDEN, desc = "b had two owners or none, or the worker skipped a call still its chain's")
@State
public class ChainClaimTest {
    private static final int CHAIN = 7;
    private final TaskSpec head = call(1);
    private final TaskSpec b = call(2);
    private final TaskSpec c = call(3);

    public ChainClaimTest() {
        head.chainId = CHAIN;
        head.chainNext = b;
        b.chainId = CHAIN;
        b.chainNext = c;
        c.chainId = CHAIN;
        b.offerToChain(CHAIN);
        c.offerToChain(CHAIN);
    }

    private static TaskSpec call(final long id) {
        return new TaskSpec("call", null, 0, new Object[0], KernelCore.NO_DEMAND, null, 0, false,
            JcstressKernel.object(id));
    }

    @Actor
    public void worker(final III_Result r) {
        final TaskSpec next = Worker.claimNext(head);
        r.r1 = next == b ? 1 : next == c ? 2 : 0;
    }

    @Actor
    public void conductor(final III_Result r) {
        r.r2 = b.takeBack(CHAIN) ? 1 : 0;
    }

    /** r3: 1 if c was taken (by the worker), 0 if still the chain's (the conductor could still take it back). */
    @Arbiter
    public void after(final III_Result r) {
        r.r3 = c.takeBack(CHAIN) ? 0 : 1;
    }
}
