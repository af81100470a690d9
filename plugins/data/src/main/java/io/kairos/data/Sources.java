package io.kairos.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files a source reads. */
final class Sources {
    private Sources() {
    }

    /** The files given, and the files of the directories given whose names end with suffix, each directory sorted. */
    static List<Path> files(final Path[] paths, final String suffix) {
        if (paths.length == 0) {
            throw new IllegalArgumentException("no path given");
        }
        final List<Path> files = new ArrayList<>();
        for (final Path p : paths) {
            if (Files.isDirectory(p)) {
                try (var list = Files.list(p)) {
                    list.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(suffix)).sorted()
                        .forEach(files::add);
                } catch (final IOException e) {
                    throw new UncheckedIOException("cannot list '" + p + "': " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IllegalArgumentException("'" + p + "' is neither a file nor a directory");
            }
        }
        return files;
    }
}
