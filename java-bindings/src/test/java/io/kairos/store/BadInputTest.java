package io.kairos.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input gets its own exception type and a message naming the field and the limit. */
class BadInputTest {
    private SharedObjectStore store;

    @BeforeEach
    void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("bad"), 1 << 20);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static <T extends StoreException> void assertFails(final Class<T> type, final String messagePart,
                                                               final Executable call) {
        final T e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }

    @Test
    void storeNamesAreChecked() {
        assertFails(StoreInvalidArgumentException.class, "name is null", () -> SharedObjectStore.create((String) null, 1 << 20));
        assertFails(StoreInvalidArgumentException.class, "1..200", () -> SharedObjectStore.create("", 1 << 20));
        assertFails(StoreInvalidArgumentException.class, "1..200",
            () -> SharedObjectStore.create("x".repeat(201), 1 << 20));
        assertFails(StoreInvalidArgumentException.class, "allowed", () -> SharedObjectStore.create("a/b", 1 << 20));
        assertFails(StoreInvalidArgumentException.class, "allowed", () -> SharedObjectStore.attach("../etc"));
    }

    @Test
    void capacityAndTableSizeAreChecked() {
        assertFails(StoreInvalidArgumentException.class, "capacity 1024 is outside 65536..",
            () -> SharedObjectStore.create(StoreNames.unique("cap"), 1024));
        assertFails(StoreInvalidArgumentException.class, "capacityBytes -1 is negative",
            () -> SharedObjectStore.create(StoreNames.unique("cap"), -1));
        assertFails(StoreInvalidArgumentException.class, "1099511627776",
            () -> SharedObjectStore.create(StoreNames.unique("cap"), (1L << 40) + 1));
        assertFails(StoreInvalidArgumentException.class, "max_objects 10 is outside 64..",
            () -> SharedObjectStore.create(StoreNames.unique("cap"), 1 << 20, 10));
    }

    @Test
    void aLiveStoreNameCannotBeCreatedTwice() {
        assertFails(ObjectExistsException.class, "owner process is alive",
            () -> SharedObjectStore.create(store.name(), 1 << 20));
    }

    @Test
    void attachingAMissingStoreFails() {
        assertFails(ObjectNotFoundException.class, "no store named", () -> SharedObjectStore.attach("jt-missing-store"));
    }

    @Test
    void sizesAreChecked() {
        assertFails(StoreInvalidArgumentException.class, "size -1 is outside 0..2147483647",
            () -> store.create(ObjectId.random(), -1));
        assertFails(StoreInvalidArgumentException.class, "size 4294967296 is outside",
            () -> store.create(ObjectId.random(), 1L << 32));
        assertFails(StoreInvalidArgumentException.class, "exceeds the store's largest object, 1048512 bytes",
            () -> store.create(ObjectId.random(), 2 << 20));
    }

    @Test
    void nullIdsAndTimeoutsAreRejected() {
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.create((ObjectId) null, 8));
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.get(null, Duration.ZERO));
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.seal(null));
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.release(null));
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.delete(null));
        assertFails(StoreInvalidArgumentException.class, "id is null", () -> store.contains(null));
        assertFails(StoreInvalidArgumentException.class, "timeout is null", () -> store.get(ObjectId.random(), null));
        assertFails(StoreInvalidArgumentException.class, "is negative",
            () -> store.get(ObjectId.random(), Duration.ofMillis(-1)));
        assertFails(StoreInvalidArgumentException.class, "hex must be 32 hex digits", () -> ObjectId.fromHex("abc"));
        assertFails(StoreInvalidArgumentException.class, "not hexadecimal", () -> ObjectId.fromHex("z".repeat(32)));
    }

    @Test
    void duplicateIdsAreRejected() {
        final ObjectId id = ObjectId.random();
        store.create(id, 8);
        final ObjectExistsException e = assertThrows(ObjectExistsException.class, () -> store.create(id, 8));
        assertTrue(e.getMessage().contains(id.toHex()), e.getMessage());
        assertEquals(-3, e.status());
    }

    @Test
    void wrongStatesAreRejected() {
        final ObjectId id = ObjectId.random();
        store.create(id, 8);
        assertFails(ObjectStateException.class, "not sealed", () -> store.delete(id));
        store.seal(id);
        assertFails(ObjectStateException.class, "sealed already", () -> store.seal(id));
        assertFails(ObjectStateException.class, "can be aborted", () -> store.abort(id));
        assertFails(ObjectStateException.class, "not pinned by this client", () -> store.release(id));
    }

    @Test
    void unknownIdsAreNotFound() {
        final ObjectId id = ObjectId.random();
        assertFails(ObjectNotFoundException.class, "no object", () -> store.seal(id));
        assertFails(ObjectNotFoundException.class, "no object", () -> store.abort(id));
        assertFails(ObjectNotFoundException.class, "no object", () -> store.release(id));
        assertFails(ObjectNotFoundException.class, "no object", () -> store.get(id, Duration.ZERO));
    }

    @Test
    void anUnsealedObjectIsNotReadableYet() {
        final ObjectId id = ObjectId.random();
        store.create(id, 8);
        assertFails(StoreTimeoutException.class, "not sealed yet", () -> store.get(id, Duration.ZERO));
    }

    @Test
    void aFailedCallLeavesTheStoreIntact() {
        final ObjectId id = ObjectId.random();
        store.put(id, new byte[] {7});
        assertThrows(StoreException.class, () -> store.create(id, 8));
        assertThrows(StoreException.class, () -> store.create(ObjectId.random(), 2 << 20));
        assertEquals(1, store.stats().objects());
        assertEquals(7, store.get(id, Duration.ZERO).getByte(0));
        store.release(id);
    }
}
