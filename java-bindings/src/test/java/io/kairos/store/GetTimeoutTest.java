package io.kairos.store;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GetTimeoutTest {
    private SharedObjectStore store;
    private String name;

    @BeforeEach
    void setUp() {
        name = StoreNames.unique("timeout");
        store = SharedObjectStore.create(name, 1 << 20);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void getOfAnAbsentObjectWaitsForTheTimeoutThenThrows() {
        final long start = System.nanoTime();
        assertThrows(StoreTimeoutException.class, () -> store.get(ObjectId.random(), Duration.ofMillis(150)));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 150, "returned early, after " + elapsedMs + " ms");
        assertTrue(elapsedMs < 5_000, "overslept: " + elapsedMs + " ms");
    }

    @Test
    void getOfAnUnsealedObjectWaitsForTheTimeoutThenThrows() {
        final ObjectId id = ObjectId.random();
        store.create(id, 8);
        final long start = System.nanoTime();
        assertThrows(StoreTimeoutException.class, () -> store.get(id, Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void getReturnsAsSoonAsAnotherThreadSeals() throws Exception {
        final ObjectId id = ObjectId.random();
        final CompletableFuture<Byte> reader = CompletableFuture.supplyAsync(() -> {
            final DirectBuffer buffer = store.get(id, Duration.ofSeconds(30));
            final byte b = buffer.getByte(0);
            store.release(id);
            return b;
        });
        SealWaiters.awaitOne(name);  // the reader is blocked in the store: the seal must wake it
        store.create(id, 1).putByte(0, (byte) 99);
        store.seal(id);
        assertEquals((byte) 99, reader.get(10, TimeUnit.SECONDS));
    }
}
