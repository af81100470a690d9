package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.function.KFunc1;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An all-to-all operation: it runs the plan before it to its end, then gives the blocks after it, put in the object
 * store by this JVM (the driver), where the plan after it reads them as its sources. Every all-to-all operation needs
 * all of its input before its first output; what each holds meanwhile is named on it.
 */
abstract class Exchange {
    /** Runs upstream and makes the new blocks (the caller owns the refs: each is freed once read). */
    abstract List<ObjectRef<List<Object>>> run(Dataset<?> upstream);

    /** The number of blocks it will make, or -1 if that depends on the data. */
    abstract int blocks(Dataset<?> upstream);

    /** The rows in blocks of at most blockRows, each put in the store. */
    static List<ObjectRef<List<Object>>> put(final Kernel kernel, final List<Object> rows, final int blocks) {
        final List<ObjectRef<List<Object>>> out = new ArrayList<>(blocks);
        final int n = Math.max(1, blocks);
        for (int b = 0; b < n; b++) {
            final int from = (int) ((long) rows.size() * b / n);
            final int to = (int) ((long) rows.size() * (b + 1) / n);
            out.add(kernel.put(new ArrayList<>(rows.subList(from, to))));
        }
        return out;
    }

    /** A task: a block's row count. */
    static Long size(final List<Object> rows) {
        return (long) rows.size();
    }

    /** One block kept in the store, a part of {@link Dataset#split}: each run reads a copy of it. */
    static final class Kept extends Exchange {
        private final Kernel kernel;
        private final ObjectRef<List<Object>> block;

        Kept(final Kernel kernel, final ObjectRef<List<Object>> block) {
            this.kernel = kernel;
            this.block = block;
        }

        @Override
        List<ObjectRef<List<Object>>> run(final Dataset<?> upstream) {
            return List.of(kernel.put(new ArrayList<>(block.get())));
        }

        @Override
        int blocks(final Dataset<?> upstream) {
            return 1;
        }
    }

    /**
     * n blocks of equal row counts (within one), the rows in order. The upstream blocks stay in the store until read
     * (as a materialized dataset: beyond the store the kernel spills them); this JVM holds one block at a time.
     */
    static final class Repartition extends Exchange {
        private final int n;

        Repartition(final int n) {
            this.n = n;
        }

        @Override
        List<ObjectRef<List<Object>>> run(final Dataset<?> upstream) {
            final Kernel kernel = upstream.kernel();
            final List<ObjectRef<List<Object>>> in = new ArrayList<>();
            try (BlockStream blocks = upstream.stream(null, true)) {
                while (blocks.hasNext()) {
                    in.add(blocks.nextRef());
                }
            }
            final List<ObjectRef<Long>> counts = new ArrayList<>(in.size());
            for (final ObjectRef<List<Object>> block : in) {
                counts.add(kernel.task(Exchange::size, block).remote());
            }
            long total = 0;
            for (final Long c : kernel.get(counts)) {
                total += c;
            }
            final List<ObjectRef<List<Object>>> out = new ArrayList<>(n);
            final List<Object> chunk = new ArrayList<>();
            long emitted = flush(kernel, out, chunk, 0, total);
            for (final ObjectRef<List<Object>> block : in) {
                final List<Object> rows = block.get();
                block.free();
                for (final Object row : rows) {
                    chunk.add(row);
                    emitted = flush(kernel, out, chunk, emitted, total);
                }
            }
            return out;
        }

        /** Puts the chunk as the next block each time it reaches that block's end (block b ends at total (b+1) / n). */
        private long flush(final Kernel kernel, final List<ObjectRef<List<Object>>> out, final List<Object> chunk,
                           final long emitted, final long total) {
            long done = emitted;
            while (out.size() < n && done + chunk.size() >= total * (out.size() + 1) / n) {
                done += chunk.size();
                out.add(kernel.put(new ArrayList<>(chunk)));
                chunk.clear();
            }
            return done;
        }

