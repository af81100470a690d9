package io.kairos.data;

import io.kairos.Kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources of a {@link Dataset}: its static factories ({@code Dataset.range}, {@code Dataset.readJsonl}, ...) live
 * here, in its superclass, to keep each file readable.
 */
abstract class Sources {
    Sources() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // sources (static: called as Dataset.range, Dataset.readJsonl, ...)

    /**
     * The numbers 0 to n - 1, as Longs.
     *
     * @param kernel    the kernel that runs the plan
     * @param n         how many, &gt;= 0
     * @param blockRows rows per block, &gt;= 1
     * @return the dataset
     */
    public static Dataset<Long> range(final Kernel kernel, final long n, final int blockRows) {
        if (n < 0 || blockRows < 1) {
            throw new IllegalArgumentException("range: n " + n + " must be >= 0 and blockRows " + blockRows
                + " >= 1");
        }
        final List<Split> splits = new ArrayList<>();
        for (long start = 0; start < n; start += blockRows) {
            splits.add(new Split.Range(start, Math.min(n, start + blockRows)));
        }
        return Dataset.source(kernel, splits);
    }

    /**
     * The numbers 0 to n - 1 in blocks of {@value Dataset#DEFAULT_BLOCK_ROWS}.
     *
     * @param kernel the kernel that runs the plan
     * @param n      how many, &gt;= 0
     * @return the dataset
     */
    public static Dataset<Long> range(final Kernel kernel, final long n) {
        return range(kernel, n, Dataset.DEFAULT_BLOCK_ROWS);
    }

