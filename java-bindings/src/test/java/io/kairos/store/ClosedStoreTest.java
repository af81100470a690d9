package io.kairos.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClosedStoreTest {
    @Test
    void everyCallOnAClosedStoreThrowsAndNothingCrashes() {
        final SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("closed"), 1 << 20);
        final ObjectId id = ObjectId.random();
        store.put(id, new byte[] {1});
        store.close();
        store.close();  // idempotent
        assertTrue(store.isClosed());

        assertThrows(StoreClosedException.class, () -> store.create(ObjectId.random(), 8));
        assertThrows(StoreClosedException.class, () -> store.seal(id));
        assertThrows(StoreClosedException.class, () -> store.abort(id));
        assertThrows(StoreClosedException.class, () -> store.get(id, Duration.ZERO));
        assertThrows(StoreClosedException.class, () -> store.release(id));
        assertThrows(StoreClosedException.class, () -> store.delete(id));
        assertThrows(StoreClosedException.class, () -> store.contains(id));
        assertThrows(StoreClosedException.class, store::stats);
        assertThrows(StoreClosedException.class, store::reapDeadClients);
        final StoreClosedException e = assertThrows(StoreClosedException.class, () -> store.put(id, new byte[1]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void closingWakesAGetThatIsWaiting() throws Exception {
        final String name = StoreNames.unique("closed-wait");
        final SharedObjectStore store = SharedObjectStore.create(name, 1 << 20);
        final ObjectId never = ObjectId.random();
        final CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                store.get(never, Duration.ofMinutes(5));
                return null;
            } catch (final Throwable t) {
                return t;
            }
        });
        SealWaiters.awaitOne(name);  // the getter is blocked in the store: the close must wake it
        store.close();
        final Throwable thrown = waiter.get(10, TimeUnit.SECONDS);
        assertInstanceOf(StoreClosedException.class, thrown);
        assertFalse(store.isClosed() && thrown == null);
    }
}
