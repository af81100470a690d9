package io.kairos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel started in a JVM without the flags the stack needs, or with a foreign native library, fails with an error
 * that says what to do: the missing flags and where they go; the file it tried and what it found.
 */
@Timeout(120)
class SetupErrorsTest {
    /** Starts a kernel (on the data directory args[0], if given) and prints what it threw, on one line. */
    public static final class StartKernel {
        public static void main(final String[] args) {
            final KernelContext context = new KernelContext().cpus(1);
            if (args.length > 0) {
                context.dataDirectory(Path.of(args[0]));
            }
            try (Kernel kernel = Kernel.start(context)) {
                System.out.println("STARTED " + kernel);
            } catch (final Throwable t) {
                System.out.println("THREW " + t.getClass().getName() + ": " + t.getMessage().replace('\n', '|'));
            }
        }
    }

    /** Runs StartKernel in a JVM with only these options (none of this JVM's module flags). */
    private static String startIn(final List<String> options, final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Djna.tmpdir=" + System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir")));
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StartKernel.class.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return out.lines().filter(l -> l.startsWith("THREW") || l.startsWith("STARTED")).findFirst()
                .orElse("no result line in: " + out);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void withoutTheModuleFlagsTheErrorListsThemAndWhereTheyGo() throws Exception {
        final String line = startIn(List.of());
        assertTrue(line.startsWith("THREW java.lang.IllegalStateException: Kairos cannot start"), line);
        assertTrue(line.contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), line);
        assertTrue(line.contains("<argLine>") && line.contains("jvmArgs(") && line.contains("java --add-exports"),
            "names the java command, Surefire and Gradle: " + line);
        assertTrue(!line.contains("IllegalAccessError"), line);
    }

    @Test
    void withTheKernelsFlagAloneItStarts() throws Exception {
        final String line = startIn(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"));
        assertTrue(line.startsWith("STARTED"), line);
    }

    @Test
    void theJournalPluginNamesTheFlagsItLacksWhenItOpens(@TempDir final Path dir) throws Exception {
        final String line = startIn(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
            dir.resolve("data").toString());
        assertTrue(line.startsWith("THREW io.kairos.spi.journal.JournalException: cannot open journal"), line);
        assertTrue(line.contains("Chronicle Queue needs the JVM flags")
            && line.contains("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED")
            && line.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), line);
    }

    @Test
    void aNativeLibraryThatIsNotALinuxX8664OneIsNamedWithWhatWasFound() throws Exception {
        final Path text = Files.createTempFile("not-a-library", ".so");
        final Path arm = Files.createTempFile("aarch64-library", ".so");
        try {
            Files.writeString(text, "this is not a shared library");
            final byte[] elf = new byte[64];
            elf[0] = 0x7F;
            elf[1] = 'E';
            elf[2] = 'L';
            elf[3] = 'F';
            elf[4] = 2;     // 64-bit
            elf[5] = 1;     // little-endian
            elf[18] = (byte) 0xB7;  // e_machine: aarch64
            Files.write(arm, elf);
            final String flags = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
            final String notElf = startIn(List.of(flags, "-Dkairos.native.lib=" + text));
            assertTrue(notElf.contains(text.toString()) && notElf.contains("found no ELF header"), notElf);
            final String foreign = startIn(List.of(flags, "-Dkairos.native.lib=" + arm));
            assertTrue(foreign.contains(arm.toString()) && foreign.contains("aarch64"), foreign);
            assertEquals(-1, foreign.indexOf("UnsatisfiedLinkError: null"), foreign);
        } finally {
            Files.deleteIfExists(text);
            Files.deleteIfExists(arm);
        }
    }
}
