package io.kairos.metadata.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kairos.spi.metadata.MetadataException;
import io.kairos.spi.metadata.MetadataProvider;
import io.kairos.spi.metadata.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LmdbMetadataStoreTest {

    @TempDir
    Path tmp;

    private final List<LmdbMetadataStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LmdbMetadataStore::close);
    }

    private LmdbMetadataStore open(final Path dir) {
        final LmdbMetadataStore store = new LmdbMetadataStore(dir);
        opened.add(store);
        return store;
    }

    private LmdbMetadataStore open() {
        return open(tmp.resolve("store"));
    }

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final int... values) {
        final byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** The keys a scan hands over, as hex, in order. */
    private static List<String> scanKeys(final MetadataStore store, final String table, final byte[] prefix) {
        final List<String> keys = new ArrayList<>();
        store.scan(table, prefix, (k, v) -> keys.add(HexFormat.of().formatHex(k)));
        return keys;
    }

    // ------------------------------------------------------------------------------------------ round trips

    @Test
    void putGetDeleteRoundTrip() {
        final LmdbMetadataStore s = open();
        assertNull(s.get("t", b("k")), "a table never written reads as empty");
        assertFalse(s.delete("t", b("k")));
        s.put("t", b("k"), b("v1"));
        assertArrayEquals(b("v1"), s.get("t", b("k")));
        s.put("t", b("k"), b("v2 longer than the first value"));
        assertArrayEquals(b("v2 longer than the first value"), s.get("t", b("k")));
        s.put("t", b("empty"), new byte[0]);
        assertArrayEquals(new byte[0], s.get("t", b("empty")), "empty values are values");
        assertNull(s.get("t", b("other")));
        assertNull(s.get("u", b("k")), "tables are separate");
        assertTrue(s.delete("t", b("k")));
        assertNull(s.get("t", b("k")));
        assertFalse(s.delete("t", b("k")));
        assertArrayEquals(new byte[0], s.get("t", b("empty")));
    }

    @Test
    void valuesAreCopiesNotViewsOfTheMap() {
        final LmdbMetadataStore s = open();
        final byte[] value = b("original");
        s.put("t", b("k"), value);
        value[0] = 'X'; // the store copied the caller's array
        final byte[] got = s.get("t", b("k"));
        assertArrayEquals(b("original"), got);
        got[0] = 'Y'; // and hands out a fresh array
        s.put("t", b("k2"), b("overwrites nearby pages"));
        assertArrayEquals(b("original"), s.get("t", b("k")));
        assertArrayEquals(b("Yriginal"), got);
    }

    @Test
    void largeValuesUseOverflowPages() {
        final LmdbMetadataStore s = open();
        final byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        s.put("blobs", b("big"), big);
        assertArrayEquals(big, s.get("blobs", b("big")));
    }

    @Test
    void putIfAbsentStoresOnlyTheFirst() {
        final LmdbMetadataStore s = open();
        assertTrue(s.putIfAbsent("t", b("k"), b("first")));
        assertFalse(s.putIfAbsent("t", b("k"), b("second")));
        assertArrayEquals(b("first"), s.get("t", b("k")));
        assertTrue(s.delete("t", b("k")));
        assertTrue(s.putIfAbsent("t", b("k"), b("third")));
        assertArrayEquals(b("third"), s.get("t", b("k")));
        assertTrue(s.putIfAbsent("fresh-table", b("k"), new byte[0]));
        assertFalse(s.putIfAbsent("fresh-table", b("k"), b("x")));
        assertArrayEquals(new byte[0], s.get("fresh-table", b("k")));
    }

    @Test
    void keysAtTheLimitWork() {
        final LmdbMetadataStore s = open();
        assertEquals(511, s.maxKeyBytes());
        final byte[] longest = new byte[s.maxKeyBytes()];
        Arrays.fill(longest, (byte) 0xFF);
        s.put("t", longest, b("v"));
        assertArrayEquals(b("v"), s.get("t", longest));
        assertEquals(List.of(HexFormat.of().formatHex(longest)), scanKeys(s, "t", longest));
        final byte[] one = {0};
        s.put("t", one, b("zero"));
        assertArrayEquals(b("zero"), s.get("t", one));
    }

    @Test
    void manyTablesAndReopen() {
        final Path dir = tmp.resolve("tables");
        try (LmdbMetadataStore s = new LmdbMetadataStore(dir)) {
            for (int t = 0; t < 100; t++) {
                final String table = "table-" + t + (t % 7 == 0 ? "-é✓" : "");
                for (int k = 0; k < 3; k++) {
                    s.put(table, b("k" + k), b(table + "/" + k));
                }
            }
            assertEquals(List.of("6b30", "6b31", "6b32"), scanKeys(s, "table-99", new byte[0]));
        }
        try (LmdbMetadataStore s = new LmdbMetadataStore(dir)) {
            for (int t = 0; t < 100; t++) {
                final String table = "table-" + t + (t % 7 == 0 ? "-é✓" : "");
                for (int k = 0; k < 3; k++) {
                    assertArrayEquals(b(table + "/" + k), s.get(table, b("k" + k)), table);
                }
            }
            assertNull(s.get("table-100", b("k0")));
        }
    }

    @Test
    void atMost128TablesAndTheErrorSaysSo() {
        final LmdbMetadataStore s = open();
        for (int t = 0; t < LmdbMetadataStore.MAX_TABLES; t++) {
            s.put("t" + t, b("k"), b("v"));
        }
        final MetadataException e = assertThrows(MetadataException.class, () -> s.put("one-too-many", b("k"), b("v")));
        assertTrue(e.getMessage().contains("cannot open table 'one-too-many': the store holds at most 128 tables"),
                e.getMessage());
        assertTrue(e.getMessage().contains(s.directory().toString()), e.getMessage());
        // reading a missing table does not need a slot, and the store still works
        assertNull(s.get("one-too-many", b("k")));
        s.put("t5", b("k2"), b("v2"));
        assertArrayEquals(b("v2"), s.get("t5", b("k2")));
    }

    @Test
    void reopenAfterCloseKeepsEverything() {
        final Path dir = tmp.resolve("reopen");
        LmdbMetadataStore s = new LmdbMetadataStore(dir);
        s.put("t", b("a"), b("1"));
        s.put("t", b("b"), b("2"));
        s.delete("t", b("a"));
        s.close();
        s.close(); // idempotent
        s = new LmdbMetadataStore(dir);
        try {
            assertNull(s.get("t", b("a")));
            assertArrayEquals(b("2"), s.get("t", b("b")));
        } finally {
            s.close();
        }
    }

    @Test
    void providerIsFoundByServiceLoader() {
        final List<MetadataProvider> providers = new ArrayList<>();
        ServiceLoader.load(MetadataProvider.class).forEach(providers::add);
        assertEquals(1, providers.size(), providers.toString());
        final MetadataProvider provider = providers.get(0);
        assertInstanceOf(LmdbMetadataProvider.class, provider);
        assertEquals("lmdb", provider.name());
        try (MetadataStore s = provider.open(tmp.resolve("via-provider").resolve("nested"))) {
            s.put("t", b("k"), b("v"));
            assertArrayEquals(b("v"), s.get("t", b("k")));
        }
    }

    // ------------------------------------------------------------------------------------------ scan

    @Test
    void scanByPrefixInBytewiseOrder() {
        final LmdbMetadataStore s = open();
        final int[][] keys = {
            {0x00}, {0x01, 0x02}, {0x7F}, {0x7F, 0xFF}, {0x80}, {0x80, 0x00}, {0x80, 0x01}, {0x81},
            {0xFE, 0xFF}, {0xFF}, {0xFF, 0x00}, {0xFF, 0x7F}, {0xFF, 0x80}, {0xFF, 0xFF}, {0xFF, 0xFF, 0x01},
            {0xFF, 0xFF, 0xFF},
        };
        // insert in a shuffled order
        final List<int[]> shuffled = new ArrayList<>(List.of(keys));
        java.util.Collections.shuffle(shuffled, new Random(7));
        for (final int[] k : shuffled) {
            s.put("t", bytes(k), bytes(k.length));
        }
        s.put("other", bytes(0xFF), b("not in t"));

        final List<String> all = new ArrayList<>();
        for (final int[] k : keys) {
            all.add(HexFormat.of().formatHex(bytes(k)));
        }
        assertEquals(all, scanKeys(s, "t", new byte[0]), "empty prefix: every key, unsigned bytewise order");
        assertEquals(List.of("ff", "ff00", "ff7f", "ff80", "ffff", "ffff01", "ffffff"), scanKeys(s, "t", bytes(0xFF)));
        assertEquals(List.of("ffff", "ffff01", "ffffff"), scanKeys(s, "t", bytes(0xFF, 0xFF)));
        assertEquals(List.of("ffffff"), scanKeys(s, "t", bytes(0xFF, 0xFF, 0xFF)));
        assertEquals(List.of(), scanKeys(s, "t", bytes(0xFF, 0xFF, 0xFF, 0xFF)));
        assertEquals(List.of("80", "8000", "8001"), scanKeys(s, "t", bytes(0x80)));
        assertEquals(List.of("7f", "7fff"), scanKeys(s, "t", bytes(0x7F)));
        assertEquals(List.of("0102"), scanKeys(s, "t", bytes(0x01)));
        assertEquals(List.of(), scanKeys(s, "t", bytes(0x02)));
        assertEquals(List.of(), scanKeys(s, "never-written", new byte[0]));
        assertEquals(List.of(), scanKeys(s, "t", new byte[600]), "a prefix longer than any key matches nothing");

        final List<String> values = new ArrayList<>();
        s.scan("t", bytes(0xFF, 0xFF), (k, v) -> values.add(HexFormat.of().formatHex(v)));
        assertEquals(List.of("02", "03", "03"), values);
    }

    @Test
    void scanAcrossBatchesWhileTheConsumerWrites() {
        final LmdbMetadataStore s = open();
        final int n = LmdbMetadataStore.SCAN_BATCH_ENTRIES * 2 + 100;
        // one write per key is one commit (and sync): about 1100 puts, under half a second here
        for (int i = 0; i < n; i++) {
            s.put("big", b(String.format("p/%05d", i)), b("v" + i));
        }
        s.put("big", b("q/after"), b("x"));
        s.put("big", b("o/before"), b("x"));
        final List<String> seen = new ArrayList<>();
        s.scan("big", b("p/"), (k, v) -> {
            final String key = new String(k, StandardCharsets.UTF_8);
            seen.add(key);
            final String expectedValue = key.equals("p/zzz-added") ? "v-1" : "v" + Integer.parseInt(key.substring(2));
            assertEquals(expectedValue, new String(v, StandardCharsets.UTF_8));
            // the consumer runs with no transaction open: it may write, even into the range being scanned
            if (key.equals("p/00000")) {
                s.delete("big", b(String.format("p/%05d", n - 1)));
                s.put("big", b("p/zzz-added"), b("v-1"));
            }
        });
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            expected.add(String.format("p/%05d", i));
        }
        expected.add("p/zzz-added");
        assertEquals(expected, seen);
    }

    // ------------------------------------------------------------------------------------------ concurrency

    @Test
    void fourThreadsWritingAndReadingLoseNothing() throws Exception {
        final LmdbMetadataStore s = open();
        final int threads = 4;
        final int perThread = 150;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final ConcurrentHashMap<String, Integer> winners = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int me = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        s.put("own", b(me + "/" + i), b("v" + i));
                        // read back my own write, and whatever the others wrote so far
                        assertArrayEquals(b("v" + i), s.get("own", b(me + "/" + i)));
                        final int other = (me + 1) % threads;
                        final byte[] theirs = s.get("own", b(other + "/" + i));
                        if (theirs != null) {
                            assertArrayEquals(b("v" + i), theirs);
                            reads.incrementAndGet();
                        }
                        // everyone races for the same keys: exactly one wins each
                        if (i % 5 == 0) {
                            if (s.putIfAbsent("race", b("k" + i), b("t" + me))) {
                                assertNull(winners.put("k" + i, me), "two winners for k" + i);
                            }
                        }
                        if (i % 10 == 0) {
                            final int[] count = {0};
                            s.scan("own", b(me + "/"), (k, v) -> count[0]++);
                            assertEquals(i + 1, count[0], "my keys so far");
                        }
                    }
                    return null;
                }));
            }
            for (final Future<Void> f : futures) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertEquals(threads * perThread, scanKeys(s, "own", new byte[0]).size(), "no lost writes");
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertArrayEquals(b("v" + i), s.get("own", b(t + "/" + i)));
            }
        }
        assertEquals(perThread / 5, winners.size());
        for (final var w : winners.entrySet()) {
            assertArrayEquals(b("t" + w.getValue()), s.get("race", b(w.getKey())));
        }
        assertTrue(reads.get() > 0, "readers saw other threads' writes");
    }

    @Test
    void closeWaitsForReadersAndLaterCallsFail() throws Exception {
        final LmdbMetadataStore s = new LmdbMetadataStore(tmp.resolve("closing"));
        s.put("t", b("k"), b("v"));
        final int threads = 3;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final AtomicInteger ok = new AtomicInteger();
        final CyclicBarrier running = new CyclicBarrier(threads + 1);
        try {
            final List<Future<String>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    running.await(10, TimeUnit.SECONDS);
                    while (true) {
                        try {
                            assertArrayEquals(b("v"), s.get("t", b("k")));
                            ok.incrementAndGet();
                        } catch (final MetadataException e) {
                            return e.getMessage();
                        }
                    }
                }));
            }
            running.await(10, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ok.get() < threads * 100) {  // readers in the middle of reading when close comes
                assertTrue(System.nanoTime() - deadline < 0, "the readers read: " + ok.get());
                Thread.onSpinWait();
            }
            s.close();
            for (final Future<String> f : futures) {
                assertEquals("metadata store " + s.directory() + " is closed", f.get(10, TimeUnit.SECONDS));
            }
            final int readsAtClose = ok.get();
            assertTrue(readsAtClose >= threads * 100, readsAtClose + " reads, every one returned the value");
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------ argument errors

    @Test
    void keyAndTableErrorsSayWhatIsWrong() {
        final LmdbMetadataStore s = open();
        assertMessage("key for table 'jobs' is 512 bytes, longer than the limit of 511 bytes",
                () -> s.put("jobs", new byte[512], b("v")));
        assertMessage("key for table 'jobs' is 4096 bytes, longer than the limit of 511 bytes",
                () -> s.get("jobs", new byte[4096]));
        assertMessage("key for table 'jobs' is 512 bytes, longer than the limit of 511 bytes",
                () -> s.putIfAbsent("jobs", new byte[512], b("v")));
        assertMessage("key for table 'jobs' is 512 bytes, longer than the limit of 511 bytes",
                () -> s.delete("jobs", new byte[512]));
        assertMessage("key for table 'jobs' is empty", () -> s.put("jobs", new byte[0], b("v")));
        assertMessage("key for table 'jobs' is empty", () -> s.get("jobs", new byte[0]));
        assertMessage("table name is empty", () -> s.put("", b("k"), b("v")));
        assertMessage("table name is empty", () -> s.scan("", new byte[0], (k, v) -> { }));
        final String long65 = "x".repeat(65);
        assertMessage("table name '" + long65 + "' is 65 characters, longer than the limit of 64",
                () -> s.put(long65, b("k"), b("v")));
        assertMessage("table name 'a\\0b' contains a NUL character", () -> s.get("a\0b", b("k")));
        s.put("y".repeat(64), b("k"), b("v")); // 64 is fine
        assertArrayEquals(b("v"), s.get("y".repeat(64), b("k")));
        assertThrows(NullPointerException.class, () -> s.put("t", b("k"), null));
        assertThrows(NullPointerException.class, () -> s.put(null, b("k"), b("v")));
        assertThrows(NullPointerException.class, () -> s.get("t", null));
        assertNull(s.get("jobs", b("k")), "nothing was written by the failed calls");
    }

    private static void assertMessage(final String message, final Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    // ------------------------------------------------------------------------------------------ map size

    @Test
    void aFullMapGrowsAndKeepsEverything() {
        final long mib = 1024 * 1024;
        final Path dir = tmp.resolve("grow");
        final byte[] value = new byte[64 * 1024];
        try (LmdbMetadataStore s = new LmdbMetadataStore(dir, mib, 64 * mib)) {
            assertEquals(mib, s.mapSize());
            for (int i = 0; i < 128; i++) { // 8 MiB of values in a 1 MiB map
                value[0] = (byte) i;
                s.put("blobs", b("k" + i), value);
            }
            assertTrue(s.mapSize() >= 8 * mib && s.mapSize() <= 32 * mib, "map size " + s.mapSize());
            for (int i = 0; i < 128; i++) {
                assertEquals((byte) i, s.get("blobs", b("k" + i))[0]);
            }
        }
        // reopened with the small initial size: LMDB keeps the file's size, and the data is there
        try (LmdbMetadataStore s = new LmdbMetadataStore(dir, mib, 64 * mib)) {
            assertTrue(s.mapSize() >= 8 * mib, "map size " + s.mapSize());
            assertEquals(128, scanKeys(s, "blobs", b("k")).size());
        }
    }

    @Test
    void aMapFullAtItsMaximumFailsNamingTheSize() {
        final long mib = 1024 * 1024;
        try (LmdbMetadataStore s = new LmdbMetadataStore(tmp.resolve("full"), mib, 2 * mib)) {
            final byte[] value = new byte[64 * 1024];
            int stored = 0;
            MetadataException full = null;
            while (full == null && stored < 100) {
                try {
                    s.put("blobs", b("k" + stored), value);
                    stored++;
                } catch (final MetadataException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "a 2 MiB map took " + stored + " values of 64 KiB");
            assertEquals("metadata store " + s.directory() + ": put on table 'blobs' failed: the LMDB map is full at"
                    + " 2 MiB (2097152 bytes), its maximum; open the store with a larger map size", full.getMessage());
            assertTrue(stored > 16, "stored " + stored);
            // what was stored is intact, and deletes still work
            assertEquals(stored, scanKeys(s, "blobs", b("k")).size());
            assertTrue(s.delete("blobs", b("k0")));
        }
    }

    // ------------------------------------------------------------------------------------------ open errors

    @Test
    void aDataFileThatIsNotLmdbIsAClearError() throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("corrupt"));
        final byte[] garbage = new byte[16 * 1024];
        new Random(42).nextBytes(garbage);
        Files.write(dir.resolve("data.mdb"), garbage);
        for (int attempt = 0; attempt < 2; attempt++) { // a failed open leaves nothing behind that blocks the next
            final MetadataException e = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(dir));
            assertEquals("metadata store " + dir + ": " + dir.resolve("data.mdb") + " (or lock.mdb) is not an LMDB"
                    + " file (MDB_INVALID): it is damaged or was written by something else", e.getMessage());
        }
        // a short file too
        final Path shortDir = Files.createDirectories(tmp.resolve("short"));
        Files.write(shortDir.resolve("data.mdb"), b("hello, not lmdb"));
        final MetadataException e = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(shortDir));
        assertTrue(e.getMessage().contains("is not an LMDB file"), e.getMessage());
    }

    @Test
    void aRegularFileWhereTheDirectoryShouldBeIsAClearError() throws Exception {
        final Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        final MetadataException e = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(file));
        assertEquals("metadata directory " + file + " is a regular file, not a directory", e.getMessage());
        final Path under = file.resolve("sub");
        final MetadataException e2 = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(under));
        assertTrue(e2.getMessage().startsWith("cannot create metadata directory " + under), e2.getMessage());
        final Path odd = Files.createDirectories(tmp.resolve("odd").resolve("data.mdb"));
        final MetadataException e3 = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(odd.getParent()));
        assertEquals("metadata store " + odd.getParent() + ": " + odd + " is not a regular file", e3.getMessage());
    }

    @Test
    void aDirectoryThisProcessCannotWriteIsAClearError() throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        final String expected = "metadata directory " + dir + " is not readable, writable and searchable by this process";
        try {
            if (!"root".equals(System.getProperty("user.name"))) {
                final MetadataException e = assertThrows(MetadataException.class, () -> new LmdbMetadataStore(dir));
                assertEquals(expected, e.getMessage());
                return;
            }
            // Permissions do not stop root (as CI runs): the open runs in a child JVM that setpriv drops to nobody.
            final Path setpriv = Path.of("/usr/bin/setpriv");
            Assumptions.assumeTrue(Files.isExecutable(setpriv), "running as root without /usr/bin/setpriv: skipped");
            final String output = openAsNobody(setpriv, dir);
            assertEquals("MetadataException: " + expected, output);
            assertFalse(Files.exists(dir.resolve("data.mdb")), "nothing was written in the directory");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * Runs {@link LmdbChild}'s "open" as user nobody and returns its output line. Nobody cannot read root's Maven
     * repository, so the class path's jars are copied into a world-readable directory first (its class folders lie
     * in the checkout, which is world-readable as CI clones it).
     */
    private String openAsNobody(final Path setpriv, final Path dir) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path jars = Files.createDirectory(tmp.resolve("jars-for-nobody"));
        final List<String> classPath = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            final Path path = Path.of(entry);
            if (Files.isRegularFile(path)) {
                final Path copy = jars.resolve(classPath.size() + "-" + path.getFileName());
                Files.copy(path, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                classPath.add(copy.toString());
            } else {
                classPath.add(entry);
            }
        }
        final Path childTmp = Files.createDirectory(tmp.resolve("tmp-for-nobody"));
        Files.setPosixFilePermissions(childTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        final Process child = ChildJvm.start(
                List.of(setpriv.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"),
                String.join(java.io.File.pathSeparator, classPath), ChildJvm.moduleFlags(), childTmp,
                "open", dir.toString());
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Thread pump = ChildJvm.pump(child, lines::add);
        final int status = ChildJvm.await(child, 60);
        pump.join(10_000);
        assertEquals(3, status, "the child (nobody) should fail with a MetadataException: " + lines);
        return lines.stream().filter(l -> l.startsWith("MetadataException")).findFirst().orElse(String.valueOf(lines));
    }

    @Test
    void aDirectoryIsOpenOnceInAProcess() {
        final Path dir = tmp.resolve("once");
        final LmdbMetadataStore first = open(dir);
        final MetadataException e = assertThrows(MetadataException.class,
                () -> new LmdbMetadataStore(dir.resolve("..").resolve("once")));
        assertTrue(e.getMessage().endsWith("is already open in this process (LMDB allows one open handle per process):"
                + " close it first"), e.getMessage());
        first.put("t", b("k"), b("v")); // the first is unharmed
        first.close();
        try (LmdbMetadataStore again = new LmdbMetadataStore(dir)) {
            assertArrayEquals(b("v"), again.get("t", b("k")));
        }
    }

    @Test
    void callsAfterCloseFailNamingTheStore() {
        final LmdbMetadataStore s = new LmdbMetadataStore(tmp.resolve("closed"));
        s.put("t", b("k"), b("v"));
        s.close();
        final String message = "metadata store " + s.directory() + " is closed";
        for (final Executable call : List.<Executable>of(
                () -> s.put("t", b("k"), b("v")),
                () -> s.putIfAbsent("t", b("k"), b("v")),
                () -> s.get("t", b("k")),
                () -> s.get("never", b("k")),
                () -> s.delete("t", b("k")),
                () -> s.scan("t", new byte[0], (k, v) -> { }),
                s::maxKeyBytes)) {
            assertEquals(message, assertThrows(MetadataException.class, call).getMessage());
        }
        s.close();
    }
}
