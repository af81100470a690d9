package io.kairos;

import io.kairos.spi.journal.JournalException;
import io.kairos.spi.metadata.MetadataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A damaged journal or an unusable data directory stops the kernel's start with a message naming it. */
@Timeout(60)
class DurabilityErrorsTest {
    @TempDir
    Path dir;

    static int twice(final int x) {
        return 2 * x;
    }

    @Test
    void aDataDirectoryThatIsAFileIsNamed() throws Exception {
        final Path file = Files.createFile(dir.resolve("data"));
        final JournalException e = assertThrows(JournalException.class,
            () -> Kernel.start(new KernelContext().cpus(1).dataDirectory(file)));
        assertTrue(e.getMessage().contains(file.resolve("journal").toString()), e.getMessage());
    }

    @Test
    void aTruncatedJournalFileIsNamedNotSilentlyLost() throws Exception {
        final Path data = dir.resolve("data");
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(1).dataDirectory(data))) {
            for (int i = 0; i < 2000; i++) {
                kernel.task(DurabilityErrorsTest::twice, i).remote();
            }
            kernel.syncJournal(Duration.ofSeconds(30));
        }
        final Path cycle;
        try (Stream<Path> files = Files.list(data.resolve("journal"))) {
            final List<Path> cycles = files.filter(p -> p.toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            cycle = cycles.get(0);
        }
        final byte[] bytes = Files.readAllBytes(cycle);  // preallocated: the records, then zeros
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        try (RandomAccessFile raf = new RandomAccessFile(cycle.toFile(), "rw")) {
            raf.setLength(end * 2L / 3);  // cuts the file in the middle of its records
        }
        final JournalException e = assertThrows(JournalException.class,
            () -> Kernel.start(new KernelContext().cpus(1).dataDirectory(data)));
        assertTrue(e.getMessage().contains(cycle.getFileName().toString()), e.getMessage());
    }

    @Test
    void metadataThatIsNotLmdbIsNamed() throws Exception {
        final Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("metadata"));
        Files.write(data.resolve("metadata").resolve("data.mdb"), new byte[64 << 10]);
        final MetadataException e = assertThrows(MetadataException.class,
            () -> Kernel.start(new KernelContext().cpus(1).dataDirectory(data)));
        assertTrue(e.getMessage().contains(data.resolve("metadata").toString()), e.getMessage());
    }
}
