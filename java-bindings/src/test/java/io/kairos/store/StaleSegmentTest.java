package io.kairos.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A crashed owner's segment is removed; a live owner's, a file that is not a store's, never. */
@Timeout(120)
class StaleSegmentTest {
    private static String uniqueName() {
        return "stale-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Path segment(final String name) {
        return SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + name);
    }

    @Test
    void aKilledOwnersSegmentIsRemovedAndALiveOnesIsNot() throws Exception {
        final String name = uniqueName();
        try (ChildJvm child = ChildJvm.start(name, "own", "4")) {
            assertEquals("OWNING", child.readLine(60));
            assertTrue(Files.exists(segment(name)));
            assertFalse(SharedObjectStore.removeStale(name), "its owner lives");
            assertFalse(SharedObjectStore.removeStaleSegments().contains(name));
            assertTrue(Files.exists(segment(name)), "a live owner's segment is never touched");
            child.kill(30);
        }
        assertTrue(Files.exists(segment(name)), "kill -9 leaves the segment behind: only an unlink frees tmpfs");
        final List<String> removed = SharedObjectStore.removeStaleSegments();
        assertTrue(removed.contains(name), removed.toString());
        assertFalse(Files.exists(segment(name)));
        assertFalse(SharedObjectStore.removeStale(name), "gone");
    }

    @Test
    void aLiveStoreInThisProcessIsNotStale() {
        try (SharedObjectStore store = SharedObjectStore.create(uniqueName(), 1 << 20)) {
            assertFalse(SharedObjectStore.removeStale(store.name()));
            assertFalse(SharedObjectStore.removeStaleSegments().contains(store.name()));
            assertTrue(Files.exists(segment(store.name())));
        }
    }

    @Test
    void aFileThatIsNotAStoresIsLeftAlone() throws Exception {
        final String name = uniqueName();
        final Path file = segment(name);
        Files.write(file, "not a store segment, but named like one".getBytes());
        try {
            assertFalse(SharedObjectStore.removeStale(name));
            assertFalse(SharedObjectStore.removeStaleSegments().contains(name));
            assertTrue(Files.exists(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void anEmptySegmentOfACreatorThatDiedBeforeSizingItIsRemoved() throws Exception {
        final String name = uniqueName();
        Files.createFile(segment(name));
        assertTrue(SharedObjectStore.removeStale(name));
        assertFalse(Files.exists(segment(name)));
    }

    @Test
    void aMalformedNameIsRefused() {
        assertThrows(StoreInvalidArgumentException.class, () -> SharedObjectStore.removeStale("../etc"));
        assertThrows(StoreInvalidArgumentException.class, () -> SharedObjectStore.removeStale(null));
    }
}