        @Override
        int blocks(final Dataset<?> upstream) {
            return n;
        }
    }

    /**
     * The rows in a random order set by the seed (the same seed, the same order), in as many blocks as upstream had.
     * This JVM holds every row meanwhile.
     */
    static final class Shuffle extends Exchange {
        private final long seed;

        Shuffle(final long seed) {
            this.seed = seed;
        }

        @Override
        List<ObjectRef<List<Object>>> run(final Dataset<?> upstream) {
            final List<Object> rows = new ArrayList<>();
            int blocks = 0;
            try (BlockStream in = upstream.stream(null, true)) {
                while (in.hasNext()) {
                    rows.addAll(in.next());
                    blocks++;
                }
            }
            Collections.shuffle(rows, new Random(seed));
            return put(upstream.kernel(), rows, blocks);
        }

        @Override
        int blocks(final Dataset<?> upstream) {
            return upstream.numBlocks();
        }
    }

    /** The first n rows, in order; the blocks after them are not run. This JVM holds the n rows meanwhile. */
    static final class Limit extends Exchange {
        private final long n;

        Limit(final long n) {
            this.n = n;
        }

        @Override
        List<ObjectRef<List<Object>>> run(final Dataset<?> upstream) {
            final Kernel kernel = upstream.kernel();
            final List<ObjectRef<List<Object>>> out = new ArrayList<>();
            long have = 0;
            try (BlockStream in = upstream.stream(Ops.limit(n), true)) {
                while (have < n && in.hasNext()) {
                    List<Object> rows = in.next();
                    if (have + rows.size() > n) {
                        rows = new ArrayList<>(rows.subList(0, (int) (n - have)));
                    }
                    have += rows.size();
                    out.add(kernel.put(rows));
                }
            }
            return out;
        }

        @Override
        int blocks(final Dataset<?> upstream) {
            return -1;
        }
    }

    /**
     * A group-by and aggregation: each block's task folds its rows into an accumulator per key ({@link Ops#combine});
     * this JVM merges them as they come (holding one accumulator per key), then finishes them into groups.
     */
    static final class Aggregate extends Exchange {
        private final KFunc1<?, ?> key;
        private final Aggregator<?, ?, ?> aggregator;

        Aggregate(final KFunc1<?, ?> key, final Aggregator<?, ?, ?> aggregator) {
            this.key = key;
            this.aggregator = aggregator;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<ObjectRef<List<Object>>> run(final Dataset<?> upstream) {
            final Aggregator<Object, Object, Object> agg = (Aggregator) aggregator;
            final Map<Object, Object> accs = new HashMap<>();
            try (BlockStream in = upstream.stream(Ops.combine(key, aggregator), false)) {
                while (in.hasNext()) {
                    for (final Object partial : in.next()) {
                        final Group<Object, Object> g = (Group<Object, Object>) partial;
                        accs.merge(g.key(), g.value(), agg::merge);
                    }
                }
            }
            final List<Object> groups = new ArrayList<>(accs.size());
            for (final Map.Entry<Object, Object> e : accs.entrySet()) {
                groups.add(new Group<>(e.getKey(), agg.finish(e.getValue())));
            }
            if (sortable(accs.keySet())) {
                groups.sort(Comparator.comparing(g -> (Comparable) ((Group<?, ?>) g).key(),
                    Comparator.nullsFirst(Comparator.naturalOrder())));
            }
            return put(upstream.kernel(), groups,
                (groups.size() + Dataset.DEFAULT_BLOCK_ROWS - 1) / Dataset.DEFAULT_BLOCK_ROWS);
        }

        private static boolean sortable(final Iterable<Object> keys) {
            Class<?> type = null;
            for (final Object k : keys) {
                if (k == null) {
                    continue;
                }
                if (!(k instanceof Comparable) || type != null && k.getClass() != type) {
                    return false;
                }
                type = k.getClass();
            }
            return true;
        }

        @Override
        int blocks(final Dataset<?> upstream) {
            return -1;
        }
    }
}
