package io.kairos;

import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 7: what a kernel leaves on disk and in /dev/shm is its user's only. The store segment is 0600, the
 * data directory and every directory under it 0700, no file is readable by others, and another user cannot attach
 * to the store (run as root only: the child drops to {@code nobody} with setpriv).
 */
@Timeout(120)
class FileModesSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static int twice(final int x) {
        return 2 * x;
    }

    private static String mode(final Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theStoreSegmentIsOwnerOnly() throws Exception {
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(1 << 20)
            .objectStoreName("modes-" + ProcessHandle.current().pid()))) {
            final Path segment = SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + kernel.objectStoreName());
            assertTrue(Files.exists(segment), segment.toString());
            assertEquals("rw-------", mode(segment), segment + " must be 0600");
            assertEquals(4, kernel.task(FileModesSecurityTest::twice, 2).remote().get(WAIT));
        }
    }

    @Test
    void theDataDirectoryIsOwnerOnlyAndNoFileIsReadableByOthers() throws Exception {
        final Path data = dir.resolve("data");
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(1).objectStoreBytes(1 << 20)
            .inlineThresholdBytes(64).spillThreshold(0.5).dataDirectory(data))) {
            final List<ObjectRef<byte[]>> refs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {  // 8 x 256 KiB through a 1 MiB store: some are spilled to data/spill
                refs.add(kernel.put(new byte[256 << 10]));
            }
            kernel.kv().put("k", new byte[] {1});
            assertEquals(4, kernel.task(FileModesSecurityTest::twice, 2).remote().get(WAIT));
            kernel.syncJournal(WAIT);
            assertEquals(256 << 10, refs.get(0).get(WAIT).length);
            assertModes(data);
        }
        assertModes(data);
    }

    /** Every directory from data down is 0700; every file grants nothing to group or others. */
    private static void assertModes(final Path data) throws IOException {
        final List<String> wrong = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (final Path p : (Iterable<Path>) all::iterator) {
                final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (Files.isDirectory(p)) {
                    if (!"rwx------".equals(PosixFilePermissions.toString(perms))) {
                        wrong.add(p + " " + PosixFilePermissions.toString(perms));
                    }
                } else {
                    files.add(data.relativize(p).toString());
                    if (perms.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                        wrong.add(p + " " + PosixFilePermissions.toString(perms));
                    }
                }
            }
        }
        assertTrue(files.stream().anyMatch(f -> f.startsWith("journal/") && f.endsWith(".cq4")), files.toString());
        assertTrue(files.stream().anyMatch(f -> f.startsWith("metadata/")), files.toString());
        assertTrue(wrong.isEmpty(), "not owner-only: " + wrong);
    }

    @Test
    void anotherUserCannotAttachToTheStore() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
            "attaching as another uid needs root to drop to nobody with setpriv (CI runs as root); skipped here");
        final Path setpriv = Path.of("/usr/bin/setpriv");
        final Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(setpriv) && Files.isExecutable(python),
            "needs /usr/bin/setpriv and /usr/bin/python3; skipped here");
        final Path library = Path.of(System.getProperty("user.dir")).resolve(
            "../java-bindings/target/classes/linux-x86-64/libkairos.so").normalize();
        Assumptions.assumeTrue(Files.isReadable(library), "no built " + library + "; skipped here");
        // The child (nobody) must reach the library and its script: a world-readable copy in a 0755 directory.
        final Path shared = Files.createDirectory(dir.resolve("for-nobody"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path lib = Files.copy(library, shared.resolve("libkairos.so"));
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path script = Files.writeString(shared.resolve("attach.py"), String.join("\n",
            "import ctypes, sys",
            "lib = ctypes.CDLL(sys.argv[1])",
            "lib.kairos_last_error_detail.restype = ctypes.c_char_p",
            "lib.kairos_status_name.restype = ctypes.c_char_p",
            "handle = ctypes.c_void_p()",
            "rc = lib.kairos_store_attach(sys.argv[2].encode(), ctypes.byref(handle))",
            "print(rc, lib.kairos_status_name(rc).decode(), (lib.kairos_last_error_detail() or b'').decode())",
            ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        final String name = "attach-uid-" + ProcessHandle.current().pid();
        try (SharedObjectStore store = SharedObjectStore.create(name, 1 << 20)) {
            final io.kairos.store.ObjectId id = io.kairos.store.ObjectId.random();
            store.put(id, new byte[] {7, 8, 9});
            final Process child = new ProcessBuilder(setpriv.toString(), "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", python.toString(), script.toString(), lib.toString(), name)
                .redirectErrorStream(true).start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child attaching as nobody did not finish");
            final String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, child.exitValue(), out);
            assertTrue(out.startsWith("-9 KAIROS_ERR_IO"), out);
            assertTrue(out.contains("permission denied") && out.contains("belongs to user 0 with mode 0600")
                && out.contains("runs as user 65534"), out);
            final org.agrona.DirectBuffer value = store.get(id, Duration.ZERO);
            final byte[] back = new byte[3];
            value.getBytes(0, back);
            store.release(id);
            assertArrayEquals(new byte[] {7, 8, 9}, back, "the store still serves its owner");
        }
        assertFalse(Files.exists(SharedObjectStore.SHM_DIRECTORY.resolve("kairos-" + name)));
    }
}
