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
 * working directory, then from this jar's location), else nowhere: then it must be installed
 * ({@code pip install ./python}).
 */
final class PythonPackage {
    static final String PROPERTY = "kairos.python.package";

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
        return null;
    }
}
