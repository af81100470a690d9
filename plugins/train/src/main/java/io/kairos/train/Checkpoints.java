package io.kairos.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoint directory: each reported checkpoint moved in as {@code checkpoint_NNNNNN}, the newest
 * {@code keep} kept, and an index of them ({@value #INDEX}, one name a line, oldest first) replaced atomically after
 * each change, so that a driver that crashed and starts again on the same directory resumes from the latest one.
 */
final class Checkpoints {
    static final String INDEX = "checkpoints.index";
    private static final String PREFIX = "checkpoint_";

    private final Path root;
    private final int keep;
    private final List<String> names = new ArrayList<>();
    private int next;

    /**
     * @throws UncheckedIOException if the directory cannot be made or its index read
     */
    Checkpoints(final Path root, final int keep) {
        this.root = root;
        this.keep = keep;
        try {
            Files.createDirectories(root);
            final Path index = root.resolve(INDEX);
            if (Files.exists(index)) {
                for (final String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                    final String name = line.trim();
                    if (name.startsWith(PREFIX) && Files.isDirectory(root.resolve(name))) {
                        names.add(name);
                        next = Math.max(next, Integer.parseInt(name.substring(PREFIX.length())) + 1);
                    }
                }
            }
        } catch (final IOException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException("the checkpoint directory " + root
                + " could not be opened: " + e.getMessage(), e));
        }
    }

    /** The latest checkpoint's directory, if there is one. */
    synchronized Optional<Path> latest() {
        return names.isEmpty() ? Optional.empty() : Optional.of(root.resolve(names.get(names.size() - 1)));
    }

    /** A fresh directory inside the root for a worker to write a checkpoint into, then report. */
    Path newStaging(final int rank) throws IOException {
        return Files.createTempDirectory(root, ".staging-" + rank + "-");
    }

    /**
     * Moves a worker's checkpoint directory in as the newest checkpoint, writes the index, and deletes those beyond
     * keep (oldest first).
     *
     * @return the checkpoint's directory
     */
    synchronized Path persist(final Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new IOException("checkpoint " + source + " is not a directory");
        }
        final String name = String.format("%s%06d", PREFIX, next++);
        final Path target = root.resolve(name);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            copyTree(source, target);  // another file system: copied, the source left to its writer
        }
        names.add(name);
        final List<String> gone = new ArrayList<>();
        while (names.size() > keep) {
            gone.add(names.remove(0));
        }
        final Path tmp = root.resolve(INDEX + ".tmp");
        Files.write(tmp, names, StandardCharsets.UTF_8);
        Files.move(tmp, root.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (final String old : gone) {
            deleteTree(root.resolve(old));
        }
        return target;
    }

    private static void copyTree(final Path from, final Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (final Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
