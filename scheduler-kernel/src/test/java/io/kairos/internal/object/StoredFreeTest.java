package io.kairos.internal.object;

import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored object freed early ({@link Stored#freeIfUnread}), as a cluster member frees a result its
 * owner has pulled: gone from the store at once, not while a send reads it, once only (the Cleaner's later run does
 * nothing), and a read after it fails instead of waiting forever.
 */
@Timeout(30)
class StoredFreeTest {
    @Test
    void freedAtOnceNotWhileReadAndOnceOnly() {
        try (SharedObjectStore store = SharedObjectStore.create("kairos-free-test-" + ProcessHandle.current().pid(),
                16L << 20)) {
            final StoredObjects objects = new StoredObjects(store, new ValueCodec(List.of()), 1024, null, 1.0);
            final byte[] value = new byte[2 << 20];
            value[7] = 7;
            final Object owner = new Object();
            final Stored stored = objects.store(1, value);
            objects.track(owner, stored);
            assertEquals(1, store.stats().objects());
            assertArrayEquals(value, (byte[]) stored.read());

            assertTrue(stored.pinForCall());  // a send reads it
            assertFalse(stored.freeIfUnread(), "not while it is read");
            assertEquals(1, store.stats().objects());
            stored.unpinForCall();

            assertTrue(stored.freeIfUnread());
            assertEquals(0, store.stats().objects(), "gone at once, with its owner still reachable");
            assertFalse(stored.freeIfUnread());
            stored.run();  // the Cleaner, later: nothing
            assertEquals(0, store.stats().objects());
            assertFalse(stored.pinForCall());
            assertThrows(io.kairos.exception.ObjectFreedException.class, stored::read);
            java.lang.ref.Reference.reachabilityFence(owner);  // the owner stayed reachable throughout
        }
    }

    /**
     * An object two states own (a task returned its argument) goes with the last of them, and an owner gone while a
     * reader holds it (a tensor read in place) leaves the freeing to that reader's unpin, without waiting for it.
     */
    @Test
    void sharedByTwoOwnersAndFreedByItsLastReader() {
        try (SharedObjectStore store = SharedObjectStore.create("kairos-share-test-" + ProcessHandle.current().pid(),
                16L << 20)) {
            final StoredObjects objects = new StoredObjects(store, new ValueCodec(List.of()), 1024, null, 1.0);
            final Stored stored = objects.store(1, new byte[2 << 20]);
            stored.share();
            stored.run();  // the first owner goes
            assertEquals(1, store.stats().objects(), "the second owner holds it");
            assertTrue(stored.pinForCall());
            stored.run();  // the second owner goes while a reader holds it: returns at once
            assertEquals(1, store.stats().objects(), "not under its reader");
            stored.unpinForCall();
            assertEquals(0, store.stats().objects(), "the last reader freed it");
            assertFalse(stored.pinForCall());
        }
    }
}
