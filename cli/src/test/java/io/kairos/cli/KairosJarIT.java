package io.kairos.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable jar carries the module flags in its manifest: {@code java -jar kairos.jar} needs none. */
@Timeout(180)
class KairosJarIT {
    private static final Path JAR = Path.of("target", "kairos.jar");

    private static String run(final String... args) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is not built (mvn package)");
        final List<String> command = new java.util.ArrayList<>(List.of(
            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
            "-Djna.tmpdir=" + Path.of("target", "jna-tmp").toAbsolutePath(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "did not finish: " + out);
            assertEquals(0, process.exitValue(), out);
            return out;
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theDemoRunsWithNoJvmFlags() throws Exception {
        final String out = run("demo");
        assertTrue(!out.contains("Kairos cannot start") && !out.contains("IllegalAccessError"), out);
        assertTrue(out.contains("tasks/s"), out);
    }

    @Test
    void cleanSaysWhatItRemoved() throws Exception {
        final String out = run("clean");
        assertTrue(out.contains("stale segment"), out);
    }
}
