package io.kairos.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedObjectStoreTest {
    private static final long CAPACITY = 1L << 20;

    private SharedObjectStore store;

    @BeforeEach
    void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("store"), CAPACITY);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void putThenGetReturnsTheBytes() {
        final ObjectId id = ObjectId.random();
        final byte[] bytes = "hello, shared memory".getBytes();
        store.put(id, bytes);

        final DirectBuffer view = store.get(id, Duration.ZERO);
        final byte[] read = new byte[view.capacity()];
        view.getBytes(0, read);
        assertArrayEquals(bytes, read);
        store.release(id);
    }

    @Test
    void getIsAViewOfTheSameMemoryTheCreatorWrote() {
        final ObjectId id = ObjectId.of(1, 2);
        final MutableDirectBuffer written = store.create(id, 4096);
        written.setMemory(0, 4096, (byte) 0x5A);
        store.seal(id);

        final DirectBuffer first = store.get(id, Duration.ZERO);
        final DirectBuffer second = store.get(id, Duration.ZERO);
        assertEquals(written.addressOffset(), first.addressOffset(), "get maps the creator's bytes: no copy");
        assertEquals(first.addressOffset(), second.addressOffset());
        assertEquals(4096, first.capacity());
        assertEquals((byte) 0x5A, first.getByte(4095));
        assertEquals(0, first.addressOffset() % 64, "payloads are 64-byte aligned");
        store.release(id);
        store.release(id);
    }

    @Test
    void allocationFreeGetWrapsTheCallersBuffer() {
        final ObjectId id = ObjectId.random();
        store.put(id, new byte[] {1, 2, 3});
        final UnsafeBuffer flyweight = new UnsafeBuffer(0, 0);
        store.get(id, 0, flyweight);
        assertEquals(3, flyweight.capacity());
        assertEquals(3, flyweight.getByte(2));
        store.release(id);
    }

    @Test
    void containsOnlySealedUndeletedObjects() {
        final ObjectId id = ObjectId.random();
        store.create(id, 8);
        assertFalse(store.contains(id), "unsealed");
        store.seal(id);
        assertTrue(store.contains(id));
        assertTrue(store.delete(id));
        assertFalse(store.contains(id));
        assertFalse(store.delete(id), "deleting an absent object says so");
    }

    @Test
    void abortFreesTheIdForReuse() {
        final ObjectId id = ObjectId.random();
        store.create(id, 100);
        store.abort(id);
        assertEquals(0, store.stats().objects());
        store.create(id, 100);
        store.seal(id);
        assertTrue(store.contains(id));
    }

    @Test
    void deletingAPinnedObjectHidesItAndFreesItAtTheLastRelease() {
        final long usedBefore = store.stats().bytesUsed();
        final ObjectId id = ObjectId.random();
        store.put(id, new byte[1000]);
        store.get(id, Duration.ZERO);
        assertTrue(store.delete(id));
        assertFalse(store.contains(id));
        assertThrows(ObjectNotFoundException.class, () -> store.get(id, Duration.ZERO));
        assertTrue(store.stats().bytesUsed() > usedBefore, "still pinned, still allocated");
        store.release(id);
        assertEquals(usedBefore, store.stats().bytesUsed());
    }

    @Test
    void statsCountObjectsPinsAndBytes() {
        final ObjectId a = ObjectId.random();
        final ObjectId b = ObjectId.random();
        store.put(a, new byte[64]);
        store.create(b, 64);
        store.get(a, Duration.ZERO);

        final StoreStats stats = store.stats();
        assertEquals(CAPACITY, stats.capacity());
        assertEquals(2, stats.objects());
        assertEquals(1, stats.sealedObjects());
        assertEquals(1, stats.pinnedObjects());
        assertEquals(2 * 128, stats.bytesUsed(), "64-byte header + 64-byte payload per object");
        assertEquals(1, stats.clients());
        store.release(a);
    }

    @Test
    void fullStoreEvictsLeastRecentlyUsedFirstAndTellsTheListener() {
        final List<ObjectId> evicted = new ArrayList<>();
        final List<Byte> firstBytes = new ArrayList<>();
        store.onEviction((id, data) -> {
            evicted.add(id);
            firstBytes.add(data.getByte(0));
        });
        final int objectSize = 64 * 1024;
        final List<ObjectId> ids = new ArrayList<>();
        for (int i = 0; i < 15; i++) {  // 15 x (64 KiB + 64 B) fits in 1 MiB; the 16th does not
            final ObjectId id = ObjectId.of(0, i);
            final MutableDirectBuffer buffer = store.create(id, objectSize);
            buffer.setMemory(0, objectSize, (byte) i);
            store.seal(id);
            ids.add(id);
        }
        store.get(ids.get(0), Duration.ZERO);  // touch 0: now the most recently used, and pinned
        store.release(ids.get(0));
        store.get(ids.get(1), Duration.ZERO);  // 1 stays pinned: never evicted

        store.create(ObjectId.of(1, 0), 2 * objectSize);
        assertEquals(List.of(ids.get(2), ids.get(3)), evicted.subList(0, 2), "least recently used first");
        assertEquals((byte) 2, firstBytes.get(0));
        assertFalse(evicted.contains(ids.get(0)));
        assertFalse(evicted.contains(ids.get(1)));
        assertEquals(evicted.size(), store.stats().evictions());
        store.release(ids.get(1));
    }

    @Test
    void storeFullWhenEverythingIsPinned() {
        final ObjectId big = ObjectId.random();
        store.put(big, new byte[(int) (CAPACITY / 2)]);
        store.get(big, Duration.ZERO);
        final StoreFullException full = assertThrows(StoreFullException.class,
            () -> store.create(ObjectId.random(), CAPACITY / 2 + 1024));
        assertTrue(full.getMessage().contains("store full"), full.getMessage());
        assertEquals(1, store.stats().allocationFailures());
        store.release(big);
        store.create(ObjectId.random(), CAPACITY / 2 + 1024);  // now the unpinned object is evicted
        assertEquals(1, store.stats().evictions());
    }

    @Test
    void segmentIsReadableOnlyByItsOwnerUser() throws Exception {
        final Path segment = Path.of("/dev/shm/kairos-" + store.name());
        assertTrue(Files.exists(segment));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)));
    }

    @Test
    void ownerCloseRemovesTheName() {
        final String name = StoreNames.unique("owner-close");
        final SharedObjectStore owned = SharedObjectStore.create(name, CAPACITY);
        owned.close();
        assertFalse(Files.exists(Path.of("/dev/shm/kairos-" + name)));
        assertThrows(ObjectNotFoundException.class, () -> SharedObjectStore.attach(name));
    }

    @Test
    void attachInTheSameProcessSeesTheOwnersObjects() {
        final ObjectId id = ObjectId.random();
        store.put(id, new byte[] {42});
        try (SharedObjectStore second = SharedObjectStore.attach(store.name())) {
            assertTrue(second.clientId() > 0);
            assertEquals(42, second.get(id, Duration.ZERO).getByte(0));
            assertEquals(1, store.stats().pinnedObjects());
        }
        assertEquals(0, store.stats().pinnedObjects(), "closing a client releases its pins");
    }

    @Test
    void objectIdHexRoundTrips() {
        final ObjectId id = ObjectId.of(0x0123456789abcdefL, -1L);
        assertEquals("0123456789abcdefffffffffffffffff", id.toHex());
        assertEquals(id, ObjectId.fromHex(id.toHex()));
        assertEquals(id, ObjectId.fromBytes(id.toBytes(), 0));
    }
}
