package io.kairos.internal.object;

import io.kairos.store.ObjectId;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A get in this JVM reads a stored object ({@link Stored#read}: it counts itself a reader of the
 * store's memory, or reads the spill file) while the spiller moves the object to disk ({@code beginSpill}, then
 * {@code endSpill} with its file location; the store memory is freed after that). A reader that saw the object in the
 * store, then lost the CPU for the whole spill, finds the reader count back at 0: counting itself then must not let it
 * read the memory, which is being freed and may hold another object (found by {@code kairos soak}: a task's argument
 * decoded from another object's bytes, "no serializer with type id ...").
 */
@JCStressTest
@Description("Stored.read's way in (enterMemory) against beginSpill/endSpill of one stored object")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reading the memory first: the spill left it in the store")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "spilled first: read from the file")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "reading the memory of a spilled object (freed under the reader)")
@Outcome(expect = FORBIDDEN, desc = "neither")
@State
public class StoredReadSpillTest {
    private static final SpillFiles.Location ON_DISK = new SpillFiles.Location(null, 0, 8, 1);
    private final Stored stored = new Stored(null, ObjectId.of(1, 1), 1, 0, 8);

    /** Enters and stays (a reader in the middle of its decode). */
    @Actor
    public void reader(final II_Result r) {
        r.r1 = stored.enterMemory() ? 1 : 0;
    }

    @Actor
    public void spiller(final II_Result r) {
        if (stored.beginSpill()) {
            stored.endSpill(ON_DISK);
            r.r2 = 1;
        }
    }
}
