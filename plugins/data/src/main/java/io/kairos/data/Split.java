package io.kairos.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A part of a source that one task reads into one block: a range of numbers, some items, a byte range of a file. */
interface Split extends Serializable {
    /** Reads the split's rows (in the task). */
    List<Object> read() throws Exception;

    /** The numbers from start (inclusive) to end (exclusive), as Longs. */
    record Range(long start, long end) implements Split {
        @Override
        public List<Object> read() {
            final List<Object> rows = new ArrayList<>((int) (end - start));
            for (long i = start; i < end; i++) {
                rows.add(i);
            }
            return rows;
        }
    }

    /** A split of a dataset in a union, with the operators it had there (its block index there, for them). */
    record Then(Split split, List<Ops.Op> ops, int index) implements Split {
        @Override
        public List<Object> read() throws Exception {
            return Ops.applyAll(ops, split.read(), index);
        }
    }

    /** Rows given by the program (they travel in the task). */
    record Items(ArrayList<Object> rows) implements Split {
        @Override
        public List<Object> read() {
            return new ArrayList<>(rows);
        }
    }

    /** Whole files: their bytes ({@link BinaryFile}), or their images decoded ({@link Image}). */
    record WholeFiles(List<String> paths, boolean images) implements Split {
        @Override
        public List<Object> read() throws java.io.IOException {
            final List<Object> rows = new ArrayList<>(paths.size());
            for (final String path : paths) {
                final byte[] bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(path));
                rows.add(images ? Image.decode(path, bytes) : new BinaryFile(path, bytes));
            }
            return rows;
        }
    }
}
