package io.kairos.store;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reader pins a store object while another thread deletes it and at once puts a new object of the same size (which
 * the allocator would place in freed memory). A pinned object is hidden by the delete but freed only at its last
 * release: the reader sees the old value or no object, never the new object's bytes in the old one's memory, and
 * once both are done the old entry is freed.
 */
@JCStressTest
@Description("get/read/release of a store object against delete + a new put: pinned memory is never reused")
@Outcome(id = "42, 1, 1", expect = ACCEPTABLE, desc = "the reader pinned it before the delete: the delete hid it, "
    + "the release freed it")
@Outcome(id = "-1, 1, 1", expect = ACCEPTABLE, desc = "deleted first: the reader found no object")
@Outcome(expect = FORBIDDEN, desc = "the reader read freed memory (another object's value), the delete failed, or "
    + "the entry was left behind")
@State
public class StorePinDeleteTest {
    private final ObjectId id = JcstressStore.putLong(42);
    private final ObjectId next = JcstressStore.newId();

    @Actor
    public void reader(final JII_Result r) {
        r.r1 = JcstressStore.getLong(id);
    }

    @Actor
    public void deleter(final JII_Result r) {
        r.r2 = JcstressStore.STORE.delete(id) ? 1 : 0;
        JcstressStore.putLong(next, 7);
    }

    @Arbiter
    public void after(final JII_Result r) {
        r.r3 = JcstressStore.freed(id) ? 1 : 0;
        JcstressStore.STORE.delete(next);
    }
}
