package io.kairos.store;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A second JVM attaches to the store and reads what this one wrote, with no server in between. */
@Timeout(120)
class CrossProcessTest {
    private static final int OBJECTS = 20;

    private SharedObjectStore store;

    @BeforeEach
    void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("xproc"), 4 << 20);
        for (int i = 0; i < OBJECTS; i++) {
            final MutableDirectBuffer buffer = store.create(StoreChildProcess.parentObject(i), StoreChildProcess.sizeOf(i));
            StoreChildProcess.fill(buffer, i);
            store.seal(StoreChildProcess.parentObject(i));
        }
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aSecondJvmReadsTheObjectsAndWritesItsOwn() throws Exception {
        try (ChildJvm child = ChildJvm.start(store.name(), "verify", String.valueOf(OBJECTS))) {
            assertEquals("OK", child.readLine(60));
            assertEquals(0, child.waitFor(30));
        }
        for (int i = 0; i < OBJECTS; i++) {
            final ObjectId id = StoreChildProcess.childObject(i);
            assertNull(StoreChildProcess.check(store.get(id, Duration.ZERO), i));
            store.release(id);
        }
        final StoreStats stats = store.stats();
        assertEquals(2L * OBJECTS, stats.sealedObjects());
        assertEquals(0, stats.pinnedObjects());
        assertEquals(1, stats.clients(), "the child detached");
    }

    @Test
    void aKilledReadersPinsAndUnsealedObjectsAreReclaimed() throws Exception {
        try (ChildJvm child = ChildJvm.start(store.name(), "pin", String.valueOf(OBJECTS))) {
            assertEquals("PINNED", child.readLine(60));
            assertEquals(OBJECTS, store.stats().pinnedObjects());
            assertEquals(OBJECTS + 1, store.stats().objects());
            child.kill(30);
        }
        assertEquals(1, store.reapDeadClients());
        final StoreStats stats = store.stats();
        assertEquals(0, stats.pinnedObjects(), "the dead reader's pins are released");
        assertEquals(OBJECTS, stats.objects(), "its unsealed object is aborted");
        assertFalse(store.contains(StoreChildProcess.childObject(0)));
        assertEquals(1, stats.clients());
        assertTrue(stats.deadClientsReaped() >= 1);
        store.create(ObjectId.random(), 3 << 20);  // the formerly pinned objects are evictable again
    }
}
