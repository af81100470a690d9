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
 * A stored object freed early ({@link StoredObjects.Stored#freeIfUnread}), as a cluster member frees a result its
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
            final StoredObjects.Stored stored = objects.store(1, owner, value);
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
            assertThrows(IllegalStateException.class, stored::read);
            java.lang.ref.Reference.reachabilityFence(owner);  // the owner stayed reachable throughout
        }
    }
}
