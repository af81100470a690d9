package io.kairos.store;

import io.kairos.store.internal.KairosNative;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Objects larger than {@link SharedObjectStore#MAX_OBJECT_SIZE}, which a client of the C ABI can make: no Java buffer
 * spans one, so Java neither truncates its size nor wraps part of it. The segment is sparse: nothing here touches
 * the payloads, so the 2 GiB arena costs a few pages.
 */
class LargeObjectTest {
    private static final long OVER_2_GIB = SharedObjectStore.MAX_OBJECT_SIZE + 1 + 64;

    private SharedObjectStore store;

    @BeforeEach
    void setUp() {
        store = SharedObjectStore.create(StoreNames.unique("large"), OVER_2_GIB + (1L << 20), 64);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /** Creates and seals an object of size bytes through the C ABI, as a C client would; returns nothing read. */
    private void createThroughTheCAbi(final ObjectId id, final long size) {
        final long[] data = new long[1];
        assertEquals(Status.OK, KairosNative.kairos_store_create_object(store.nativeHandle(), id.toBytes(), size, data));
        assertEquals(Status.OK, KairosNative.kairos_store_seal(store.nativeHandle(), id.toBytes()));
    }

    @Test
    void getOfAnObjectOverTheJavaLimitThrowsNamingItsSizeAndReleasesThePin() {
        final ObjectId id = ObjectId.of(7, 7);
        createThroughTheCAbi(id, OVER_2_GIB);

        final StoreInvalidArgumentException e =
            assertThrows(StoreInvalidArgumentException.class, () -> store.get(id, Duration.ZERO));
        assertTrue(e.getMessage().contains(Long.toString(OVER_2_GIB)), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(SharedObjectStore.MAX_OBJECT_SIZE)), e.getMessage());
        assertEquals(0, store.stats().pinnedObjects(), "the pin taken by the native get is released again");
        assertThrows(ObjectStateException.class, () -> store.release(id), "no pin left to release");
        assertTrue(store.delete(id), "unpinned, so deleted at once");
        assertEquals(0, store.stats().objects());
    }

    @Test
    void evictionOfAnObjectOverTheJavaLimitReportsItsTrueSizeAndNoBuffer() {
        final List<DirectBuffer> buffers = new ArrayList<>();
        final List<Long> tooLarge = new ArrayList<>();
        store.onEviction(new EvictionListener() {
            @Override
            public void onEvicted(final ObjectId id, final DirectBuffer data) {
                buffers.add(data);
            }

            @Override
            public void onEvictedTooLarge(final ObjectId id, final long size) {
                assertEquals(ObjectId.of(7, 7), id);
                tooLarge.add(size);
            }
        });
        createThroughTheCAbi(ObjectId.of(7, 7), OVER_2_GIB);

        store.create(ObjectId.of(8, 8), 1L << 20);  // does not fit beside it: evicts it
        assertEquals(List.of(OVER_2_GIB), tooLarge);
        assertEquals(List.of(), buffers, "never a truncated buffer");
        assertEquals(1, store.stats().evictions());
        store.abort(ObjectId.of(8, 8));
    }

    @Test
    void aListenerThatIgnoresOversizedEvictionsIsStillAFunctionalInterface() {
        final List<ObjectId> evicted = new ArrayList<>();
        store.onEviction((id, data) -> evicted.add(id));
        createThroughTheCAbi(ObjectId.of(7, 7), OVER_2_GIB);
        store.create(ObjectId.of(8, 8), 1L << 20);
        assertEquals(List.of(), evicted, "the default onEvictedTooLarge does nothing");
        assertEquals(1, store.stats().evictions());
        store.abort(ObjectId.of(8, 8));
    }
}
