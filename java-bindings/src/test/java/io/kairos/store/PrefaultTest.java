package io.kairos.store;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SharedObjectStore#prefault} and {@link SharedObjectStore#prefaultInBackground}: arguments checked, pages
 * made resident (read from /proc/self/smaps: the Rss of this process's mapping of the segment), content put before
 * and while it runs kept, and a close that stops it and leaves no thread behind.
 */
class PrefaultTest {
    private static final long MIB = 1L << 20;
    private static final long PAGE = 4096;
    /** A mapping's first line in smaps: "start-end perms offset dev inode path". */
    private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    @Test
    void prefaultChecksItsArguments() {
        final SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("pf-args"), 4 * MIB);
        try {
            final long cap = store.capacity();
            assertEquals(0, assertThrows(StoreInvalidArgumentException.class, () -> store.prefault(-1, 1)).status());
            assertThrows(StoreInvalidArgumentException.class, () -> store.prefault(0, -1));
            final StoreInvalidArgumentException past = assertThrows(StoreInvalidArgumentException.class,
                () -> store.prefault(cap + 1, 0));
            assertEquals(-1, past.status(), "the native check: KAIROS_ERR_INVALID_ARGUMENT");
            assertTrue(past.getMessage().contains("offset " + (cap + 1)), past.getMessage());
            final StoreInvalidArgumentException tooLong = assertThrows(StoreInvalidArgumentException.class,
                () -> store.prefault(PAGE, cap));
            assertTrue(tooLong.getMessage().contains("at most " + (cap - PAGE)), tooLong.getMessage());
            assertEquals(0, store.prefault(cap, 0));
            assertEquals(PAGE, store.prefault(1, 1), "whole pages");
            assertEquals(cap, store.prefault(0, cap));
            store.close();
            assertThrows(StoreClosedException.class, () -> store.prefault(0, cap));
            assertThrows(StoreClosedException.class, () -> store.prefaultInBackground(StorePrefault.CHUNK_BYTES_DEFAULT));
        } finally {
            store.close();
        }
    }

    @Test
    void backgroundPrefaultMakesTheArenaResidentAndReportsIt() throws Exception {
        final String name = StoreNames.unique("pf-bg");
        try (SharedObjectStore store = SharedObjectStore.create(name, 64 * MIB)) {
            final long before = residentBytes(name);
            assertTrue(before < 8 * MIB, "a fresh store has few resident pages: " + before);
            final StorePrefault prefault = store.prefaultInBackground(8 * MIB);
            assertEquals(StorePrefault.THREAD_NAME_PREFIX + name, prefault.threadName());
            assertSame(prefault, store.backgroundPrefault());
            assertTrue(prefault.await(Duration.ofSeconds(30)), prefault.toString());
            assertTrue(prefault.isComplete(), prefault.toString());
            assertNull(prefault.failure());
            assertEquals(store.capacity(), prefault.bytesPopulated(), prefault.toString());
            assertEquals(store.capacity(), prefault.bytesReserved(), prefault.toString());
            assertEquals(store.capacity(), prefault.bytesToPopulate());
            assertTrue(residentBytes(name) >= store.capacity(), "resident " + residentBytes(name) + " of "
                + store.capacity());
            assertThreadGone(prefault.threadName());
        }
    }

    @Test
    void reservePagesAllocatesWithoutMappingAndPrefaultMaps() throws Exception {
        final String name = StoreNames.unique("pf-reserve");
        try (SharedObjectStore store = SharedObjectStore.create(name, 32 * MIB)) {
            assertThrows(StoreInvalidArgumentException.class, () -> store.reservePages(-1, 1));
            assertThrows(StoreInvalidArgumentException.class, () -> store.reservePages(0, store.capacity() + 1));
            assertEquals(store.capacity(), store.reservePages(0, store.capacity()));
            final long allocated = allocatedBytes(name);
            assertTrue(allocated >= store.capacity(), "allocated in /dev/shm: " + allocated);
            assertTrue(residentBytes(name) < 8 * MIB, "not mapped into this process: " + residentBytes(name));
            assertEquals(store.capacity(), store.prefault(0, store.capacity()));
            assertTrue(residentBytes(name) >= store.capacity(), "mapped: " + residentBytes(name));
        }
    }

    @Test
    void contentPutBeforeAndWhileItRunsReadsBackIntact() throws Exception {
        final SplittableRandom random = new SplittableRandom(42);
        try (SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("pf-content"), 256 * MIB)) {
            final List<ObjectId> ids = new ArrayList<>();
            final List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 32; i++) {  // before
                putRandom(store, random, ids, values, 4096 + random.nextInt(512 << 10));
            }
            final StorePrefault prefault = store.prefaultInBackground(2 * MIB);  // small chunks: many calls to race
            int during = 0;
            while (!prefault.isDone() || during < 64) {  // while (at least 64 puts) it runs
                putRandom(store, random, ids, values, 1 + random.nextInt(256 << 10));
                during++;
            }
            assertTrue(prefault.isComplete(), prefault.toString());
            for (int i = 0; i < ids.size(); i++) {
                final DirectBuffer got = store.get(ids.get(i), Duration.ZERO);
                final byte[] bytes = new byte[got.capacity()];
                got.getBytes(0, bytes);
                assertArrayEquals(values.get(i), bytes, "object " + i + " of " + ids.size() + " (" + during
                    + " put while the prefault ran)");
                store.release(ids.get(i));
            }
            assertEquals(0, store.stats().evictions());
        }
    }

    @Test
    void closeStopsARunningPrefaultAndWaitsForItsThread() throws Exception {
        final SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("pf-close"), 512 * MIB);
        final StorePrefault prefault = store.prefaultInBackground(StorePrefault.CHUNK_BYTES_DEFAULT);
        assertSame(prefault, store.prefaultInBackground(2 * MIB), "one at a time: the running one is returned");
        final long started = System.nanoTime() + 10_000_000_000L;  // close while it runs: wait for its first chunk
        while (prefault.bytesReserved() == 0 && !prefault.isDone() && System.nanoTime() - started < 0) {
            Thread.onSpinWait();
        }
        final long t0 = System.nanoTime();
        store.close();
        final long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(prefault.isDone(), "close returned before the prefault thread ended: " + prefault);
        assertThreadGone(prefault.threadName());
        assertNull(prefault.failure(), "a close is no failure");
        assertTrue(closeMillis < 2_000, "close took " + closeMillis + " ms: " + prefault);
        if (!prefault.isComplete()) {
            assertTrue(prefault.bytesPopulated() < store.capacity(), prefault.toString());
        }
    }

    @Test
    void cancelStopsItAfterTheChunkInFlight() throws Exception {
        try (SharedObjectStore store = SharedObjectStore.create(StoreNames.unique("pf-cancel"), 256 * MIB)) {
            final StorePrefault prefault = store.prefaultInBackground(2 * MIB);
            prefault.cancel();
            assertTrue(prefault.isDone());
            assertNull(prefault.failure());
            final long populated = prefault.bytesPopulated();
            assertTrue(populated % (2 * MIB) == 0 && populated <= store.capacity(), prefault.toString());
            prefault.cancel();  // idempotent
            final StorePrefault again = store.prefaultInBackground(32 * MIB);  // an ended one is replaced
            assertFalse(again == prefault);
            assertTrue(again.await(Duration.ofSeconds(30)), again.toString());
            assertTrue(again.isComplete(), again.toString());
        }
    }

    private static void putRandom(final SharedObjectStore store, final SplittableRandom random, final List<ObjectId> ids,
                                  final List<byte[]> values, final int size) {
        final byte[] value = new byte[size];
        for (int i = 0; i < size; i += 8) {
            final long x = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                value[i + j] = (byte) (x >>> (8 * j));
            }
        }
        final ObjectId id = ObjectId.random();
        store.put(id, value);
        ids.add(id);
        values.add(value);
    }

    private static void assertThreadGone(final String threadName) {
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.isAlive() && t.getName().equals(threadName), "thread " + threadName + " still alive");
        }
    }

    /** Bytes /dev/shm has allocated to the store's segment (its blocks, not its size), from stat(1). */
    static long allocatedBytes(final String storeName) throws IOException, InterruptedException {
        final Process stat = new ProcessBuilder("stat", "-c", "%b %B", "/dev/shm/kairos-" + storeName)
            .redirectErrorStream(true).start();
        final String out = new String(stat.getInputStream().readAllBytes()).trim();
        assertEquals(0, stat.waitFor(), out);
        final String[] blocksAndUnit = out.split(" ");
        return Long.parseLong(blocksAndUnit[0]) * Long.parseLong(blocksAndUnit[1]);
    }

    /** Rss of this process's mapping of /dev/shm/kairos-NAME, in bytes (from /proc/self/smaps). */
    static long residentBytes(final String storeName) throws IOException {
        final String path = "/dev/shm/kairos-" + storeName;
        boolean inMapping = false;
        long rss = 0;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (MAPPING_HEADER.matcher(line).lookingAt()) {
                inMapping = line.endsWith(path);  // a mapping's header line ends with its path
            } else if (inMapping && line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return rss;
    }
}
