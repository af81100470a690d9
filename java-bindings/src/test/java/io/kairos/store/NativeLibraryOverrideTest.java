package io.kairos.store;

import io.kairos.store.internal.NativeLibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -Dkairos.native.lib loads a library from disk instead of the classpath's; a bad path fails clearly. */
@Timeout(120)
class NativeLibraryOverrideTest {
    @Test
    void theOverridePathIsTheLibraryThatIsLoaded(@TempDir final Path dir) throws Exception {
        final Path copy = dir.resolve("libkairos-copy.so");
        Files.copy(NativeLibraryLoader.library().getFile().toPath(), copy);
        try (ChildJvm child = ChildJvm.startMain(LibraryProbe.class,
            List.of("-D" + NativeLibraryLoader.LIBRARY_PATH_PROP + "=" + copy))) {
            assertEquals("LOADED " + copy.toAbsolutePath() + " true", child.readLine(60));
            assertEquals(0, child.waitFor(30));
        }
    }

    @Test
    void aMissingOverrideFileIsAClearError() throws Exception {
        try (ChildJvm child = ChildJvm.startMain(LibraryProbe.class,
            List.of("-D" + NativeLibraryLoader.LIBRARY_PATH_PROP + "=/nonexistent/libkairos.so"))) {
            final String line = child.readLine(60);
            assertTrue(line.startsWith("FAILED java.lang.UnsatisfiedLinkError"), line);
            assertTrue(line.contains("kairos.native.lib=/nonexistent/libkairos.so is not a file"), line);
        }
    }
}
