package io.kairos.journal.chronicle;

import io.kairos.spi.journal.JournalException;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import static io.kairos.journal.chronicle.JournalIo.describe;

/**
 * The cycle files of an open journal, by cycle: their names (as the queue's roll cycle spells them), the lengths
 * they had when the journal was opened, and retention (deleting all but the newest). Used by the journal's one
 * writer or reader at a time, like the journal itself.
 */
final class CycleFiles {
    static final String SUFFIX = SingleChronicleQueue.SUFFIX;
    private static final System.Logger LOG = System.getLogger(ChronicleJournal.class.getName());

    private final Path directory;
    private final RollCycle rollCycle;
    private final RollingResourcesCache fileNames;
    /** Cycle file lengths before Chronicle mapped (and so zero-extended) them; dropped once this journal writes one. */
    private final Map<Integer, Long> lengthsAtOpen;

    /**
     * @param lengthsByName the cycle files' lengths before the queue was opened, by file name
     * @throws JournalException if one of those names is not a cycle file name of the queue's roll cycle
     */
    CycleFiles(final Path directory, final SingleChronicleQueue queue, final Map<String, Long> lengthsByName) {
        this.directory = directory;
        this.rollCycle = queue.rollCycle();
        this.fileNames = new RollingResourcesCache(queue.rollCycle(), queue.epoch(),
                name -> new File(directory.toFile(), name + SUFFIX),
                file -> file.getName().substring(0, file.getName().length() - SUFFIX.length()));
        this.lengthsAtOpen = new HashMap<>();
        for (Map.Entry<String, Long> e : lengthsByName.entrySet()) {
            lengthsAtOpen.put(cycleOf(e.getKey()), e.getValue());
        }
    }

    File file(final int cycle) {
        return fileNames.resourceFor(cycle).path;
    }

    /** The file's length when the journal was opened; {@link Long#MAX_VALUE} if unknown or written since. */
    long lengthAtOpen(final int cycle) {
        return lengthsAtOpen.getOrDefault(cycle, Long.MAX_VALUE);
    }

    /** This journal writes the cycle's file: its length at open no longer bounds its records. */
    void writing(final int cycle) {
        lengthsAtOpen.remove(cycle);
    }

    /** The cycle files on disk by cycle. */
    NavigableMap<Integer, File> list() {
        final NavigableMap<Integer, File> cycles = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                final String name = f.getFileName().toString();
                cycles.put(cycleOf(name), f.toFile());
            }
        } catch (IOException e) {
            throw new JournalException("cannot list journal directory " + directory + ": " + describe(e), e);
        }
        return cycles;
    }

    /**
     * Keeps the newest {@code retainedCycles} cycle files; a failure is logged (the append that started a new cycle
     * has succeeded).
     *
     * @return whether a file was deleted (the queue's listing of the directory is then stale)
     */
    boolean deleteAllButNewest(final int retainedCycles) {
        final NavigableMap<Integer, File> cycles;
        try {
            cycles = list();
        } catch (JournalException e) {
            LOG.log(System.Logger.Level.WARNING, "journal " + directory + ": cannot apply retention", e);
            return false;
        }
        int kept = 0;
        boolean deleted = false;
        for (Map.Entry<Integer, File> e : cycles.descendingMap().entrySet()) {
            if (++kept <= retainedCycles) {
                continue;
            }
            try {
                Files.deleteIfExists(e.getValue().toPath());
                lengthsAtOpen.remove(e.getKey());
                deleted = true;
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "journal " + directory + ": cannot delete old cycle file "
                        + e.getValue() + ": " + describe(ex), ex);
            }
        }
        return deleted;
    }

    private int cycleOf(final String fileName) {
        final String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            final int cycle = fileNames.parseCount(name);
            if (fileNames.resourceFor(cycle).text.equals(name)) {
                return cycle;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new JournalException("journal file " + directory.resolve(fileName) + " is not a cycle file of this"
                + " journal (its roll cycle " + rollCycle + " names files " + rollCycle.format() + SUFFIX + ")");
    }
}
