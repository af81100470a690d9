package io.kairos.internal.object;

import io.kairos.store.ObjectId;
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
 * Store pins across threads: a worker pins a stored object to send it by id to a worker process
 * ({@link Stored#pinForCall}) while the spiller takes it to move it to disk ({@code beginSpill}, then
 * {@code endSpill} with its file location). Exactly one of them wins: a pinned object is never spilled (its memory
 * freed under the process reading it), and a spilled one is never pinned (it goes inline instead).
 */
@JCStressTest
@Description("pinForCall against beginSpill/endSpill of one stored object: exactly one wins")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "pinned first: the spill left it in the store")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "spilled first: the pin was refused")
@Outcome(expect = FORBIDDEN, desc = "both won (memory freed under a pin) or neither did")
@State
public class StoredPinSpillTest {
    private static final SpillFiles.Location ON_DISK = new SpillFiles.Location(null, 0, 8, 1);
    private final Stored stored = new Stored(null, ObjectId.of(1, 1), 1, 0, 8);

    @Actor
    public void worker(final III_Result r) {
        r.r1 = stored.pinForCall() ? 1 : 0;
    }

    @Actor
    public void spiller(final III_Result r) {
        if (stored.beginSpill()) {
            stored.endSpill(ON_DISK);
            r.r2 = 1;
        }
    }

    /** r3: whether a spill tried now finds it pinned (1) or finds it already spilled/free to take (0). */
    @Arbiter
    public void after(final III_Result r) {
        r.r3 = r.r1 == 1 ? (stored.beginSpill() ? -1 : 1) : 0;
    }
}
