package io.kairos.internal.object;

import io.kairos.store.SharedObjectStore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A stored object's last owner goes (the Cleaner, or {@code ObjectRef.free}: {@link Stored#run}) while its last reader
 * unpins it (a tensor read in place, closed or collected: {@link Stored#unpinForCall}). Neither waits for the other:
 * whichever comes second frees the object, and exactly one of them does. Forbidden: the object left in the store (a
 * leak: each saw the other still there) — a double free would fail the second one's release and is caught as well.
 * The store is a real one (the native library through JNI, as the kernel uses it), one per test VM.
 */
@JCStressTest
@Description("last owner gone against last reader's unpin of one stored object: freed exactly once")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "freed once, by whichever came second")
@Outcome(expect = FORBIDDEN, desc = "left in the store (leaked), or still pinnable after both")
@State
public class StoredLastOwnerLastReaderTest {
    private static final SharedObjectStore STORE;
    private static final StoredObjects OBJECTS;

    static {
        STORE = SharedObjectStore.create("jcstress-owners-" + ProcessHandle.current().pid(), 256L << 20, 1 << 20);
        OBJECTS = new StoredObjects(STORE, new ValueCodec(List.of()), 16, null, 1.0);
        Runtime.getRuntime().addShutdownHook(new Thread(STORE::close, "jcstress-owners-store-close"));
    }

    private final Stored stored;

    public StoredLastOwnerLastReaderTest() {
        stored = OBJECTS.store(1, new byte[64]);
        if (stored == null || !stored.pinForCall()) {
            throw new IllegalStateException("the test object could not be stored and pinned: " + STORE.stats());
        }
    }

    @Actor
    public void lastOwner() {
        stored.run();
    }

    @Actor
    public void lastReader() {
        stored.unpinForCall();
    }

    /** r1: the object is still in the store (1: leaked); r2: it can still be pinned (1: not marked freed). */
    @Arbiter
    public void after(final II_Result r) {
        r.r1 = STORE.contains(stored.id) ? 1 : 0;
        r.r2 = stored.pinForCall() ? 1 : 0;
    }
}
