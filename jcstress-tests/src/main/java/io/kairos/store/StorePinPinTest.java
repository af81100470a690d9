package io.kairos.store;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Store pins from two threads of one process (one client of the segment, so both count on the same pin record): each
 * gets (pins) the same sealed object in the native store, reads it and releases it. Afterwards the object holds no
 * pin: deleting it frees its entry at once (a new object with its id can be created). A lost update of the shared
 * pin count would leave it pinned forever (leaked memory, never evicted) or unpinned under a reader.
 */
@JCStressTest
@Description("two threads pin, read and release one store object: both read it, and no pin is left")
@Outcome(id = "42, 42, 1", expect = ACCEPTABLE, desc = "both read the value; the delete afterwards freed the entry")
@Outcome(expect = FORBIDDEN, desc = "a reader missed the object or read another value, or a pin was left behind")
@State
public class StorePinPinTest {
    private final ObjectId id = JcstressStore.putLong(42);

    @Actor
    public void first(final JJI_Result r) {
        r.r1 = JcstressStore.getLong(id);
    }

    @Actor
    public void second(final JJI_Result r) {
        r.r2 = JcstressStore.getLong(id);
    }

    @Arbiter
    public void after(final JJI_Result r) {
        r.r3 = JcstressStore.STORE.delete(id) && JcstressStore.freed(id) ? 1 : 0;
    }
}
