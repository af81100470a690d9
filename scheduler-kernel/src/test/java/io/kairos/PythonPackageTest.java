package io.kairos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code kairos} Python package travels inside the kernel's jar ({@code io/kairos/python/kairos/}), so an
 * embedder's Python workers get it with no checkout: it is extracted once, and python3 imports it from there.
 */
@Timeout(120)
class PythonPackageTest {
    @Test
    void theBuildPutsThePythonPackageInTheKernelsClasses() {
        final URL init = PythonPackage.class.getClassLoader().getResource(PythonPackage.RESOURCE + "__init__.py");
        assertNotNull(init, "io/kairos/python/kairos/__init__.py is among the kernel's resources");
        final URL worker = PythonPackage.class.getClassLoader().getResource(PythonPackage.RESOURCE + "worker.py");
        assertNotNull(worker, "the worker too");
    }

    @Test
    void aJarsCopyIsExtractedAndImportable(@TempDir final Path dir) throws Exception {
        final Path sources = Path.of("../python/kairos").toAbsolutePath().normalize();
        final Path jar = dir.resolve("kernel.jar");
        final List<Path> files;
        try (Stream<Path> list = Files.list(sources)) {
            files = list.filter(p -> p.toString().endsWith(".py")).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (final Path file : files) {
                j.putNextEntry(new JarEntry(PythonPackage.RESOURCE + file.getFileName()));
                j.write(Files.readAllBytes(file));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry(PythonPackage.RESOURCE + "sub/ignored.py"));  // not the package's own level
            j.write("raise SystemExit(1)\n".getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        final Path root = PythonPackage.extract(new URL("jar:" + jar.toUri() + "!/" + PythonPackage.RESOURCE
            + "__init__.py"));
        assertNotNull(root);
        for (final Path file : files) {
            assertEquals(Files.readString(file), Files.readString(root.resolve("kairos").resolve(file.getFileName())),
                file.getFileName().toString());
        }
        assertTrue(Files.notExists(root.resolve("kairos").resolve("sub")), "only the package's own files");
        final ProcessBuilder python = new ProcessBuilder("python3", "-c",
            "import kairos.codec as c; print(c.decode(c.encode([1, 'a'], 'xlang')))").redirectErrorStream(true);
        python.environment().put("PYTHONPATH", root.toString());
        final Process p;
        try {
            p = python.start();
        } catch (final java.io.IOException noPython) {
            org.junit.jupiter.api.Assumptions.abort("no python3 on the PATH: the import is not checked");
            return;
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        if (out.contains("No module named 'numpy'")) {
            org.junit.jupiter.api.Assumptions.abort("python3 has no NumPy: the import is not checked");
        }
        assertEquals(0, p.exitValue(), out);
        assertEquals("[1, 'a']", out);
    }
}
