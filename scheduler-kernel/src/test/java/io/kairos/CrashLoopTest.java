package io.kairos;

import io.kairos.internal.setup.SegmentNames;
import io.kairos.store.ChildJvm;
import io.kairos.store.SharedObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service in a crash loop does not fill the machine's memory with segments: a kernel on a data directory names its
 * store after it, so each restart replaces its predecessor's segment, and every kernel removes dead owners' segments
 * when it starts. Twenty rounds of start, fill, kill -9 leave at most one segment; a clean-up leaves none.
 */
@Timeout(600)
class CrashLoopTest {
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    @Test
    void twentyKilledKernelsLeaveAtMostOneSegmentAndACleanUpNone() throws Exception {
        final Set<String> before = ShmSegments.list();
        final String name = SegmentNames.forDirectory(dir);
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm child = ChildJvm.startMain(CrashLoopWorkload.class, List.of(), dir.toString())) {
                assertEquals(name, child.readLine(60), "the store is named after the data directory");
                assertEquals("FILLED", child.readLine(60));
                child.kill(30);
            }
            final Set<String> left = ShmSegments.leftBehindSince(before, Set.of(name));
            assertTrue(left.equals(Set.of(name)), "round " + round + ": segments left " + left);
        }
        final List<String> removed = SharedObjectStore.removeStaleSegments();
        assertTrue(removed.contains(name), removed.toString());
        assertFalse(ShmSegments.list().contains(name), "the clean-up removed " + name);
        assertEquals(Set.of(), ShmSegments.leftBehindSince(before, Set.of()), "/dev/shm as the test found it");
    }
}
