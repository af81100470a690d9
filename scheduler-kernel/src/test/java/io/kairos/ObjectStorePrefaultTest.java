package io.kairos;

import io.kairos.store.StorePrefault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KernelContext#objectStorePrefault}: on, the kernel's prefault thread makes the whole store resident (this
 * process's mapping of the segment, read from /proc/self/smaps) and ends by itself, values put before it ends read
 * back intact, and close leaves no thread; off, there is no such thread and the store's pages are taken only as puts
 * write them. The default follows the store's size.
 */
@Timeout(60)
class ObjectStorePrefaultTest {
    private static final String THREAD_PREFIX = "kairos-prefault-";  // StorePrefault.THREAD_NAME_PREFIX
    private static final long MIB = 1L << 20;
    private static final Pattern MAPPING_HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void onTheStoreBecomesResidentSoonAfterStartAndValuesPutMeanwhileReadBack() throws Exception {
        final long storeBytes = 256 * MIB;
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(storeBytes));
        final String store = kernel.objectStoreName();
        final StorePrefault prefault = kernel.objectStorePrefault().orElseThrow();
        final List<ObjectRef<byte[]>> refs = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 64; i++) {  // put while it (most likely) runs: 32 MiB of 512 KiB values
            final byte[] value = LargeObjectTest.pattern(512 << 10, i);
            values.add(value);
            refs.add(kernel.put(value));
        }
        assertTrue(prefault.await(Duration.ofSeconds(30)), "the prefault ends by itself: " + prefault);
        assertNull(prefault.failure(), "it did not fail");
        assertTrue(prefault.isComplete(), prefault.toString());
        assertTrue(prefault.bytesPopulated() >= storeBytes, prefault.toString());
        final long resident = residentBytes(store);
        assertTrue(resident >= storeBytes, "resident " + resident + " bytes of the " + storeBytes + "-byte store");
        for (int i = 0; i < refs.size(); i++) {
            assertTrue(refs.get(i).isStored());
            assertArrayEquals(values.get(i), refs.get(i).get(), "value " + i);
        }
        kernel.close();
        kernel = null;
        assertNull(thread(THREAD_PREFIX + store));
    }

    @Test
    void closeRightAfterStartStopsThePrefaultAndLeavesNoThread() {
        kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(1L << 30).objectStorePrefault(true));
        final String store = kernel.objectStoreName();
        kernel.close();
        kernel = null;
        assertNull(thread(THREAD_PREFIX + store), "close waits for the prefault thread");
    }

    @Test
    void offThereIsNoThreadAndPagesAreTakenOnlyAsPutsWriteThem() throws Exception {
        final long storeBytes = 256 * MIB;
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(storeBytes).objectStorePrefault(false));
        final String store = kernel.objectStoreName();
        assertTrue(kernel.objectStorePrefault().isEmpty(), "no prefault when off");
        assertNull(thread(THREAD_PREFIX + store), "no prefault thread when off");
        final byte[] value = LargeObjectTest.pattern(4 << 20, 1);
        final ObjectRef<byte[]> ref = kernel.put(value);
        final long resident = residentBytes(store);
        assertTrue(resident < 64 * MIB, "only what was written is resident: " + resident + " bytes");
        assertArrayEquals(value, ref.get());
        assertNull(thread(THREAD_PREFIX + store));
    }

    @Test
    void theDefaultFollowsTheStoresSize() {
        assertTrue(new KernelContext().objectStorePrefault(), "the default 256 MiB store");
        assertTrue(new KernelContext().objectStoreBytes(KernelContext.OBJECT_STORE_PREFAULT_MAX_DEFAULT)
            .objectStorePrefault(), "4 GiB");
        assertFalse(new KernelContext().objectStoreBytes(KernelContext.OBJECT_STORE_PREFAULT_MAX_DEFAULT + 64)
            .objectStorePrefault(), "above 4 GiB: an explicit opt-in");
        assertTrue(new KernelContext().objectStoreBytes(64L << 30).objectStorePrefault(true).objectStorePrefault());
        assertFalse(new KernelContext().objectStoreBytes(64L << 20).objectStorePrefault(false).objectStorePrefault());
        assertFalse(new KernelContext().objectStoreBytes(0).objectStorePrefault(true).objectStorePrefault(),
            "no store, nothing to prefault");
    }

    private static Thread thread(final String name) {
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Rss of this process's mapping of /dev/shm/kairos-NAME, in bytes (from /proc/self/smaps). */
    private static long residentBytes(final String storeName) throws IOException {
        final String path = "/dev/shm/kairos-" + storeName;
        boolean inMapping = false;
        long rss = 0;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (MAPPING_HEADER.matcher(line).lookingAt()) {
                inMapping = line.endsWith(path);
            } else if (inMapping && line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return rss;
    }
}
