package io.kairos.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A running dataset's rows ({@link Dataset#iterator()}): reading it moves the pipeline, a slow reader holds it back.
 * Read it to its end, or close it to stop the run (what has not run is cancelled, the actors go). It also tells how
 * the run goes: blocks consumed, the actors of its pool stages. One reader thread.
 *
 * @param <T> the rows' type
 */
public final class DatasetIterator<T> implements Iterator<T>, AutoCloseable {
    private final BlockStream blocks;
    private List<Object> block = List.of();
    private int at;

    DatasetIterator(final BlockStream blocks) {
        this.blocks = blocks;
    }

    @Override
    public boolean hasNext() {
        while (at >= block.size()) {
            if (!blocks.hasNext()) {
                return false;
            }
            block = blocks.next();
            at = 0;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows");
        }
        return (T) block.get(at++);
    }

    /**
     * The blocks read so far.
     *
     * @return how many
     */
    public long blocks() {
        return blocks.blocks();
    }

    /**
     * The actors of the run's pool stages alive now.
     *
     * @return how many (0 without a pool stage)
     */
    public int actors() {
        return blocks.actors();
    }

    /**
     * The most actors of the run's pool stages alive at once so far.
     *
     * @return how many
     */
    public int peakActors() {
        return blocks.peakActors();
    }

    /**
     * The largest block seen, in bytes in the object store.
     *
     * @return the bytes (0 while every block was small enough to stay on the heap)
     */
    public long largestBlock() {
        return blocks.largestBlock();
    }

    /**
     * How the run goes (or went): rows, blocks, peak store bytes against the budget, each stage's figures.
     *
     * @return the figures so far
     */
    public DatasetStats stats() {
        return blocks.stats();
    }

    @Override
    public void close() {
        blocks.close();
    }

    /** Batches of rows. */
    static final class Batches<T> implements Iterator<List<T>>, AutoCloseable {
        private final Iterator<T> rows;
        private final int size;

        Batches(final Iterator<T> rows, final int size) {
            this.rows = rows;
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public List<T> next() {
            final List<T> batch = new ArrayList<>(size);
            while (batch.size() < size && rows.hasNext()) {
                batch.add(rows.next());
            }
            if (batch.isEmpty()) {
                throw new NoSuchElementException("no more batches");
            }
            return batch;
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) rows).close();
        }
    }
}