    /**
     * The program's rows (copied into the plan: they travel in the tasks, so they must be serializable for tasks that
     * run in other processes).
     *
     * @param kernel    the kernel that runs the plan
     * @param rows      the rows, none null
     * @param blockRows rows per block, &gt;= 1
     * @param <T>       their type
     * @return the dataset
     */
    public static <T> Dataset<T> from(final Kernel kernel, final List<T> rows, final int blockRows) {
        if (blockRows < 1) {
            throw new IllegalArgumentException("from: blockRows " + blockRows + " must be >= 1");
        }
        final List<Split> splits = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += blockRows) {
            splits.add(new Split.Items(new ArrayList<>(rows.subList(start, Math.min(rows.size(), start + blockRows)))));
        }
        return Dataset.source(kernel, splits);
    }

    /**
     * The program's rows in blocks of {@value Dataset#DEFAULT_BLOCK_ROWS}.
     *
     * @param kernel the kernel that runs the plan
     * @param rows   the rows
     * @param <T>    their type
     * @return the dataset
     */
    public static <T> Dataset<T> from(final Kernel kernel, final List<T> rows) {
        return from(kernel, rows, Dataset.DEFAULT_BLOCK_ROWS);
    }

    /**
     * JSON Lines files (or the {@code .jsonl} files of directories): a row per line, a {@code Map<String, Object>}
     * (Jackson's reading: objects as maps, arrays as lists, numbers as Integer, Long or Double); empty lines are
     * skipped. Files are split by bytes ({@value Dataset#DEFAULT_BLOCK_BYTES} a block), read in parallel. A line that
     * is not a JSON object fails its task, naming the file and the line's byte offset.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<java.util.Map<String, Object>> readJsonl(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, Jsonl.splits(files(paths, ".jsonl"), Dataset.DEFAULT_BLOCK_BYTES, true));
    }

    /**
     * Text files (or the files of directories): a row per line (a String without its newline); empty lines are
     * skipped. Split by bytes as {@link #readJsonl}.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<String> readText(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, Jsonl.splits(files(paths, ""), Dataset.DEFAULT_BLOCK_BYTES, false));
    }

    /**
     * CSV files (or the {@code .csv} files of directories) through Apache Commons CSV: the first record names the
     * columns, each later record is a row, a {@code Map<String, String>} from column to text (quotes, escaped quotes
     * and newlines inside quoted fields as RFC 4180 says); empty lines are skipped. A file is one block. A record with
     * another number of fields than the header fails its task, naming the file, the record and the line.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<java.util.Map<String, String>> readCsv(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, Csv.splits(files(paths, ".csv")));
    }

    /**
     * Parquet files (or the {@code .parquet} files of directories) through Apache Parquet: a block per row group, read
     * in parallel; a row is a {@code Map<String, Object>} in the schema's column order (int32 as Integer, int64 Long,
     * float Float, double Double, boolean Boolean, strings String, other binary byte[], a repeated column or LIST a
     * List, a group a Map; null for a missing value). The files must have the same columns: else this fails naming
     * both files and both schemas. Needs {@code io.kairos:kairos-data-parquet} (type pom) on the classpath.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<java.util.Map<String, Object>> readParquet(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, Parquets.splits(files(paths, ".parquet")));
    }


    /**
     * Image files (or the JPEG, PNG, BMP and GIF files of directories), decoded by ImageIO: a row per file, an
     * {@link Image} (RGB bytes, height x width x 3). Files go in blocks of about 1 MiB of encoded bytes (at most 64
     * files), decoded in parallel. A file that does not decode fails its task, naming the file.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<Image> readImages(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, wholeFiles(imageFiles(paths), 1L << 20, 64, true));
    }

    /**
     * Image files as {@link #readImages(Kernel, Path...)}, imagesPerBlock files to a block (the last may have fewer).
     *
     * @param kernel         the kernel that runs the plan
     * @param imagesPerBlock files per block, &gt;= 1
     * @param paths          files or directories
     * @return the dataset
     */
    public static Dataset<Image> readImages(final Kernel kernel, final int imagesPerBlock, final Path... paths) {
        if (imagesPerBlock < 1) {
            throw new IllegalArgumentException("readImages: imagesPerBlock " + imagesPerBlock + " must be >= 1");
        }
        return Dataset.source(kernel, wholeFiles(imageFiles(paths), Long.MAX_VALUE, imagesPerBlock, true));
    }

    private static List<Path> imageFiles(final Path[] paths) {
        return files(paths, ".jpg", ".jpeg", ".png", ".bmp", ".gif");
    }

    /**
     * Files as they are (or every file of directories): a row per file, a {@link BinaryFile} (its path and bytes),
     * in blocks of up to {@value Dataset#DEFAULT_BLOCK_BYTES} bytes.
     *
     * @param kernel the kernel that runs the plan
     * @param paths  files or directories
     * @return the dataset
     */
    public static Dataset<BinaryFile> readBinaryFiles(final Kernel kernel, final Path... paths) {
        return Dataset.source(kernel, wholeFiles(files(paths, ""), Dataset.DEFAULT_BLOCK_BYTES, Integer.MAX_VALUE,
            false));
    }

    /** The files given, and the files of the directories given whose names end with suffix, each directory sorted. */
    static List<Path> files(final Path[] paths, final String... suffixes) {
        if (paths.length == 0) {
            throw new IllegalArgumentException("no path given");
        }
        final List<Path> files = new ArrayList<>();
        for (final Path p : paths) {
            if (Files.isDirectory(p)) {
                try (var list = Files.list(p)) {
                    list.filter(f -> Files.isRegularFile(f) && named(f, suffixes)).sorted().forEach(files::add);
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

    private static boolean named(final Path file, final String[] suffixes) {
        final String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        for (final String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** A file's size, or an unchecked error naming it. */
    static long size(final Path file) {
        try {
            return Files.size(file);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Whole files in blocks of up to bytesPerBlock of them (and filesPerBlock files), in order. */
    static List<Split> wholeFiles(final List<Path> files, final long bytesPerBlock, final int filesPerBlock,
                                  final boolean images) {
        final List<Split> splits = new ArrayList<>();
        List<String> block = new ArrayList<>();
        long bytes = 0;
        for (final Path f : files) {
            final long size = size(f);
            if (!block.isEmpty() && (bytes + size > bytesPerBlock || block.size() == filesPerBlock)) {
                splits.add(new Split.WholeFiles(block, images));
                block = new ArrayList<>();
                bytes = 0;
            }
            block.add(f.toAbsolutePath().toString());
            bytes += size;
        }
        if (!block.isEmpty()) {
            splits.add(new Split.WholeFiles(block, images));
        }
        return splits;
    }
}
