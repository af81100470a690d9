package io.kairos;

import io.kairos.store.SharedObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The store segments in /dev/shm, by store name: what a test leaves behind. */
final class ShmSegments {
    private ShmSegments() {
    }

    static Set<String> list() {
        try (Stream<java.nio.file.Path> files = Files.list(SharedObjectStore.SHM_DIRECTORY)) {
            final Set<String> names = new TreeSet<>();
            files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("kairos-"))
                .forEach(f -> names.add(f.substring("kairos-".length())));
            return names;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segments now that were not there before. */
    static Set<String> since(final Set<String> before) {
        final Set<String> now = list();
        now.removeAll(before);
        return now;
    }

    /**
     * The kernels' segments (a kernel names its store "kernel-...") now that were not there before and that their
     * owner left behind: those of live processes (other test runs beside this one) and other programs' (the fuzzers')
     * are not counted; each one counted, but those named in {@code kept}, is removed.
     */
    static Set<String> leftBehindSince(final Set<String> before, final Set<String> kept) {
        final Set<String> now = since(before);
        now.removeIf(name -> !name.startsWith("kernel-")
            || !kept.contains(name) && !SharedObjectStore.removeStale(name));
        return now;
    }
}
