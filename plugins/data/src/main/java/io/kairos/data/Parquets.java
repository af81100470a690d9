package io.kairos.data;

import java.nio.file.Path;
import java.util.List;

/** The entry to {@link Parquet} that names what is missing when Apache Parquet is not on the classpath. */
final class Parquets {
    private Parquets() {
    }

    private static void check() {
        try {
            Class.forName("org.apache.parquet.hadoop.ParquetWriter", false, Parquets.class.getClassLoader());
        } catch (final ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("Parquet needs Apache Parquet on the classpath: add the dependency "
                + "io.kairos:kairos-data-parquet (type pom) next to kairos-data", e);
        }
    }

    static List<Split> splits(final List<Path> files) {
        check();
        return Parquet.splits(files);
    }

    static Ops.Op write(final String dir) {
        check();
        return Parquet.write(dir);
    }
}
