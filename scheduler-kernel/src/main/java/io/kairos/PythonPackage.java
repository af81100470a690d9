package io.kairos;

import io.kairos.internal.worker.WorkerProcesses;
import io.kairos.store.SharedObjectStore;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the Python workers find the {@code kairos} package: the system property {@value #PROPERTY} (the directory
 * holding {@code kairos/}), else the {@code python/} directory of the checkout this JVM runs in (found upward from the
 * working directory, then from this jar's location), else the copy inside this jar ({@value #RESOURCE}), extracted
 * once per JVM into a temporary directory removed at exit.
 */
final class PythonPackage {
    static final String PROPERTY = "kairos.python.package";
    static final String RESOURCE = "io/kairos/python/kairos/";
    /** The package extracted from the jar, once. */
    private static Path extracted;

    private PythonPackage() {
    }

    static WorkerProcesses.PythonLaunch launch(final KernelSettings context, final boolean hasStore) {
        final List<String> path = new ArrayList<>();
        for (final Path dir : context.pythonPath()) {
            path.add(dir.toAbsolutePath().toString());
        }
        final Path kairos = locate();
        if (kairos != null) {
            path.add(kairos.toString());
        }
        return new WorkerProcesses.PythonLaunch(context.pythonExecutable(), String.join(File.pathSeparator, path),
            hasStore ? SharedObjectStore.libraryFile().toString() : null);
    }

    static Path locate() {
        final String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        final List<Path> starts = new ArrayList<>();
        starts.add(Path.of(System.getProperty("user.dir")));
        try {
            starts.add(Path.of(PythonPackage.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (final URISyntaxException | RuntimeException e) {
            // no code source: the working directory only
        }
        for (final Path start : starts) {
            for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("python").resolve("kairos").resolve("__init__.py"))) {
                    return dir.resolve("python");
                }
            }
        }
        return fromJar();
    }

    /** The package as this jar carries it, extracted (a class folder's copy is used where it lies); null if none. */
    static synchronized Path fromJar() {
        if (extracted != null) {
            return extracted;
        }
        final java.net.URL init = PythonPackage.class.getClassLoader().getResource(RESOURCE + "__init__.py");
        extracted = init == null ? null : extract(init);
        return extracted;
    }

    /**
     * The directory holding the package whose {@code __init__.py} is at this URL: its class folder, or a temporary
     * copy of the jar's files (removed at exit); null if it cannot be had.
     */
    static Path extract(final java.net.URL init) {
        try {
            if ("file".equals(init.getProtocol())) {
                return Path.of(init.toURI()).getParent().getParent();
            }
            if (!"jar".equals(init.getProtocol())) {
                return null;
            }
            final java.net.JarURLConnection connection = (java.net.JarURLConnection) init.openConnection();
            connection.setUseCaches(false);
            final Path root = Files.createTempDirectory("kairos-python-");
            final Path target = Files.createDirectory(root.resolve("kairos"));
            try (java.util.jar.JarFile jar = connection.getJarFile()) {
                final java.util.Enumeration<java.util.jar.JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    final java.util.jar.JarEntry entry = entries.nextElement();
                    final String name = entry.getName();
                    if (name.startsWith(RESOURCE) && name.endsWith(".py") && name.indexOf('/', RESOURCE.length()) < 0) {
                        try (java.io.InputStream in = jar.getInputStream(entry)) {
                            Files.copy(in, target.resolve(name.substring(RESOURCE.length())));
                        }
                    }
                }
            }
            deleteAtExit(root);
            return root;
        } catch (final java.io.IOException | URISyntaxException | RuntimeException e) {
            return null;  // the workers then need an installed package; their start says what is missing
        }
    }

    private static void deleteAtExit(final Path root) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (final java.io.IOException | RuntimeException e) {
                // a temporary directory: the system's cleaning takes it
            }
        }, "kairos-python-package-cleanup"));
    }
}
