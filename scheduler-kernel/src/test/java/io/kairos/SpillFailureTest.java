package io.kairos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spill that fails (a full disk, a read-only file system, a spill directory removed under the kernel) loses nothing:
 * the objects it would have moved stay in the store, a value that then finds no room stays on the heap, every get reads
 * what was put, tasks keep running, no partial spill file is left, and spilling resumes once the disk takes writes.
 * {@link SpillStats#failedSpills()} counts the failures and {@link SpillStats#lastFailure()} names the file and the
 * error (before, a failed spill left no trace). The full and read-only disks are a small tmpfs mounted for the test (as root; skipped, saying so, where mount is not
 * allowed); the removed directory needs nothing.
 */
@Timeout(120)
class SpillFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int OBJECT = 256 << 10;
    private static final long STORE = 4L << 20;

    @TempDir
    Path temp;
    private Kernel kernel;
    private Path mounted;

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (kernel != null) {
                kernel.close();
            }
        } finally {
            if (mounted != null) {
                run("umount", mounted.toString());
            }
        }
    }

    /** Mounts a tmpfs of this size at temp/disk, or skips the test saying why. */
    private Path mountTmpfs(final String size) throws Exception {
        final Path disk = Files.createDirectory(temp.resolve("disk"));
        final String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", disk.toString());
        Assumptions.assumeTrue(failure == null, "SpillFailureTest: a small disk needs a tmpfs mount, which this process "
            + "may not do (" + failure + "); run as root to include this case");
        mounted = disk;
        return disk;
    }

    /** Runs a command; null if it exited 0, else what it said. */
    private static String run(final String... command) throws Exception {
        final Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (final IOException e) {
            return e.getMessage();
        }
        final String output = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not end";
        }
        return process.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + " "
            + output;
    }

    private Kernel start(final Path spill) {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(STORE).spillDirectory(spill));
        return kernel;
    }

    private List<ObjectRef<byte[]>> putFourStores(final int seed) {
        final List<ObjectRef<byte[]>> refs = new ArrayList<>();
        for (int i = 0; i < 4 * STORE / OBJECT; i++) {
            refs.add(kernel.put(SpillTest.pattern(seed + i)));
        }
        return refs;
    }

    /** Every value reads back equal; returns how many stayed on the heap. */
    private static int readBackAll(final List<ObjectRef<byte[]>> refs, final int seed) {
        int onHeap = 0;
        for (int i = 0; i < refs.size(); i++) {
            assertArrayEquals(SpillTest.pattern(seed + i), refs.get(i).get(WAIT), "object " + i);
            onHeap += refs.get(i).isStored() ? 0 : 1;
        }
        return onHeap;
    }

    private static long bytesIn(final Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            long bytes = 0;
            for (final Path file : files.toList()) {
                bytes += Files.size(file);
            }
            return bytes;
        }
    }

    /** A failed spill left the kernel working: a task runs and a later put reads back. */
    private void stillWorks() {
        assertEquals(49, kernel.task(KernelTest::square, 7).remote().get(WAIT));
        assertTrue(kernel.objectStoreStats().bytesUsed() <= STORE, kernel.objectStoreStats().toString());
    }

    @Test
    void aFullDiskKeepsTheObjectsInMemoryAndLosesNone() throws Exception {
        final Path disk = mountTmpfs("1m");  // room for three of the 4 MiB store's sixteen objects
        start(disk);
        final List<ObjectRef<byte[]>> refs = putFourStores(0);
        final SpillStats stats = kernel.spillStats();
        assertTrue(stats.spilledBytes() <= 1 << 20 && stats.spilledObjects() < refs.size() / 2, stats.toString());
        assertTrue(stats.failedSpills() > 0 && stats.lastFailure().startsWith("writing " + disk.resolve("spill-"))
            && stats.lastFailure().endsWith("No space left on device"), stats.toString());
        assertEquals(stats.diskBytes(), bytesIn(disk), "a failed spill leaves no partial file");
        assertTrue(readBackAll(refs, 0) >= refs.size() / 2, "the values that found no room stayed on the heap");
        stillWorks();

        assertEquals(null, run("mount", "-o", "remount,size=64m", disk.toString()), "the disk grows");
        final List<ObjectRef<byte[]>> later = putFourStores(1000);
        assertTrue(kernel.spillStats().spilledObjects() > stats.spilledObjects() + later.size() / 2,
            "spilling resumed: " + kernel.spillStats());
        readBackAll(later, 1000);
        readBackAll(refs, 0);
    }

    @Test
    void aReadOnlySpillDirectoryKeepsTheObjectsInMemoryAndLosesNone() throws Exception {
        final Path disk = mountTmpfs("64m");
        assertEquals(null, run("mount", "-o", "remount,ro", disk.toString()), "the disk turns read-only");
        start(disk);  // as root, a mode of 0500 would not stop a write: a read-only file system does
        final List<ObjectRef<byte[]>> refs = putFourStores(0);
        final SpillStats stats = kernel.spillStats();
        assertEquals(0, stats.spilledObjects(), "no spill succeeded: " + stats);
        assertTrue(stats.failedSpills() > 0 && stats.lastFailure().startsWith("creating " + disk.resolve("spill-"))
            && stats.lastFailure().endsWith("Read-only file system"), stats.toString());
        assertTrue(readBackAll(refs, 0) >= refs.size() / 2, "the values that found no room stayed on the heap");
        assertEquals(0, bytesIn(disk));
        stillWorks();

        assertEquals(null, run("mount", "-o", "remount,rw", disk.toString()), "the disk takes writes again");
        final List<ObjectRef<byte[]>> later = putFourStores(1000);
        assertTrue(kernel.spillStats().spilledObjects() > later.size() / 2, "spilling resumed: " + kernel.spillStats());
        readBackAll(later, 1000);
        readBackAll(refs, 0);
    }

    @Test
    void aSpillDirectoryRemovedUnderTheKernelKeepsTheObjectsInMemoryAndLosesNone() throws Exception {
        final Path spill = temp.resolve("spill");
        start(spill);
        Files.delete(spill);  // nothing spilled yet: it is empty
        final List<ObjectRef<byte[]>> refs = putFourStores(0);
        final SpillStats stats = kernel.spillStats();
        assertEquals(0, stats.spilledObjects(), stats.toString());
        assertTrue(stats.failedSpills() > 0 && stats.lastFailure().startsWith("creating " + spill.resolve("spill-"))
            && stats.lastFailure().contains("NoSuchFileException"), stats.toString());
        assertTrue(readBackAll(refs, 0) >= refs.size() / 2, "the values that found no room stayed on the heap");
        assertTrue(!Files.exists(spill), "nothing made the directory again");
        stillWorks();

        Files.createDirectory(spill);
        final List<ObjectRef<byte[]>> later = putFourStores(1000);
        assertTrue(kernel.spillStats().spilledObjects() > 0, "spilling resumed: " + kernel.spillStats());
        readBackAll(later, 1000);
        readBackAll(refs, 0);
    }
}
