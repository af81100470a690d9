package io.kairos.metadata.lmdb;

import static io.kairos.metadata.lmdb.LmdbChild.key;
import static io.kairos.metadata.lmdb.LmdbChild.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Data outlives the JVM that wrote it: a clean close, and kill -9 in the middle of a stream of puts. */
class LmdbCrossProcessTest {

    /** Where children put their temporary files (the extracted LMDB library): a killed child cannot delete them. */
    private static final Path CHILD_TMP = Path.of("target", "child-tmp").toAbsolutePath();

    @TempDir
    Path dir;

    /** Killed children cannot delete the LMDB library they extracted: delete those copies once all have exited. */
    @AfterAll
    static void deleteExtractedLibraries() throws IOException {
        if (Files.isDirectory(CHILD_TMP)) {
            try (Stream<Path> files = Files.list(CHILD_TMP)) {
                for (final Path f : (Iterable<Path>) files::iterator) {
                    if (f.getFileName().toString().startsWith("lmdbjava-native-library-")) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void writtenAndClosedInOneJvmIsReadInAnother() throws Exception {
        final int n = 300;
        final Path store = dir.resolve("store");
        try (LmdbMetadataStore s = new LmdbMetadataStore(store)) {
            for (int i = 0; i < n; i++) {
                s.put("a", key(i), value(i));
                s.put("b", key(i), value(i));
            }
        }
        final Process child = ChildJvm.start(ChildJvm.moduleFlags(), CHILD_TMP, "read", store.toString(), "" + n);
        final ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        final Thread pump = ChildJvm.pump(child, out::add);
        final int status = ChildJvm.await(child, 45);
        pump.join(5_000);
        assertEquals(0, status, () -> "child output: " + out);
        assertTrue(out.contains("OK " + n), () -> "child output: " + out);
        // and back: what the child wrote is here
        try (LmdbMetadataStore s = new LmdbMetadataStore(store)) {
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
                    s.get("c", "from-child".getBytes(StandardCharsets.UTF_8)));
            assertArrayEquals(value(n - 1), s.get("b", key(n - 1)));
        }
    }

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void everyAcknowledgedPutSurvivesKillDashNine() throws Exception {
        for (int trial = 0; trial < 3; trial++) {
            killTrial(dir.resolve("trial-" + trial), 2_000);
        }
    }

    private static void killTrial(final Path store, final int minAcks) throws Exception {
        final Process child = ChildJvm.start(ChildJvm.moduleFlags(), CHILD_TMP, "loop", store.toString());
        final AtomicInteger lastAck = new AtomicInteger(-1);
        final long[] firstAckToKill = new long[2];
        final CountDownLatch enough = new CountDownLatch(1);
        final ConcurrentLinkedQueue<String> other = new ConcurrentLinkedQueue<>();
        final Thread pump = ChildJvm.pump(child, line -> {
            if (line.startsWith("ack ")) {
                final int i = Integer.parseInt(line.substring(4));
                if (i != lastAck.get() + 1) {
                    other.add("out of order: " + line + " after " + lastAck.get());
                }
                lastAck.set(i);
                if (i == 0) {
                    firstAckToKill[0] = System.nanoTime();
                }
                if (i + 1 >= minAcks) {
                    enough.countDown();
                }
            } else if (!line.equals("READY")) {
                other.add(line);
            }
        });
        try {
            if (!enough.await(40, TimeUnit.SECONDS)) {
                throw new AssertionError("child acknowledged only " + (lastAck.get() + 1) + " puts in 40 s; alive="
                        + child.isAlive() + ", output: " + other);
            }
        } finally {
            firstAckToKill[1] = System.nanoTime();
            // SIGKILL. Through the handle: Process.destroyForcibly() would also close our end of the pipe at once,
            // losing the acks still in it; ProcessHandle.destroyForcibly() only sends the signal.
            child.toHandle().destroyForcibly();
        }
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "killed child did not exit");
        pump.join(10_000); // the acks still in the pipe when the child died
        assertTrue(!pump.isAlive(), "child output still open after it died");
        final int acked = lastAck.get() + 1;
        assertTrue(other.isEmpty(), () -> "unexpected child output: " + other);
        assertTrue(acked >= minAcks, "acks: " + acked);
        try (LmdbMetadataStore s = new LmdbMetadataStore(store)) {
            for (int i = 0; i < acked; i++) {
                assertArrayEquals(value(i), s.get("acks", key(i)), "acknowledged key " + i + " of " + acked);
            }
            // The keys present are key(0), key(1), ... with no hole: every acknowledged one, plus the put in flight
            // when the child died if it committed before the kill.
            final List<byte[]> present = new ArrayList<>();
            s.scan("acks", new byte[0], (k, v) -> present.add(k));
            for (int i = 0; i < present.size(); i++) {
                assertArrayEquals(key(i), present.get(i), "key " + i + " of " + present.size());
            }
            assertTrue(present.size() == acked || present.size() == acked + 1,
                    "present " + present.size() + ", acked " + acked);
            System.out.printf("kill -9 trial: %d puts acknowledged in %d ms before the kill, %d present after%n",
                    acked, TimeUnit.NANOSECONDS.toMillis(firstAckToKill[1] - firstAckToKill[0]), present.size());
            s.put("acks", "after-crash".getBytes(StandardCharsets.UTF_8), new byte[] {1});
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutTheModuleFlagsOpeningSaysWhichFlagsAreMissing() throws Exception {
        final Process child = ChildJvm.start(List.of(), CHILD_TMP, "open", dir.resolve("noflags").toString());
        final ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        final Thread pump = ChildJvm.pump(child, out::add);
        final int status = ChildJvm.await(child, 45);
        pump.join(5_000);
        assertEquals(3, status, () -> "child output: " + out);
        final String all = String.join("\n", out);
        assertTrue(all.contains("lmdbjava needs the JVM flags --add-opens=java.base/java.nio=ALL-UNNAMED"
                + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"), all);
    }
}
