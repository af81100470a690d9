package io.kairos.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.function.KFunc1;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The row operators of a plan. Adjacent operators are fused: a block's task reads its split and applies every
 * operator to the block in turn ({@link Fused}), so a pipeline runs block by block with no stage boundary.
 */
final class Ops {
    private Ops() {
    }

    /** One operator: a block of rows in, a block out. Serializable: it travels in the task to any process. */
    interface Op extends Serializable {
        List<Object> apply(List<Object> rows, int block) throws Exception;
    }

    /** A split read and its fused operators: one task's work, and its block's index. */
    record Fused(Split split, List<Op> ops, int index) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The task: reads the split and runs the operators over its rows. */
        static List<Object> run(final Fused f) throws Exception {
            return Block.of(applyAll(f.ops, f.split.read(), f.index));
        }
    }

    /** A later task stage's work: a block (read by the kernel from the previous stage's object) through the ops. */
    static List<Object> runBlock(final List<Object> block, final List<Op> ops, final Integer index) throws Exception {
        return Block.of(applyAll(ops, block, index));
    }

    /** The block through each operator in turn. */
    static List<Object> applyAll(final List<Op> ops, final List<Object> block, final int index) throws Exception {
        List<Object> rows = block;
        for (final Op op : ops) {
            rows = op.apply(rows, index);
        }
        return rows;
    }

    /** Checks a batch size of a call named what. */
    static int batchSize(final String what, final int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(what + ": batchSize " + batchSize + " must be >= 1");
        }
        return batchSize;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Op map(final KFunc1<?, ?> fn) {
        final KFunc1<Object, Object> f = (KFunc1) fn;
        return (rows, block) -> {
            final List<Object> out = new ArrayList<>(rows.size());
            for (final Object row : rows) {
                out.add(f.apply(row));
            }
            return out;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Op filter(final KFunc1<?, Boolean> predicate) {
        final KFunc1<Object, Boolean> p = (KFunc1) predicate;
        return (rows, block) -> {
            final List<Object> out = new ArrayList<>(rows.size());
            for (final Object row : rows) {
                if (Boolean.TRUE.equals(p.apply(row))) {
                    out.add(row);
                }
            }
            return out;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Op flatMap(final KFunc1<?, ? extends Iterable<?>> fn) {
        final KFunc1<Object, Iterable<Object>> f = (KFunc1) fn;
        return (rows, block) -> {
            final List<Object> out = new ArrayList<>(rows.size());
            for (final Object row : rows) {
                for (final Object r : f.apply(row)) {
                    out.add(r);
                }
            }
            return out;
        };
    }

    /** The function over batches of up to batchSize rows of the block (the last batch of a block may be smaller). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Op mapBatches(final KFunc1<? extends List<?>, ? extends List<?>> fn, final int batchSize) {
        final KFunc1<List<Object>, List<Object>> f = (KFunc1) fn;
        return (rows, block) -> {
            final List<Object> out = new ArrayList<>(rows.size());
            for (int from = 0; from < rows.size(); from += batchSize) {
                final List<Object> result = f.apply(new ArrayList<>(rows.subList(from,
                    Math.min(rows.size(), from + batchSize))));
                if (result == null) {
                    throw new IllegalStateException("mapBatches: the function returned null for a batch of block "
                        + block + " (return an empty list to drop a batch)");
                }
                out.addAll(result);
            }
            return out;
        };
    }

    /** At most n rows of the block (the first ones): a limit's cut in each block, before the driver's. */
    static Op limit(final long n) {
        return (rows, block) -> rows.size() <= n ? rows : new ArrayList<>(rows.subList(0, (int) n));
    }

    /** The block's rows folded into one accumulator per key: a block of {@link Group}s of key and accumulator. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Op combine(final KFunc1<?, ?> key, final Aggregator<?, ?, ?> aggregator) {
        final KFunc1<Object, Object> k = (KFunc1) key;
        final Aggregator<Object, Object, Object> agg = (Aggregator) aggregator;
        return (rows, block) -> {
            final java.util.Map<Object, Object> accs = new java.util.HashMap<>();
            for (final Object row : rows) {
                final Object key1 = k.apply(row);
                Object acc = accs.get(key1);
                if (acc == null) {
                    acc = agg.init();
                }
                accs.put(key1, agg.add(acc, row));
            }
            final List<Object> out = new ArrayList<>(accs.size());
            for (final java.util.Map.Entry<Object, Object> e : accs.entrySet()) {
                out.add(new Group<>(e.getKey(), e.getValue()));
            }
            return out;
        };
    }

    /** Terminal: the block becomes its row count (a count moves no rows to the driver). */
    static Op count() {
        return (rows, block) -> List.of((long) rows.size());
    }

    /** Terminal: writes the block to dir/part-NNNNN.jsonl (its index: the same name for the same block) and counts. */
    static Op writeJsonl(final String dir) {
        return (rows, block) -> {
            final Path file = Path.of(dir).resolve(String.format("part-%05d.jsonl", block));
            final ObjectMapper json = Jsonl.MAPPER;
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (final Object row : rows) {
                    w.write(json.writeValueAsString(row));
                    w.write('\n');
                }
            } catch (final IOException e) {
                throw new IOException("writing " + file + ": " + e.getMessage(), e);
            }
            return List.of((long) rows.size());
        };
    }
}
