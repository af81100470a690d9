package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.ObjectRef;
import io.kairos.function.KFunc1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A dataset: a lazy plan over blocks of rows (Ray Data's job). Sources split the input ({@link #range}, {@link #from},
 * {@link #readJsonl}, {@link #readText}, {@link #readCsv}, {@link #readParquet}, {@link #readImages},
 * {@link #readBinaryFiles}); transforms add operators ({@link #map}, {@link #filter}, {@link #flatMap},
 * {@link #mapBatches}, an actor pool stage in Java or Python); all-to-all operations ({@link #groupBy},
 * {@link #repartition}, {@link #randomShuffle}, {@link #limit}) gather what comes before them; nothing runs until a
 * sink ({@link #count}, {@link #take}, {@link #takeAll}, {@link #iterator}, {@link #iterBatches}, {@link #writeJsonl},
 * {@link #writeCsv}, {@link #writeParquet}) does. Then every operator runs at once, block by block: each split is
 * one task of the kernel that reads it and applies the whole chain (adjacent operators fused), and the blocks are
 * consumed as they come and freed from the object store at once, within a memory budget (by default half the store):
 * a dataset far larger than the store streams through it without spilling.
 *
 * <pre>{@code
 * long n = Dataset.readJsonl(kernel, Path.of("events.jsonl"))
 *     .map(row -> row.get("user"))
 *     .filter(user -> user != null)
 *     .count();
 * }</pre>
 *
 * <p>Functions are {@link KFunc1}s (serializable lambdas and method references): a block's task may run in a
 * worker process or on another member of a cluster. Rows are Java values; a block is a {@code List} of them. Output
 * is unordered unless {@link #preserveOrder} asks for the sources' order. Immutable: each call returns a new plan.
 *
 * @param <T> the rows' type
 */
public final class Dataset<T> extends Sources {
    /** Rows per block of {@link #range} and {@link #from} unless given. */
    public static final int DEFAULT_BLOCK_ROWS = 4096;
    /** Bytes of a file per block of {@link #readJsonl} and {@link #readText} unless given. */
    public static final long DEFAULT_BLOCK_BYTES = 1L << 20;

    private final Kernel kernel;
    private final List<Split> splits;
    private final Dataset<?> upstream;
    private final Exchange exchange;
    private final List<Stage> stages;
    private final RunOptions options;

    private Dataset(final Kernel kernel, final List<Split> splits, final List<Stage> stages, final RunOptions options) {
        this(kernel, splits, null, null, stages, options);
    }

    private Dataset(final Kernel kernel, final List<Split> splits, final Dataset<?> upstream, final Exchange exchange,
                    final List<Stage> stages, final RunOptions options) {
        this.kernel = kernel;
        this.splits = splits;
        this.upstream = upstream;
        this.exchange = exchange;
        this.stages = stages;
        this.options = options;
    }

    /** The same sources (splits, or an exchange of the plan before it) with other stages and options. */
    private <R> Dataset<R> derive(final List<Stage> newStages, final RunOptions newOptions) {
        return new Dataset<>(kernel, splits, upstream, exchange, newStages, newOptions);
    }

    static <T> Dataset<T> source(final Kernel kernel, final List<Split> splits) {
        Objects.requireNonNull(kernel, "kernel");
        final long store = kernel.objectStoreStats().capacity();
        final int cpus = (int) Math.max(1, kernel.resources().stream()
            .mapToDouble(n -> n.total().getOrDefault("CPU", 0.0)).sum());
        return new Dataset<>(kernel, List.copyOf(splits), List.of(Stage.tasks()),
            new RunOptions(false, store > 0 ? store / 2 : Long.MAX_VALUE, 0, 2 * cpus + 2, 0,
                System.console() != null, null));
    }

    // ------------------------------------------------------------------------------------------------------------
    // transforms (lazy)

    private <R> Dataset<R> with(final Ops.Op op) {
        return derive(withLast(op), options);
    }

    private List<Stage> withLast(final Ops.Op op) {
        final List<Stage> s = new ArrayList<>(stages);
        final Stage last = s.get(s.size() - 1);
        if (last.isPython()) {
            s.add(Stage.tasks().with(op));  // Java operators after a Python stage: a task per block
        } else {
            s.set(s.size() - 1, last.with(op));
        }
        return List.copyOf(s);
    }

    /**
     * Each row through fn.
     *
     * @param fn  the function, not null
     * @param <R> the new rows' type
     * @return the dataset
     */
    public <R> Dataset<R> map(final KFunc1<? super T, ? extends R> fn) {
        return with(Ops.map(Objects.requireNonNull(fn, "fn")));
    }

    /**
     * The rows for which predicate is true.
     *
     * @param predicate the test, not null
     * @return the dataset
     */
    public Dataset<T> filter(final KFunc1<? super T, Boolean> predicate) {
        return with(Ops.filter(Objects.requireNonNull(predicate, "predicate")));
    }

    /**
     * Each row to any number of rows.
     *
     * @param fn  the function, not null; it returns the row's rows
     * @param <R> the new rows' type
     * @return the dataset
     */
    public <R> Dataset<R> flatMap(final KFunc1<? super T, ? extends Iterable<? extends R>> fn) {
        return with(Ops.flatMap(Objects.requireNonNull(fn, "fn")));
    }

    /**
     * Batches of up to batchSize rows of a block through fn (a vectorized stage: a model's forward pass).
     *
     * @param fn        the function, not null: a batch in, its rows out (any number, not null)
     * @param batchSize rows per batch, &gt;= 1 (a block's last batch may be smaller)
     * @param <R>       the new rows' type
     * @return the dataset
     */
    public <R> Dataset<R> mapBatches(final KFunc1<List<T>, List<R>> fn, final int batchSize) {
        Ops.batchSize("mapBatches", batchSize);
        return with(Ops.mapBatches(Objects.requireNonNull(fn, "fn"), batchSize));
    }

    /**
     * A stateful stage: batches of up to batchSize rows of each block through a function made once per actor of an
     * autoscaling pool (a model loaded once, on a GPU share), e.g. {@code mapBatches(Embedder::new, ActorPool.of(1,
     * 4).gpus(0.5), 64)} with {@code Embedder implements KFunc1<List<Row>, List<Out>>}. The blocks before it run as
     * tasks; the pool's actors take them as they come (each fed up to two blocks ahead), all stages at once.
     *
     * @param factory   makes the function in each actor (runs in the actor), not null
     * @param pool      the actors: sizes, resources, idle timeout
     * @param batchSize rows per call of the function, &gt;= 1 (a block's last batch may be smaller)
     * @param <R>       the new rows' type
     * @return the dataset
     */
    public <R> Dataset<R> mapBatches(final io.kairos.function.KFunc0<? extends KFunc1<List<T>, List<R>>> factory,
                                     final ActorPool pool, final int batchSize) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(pool, "pool");
        Ops.batchSize("mapBatches", batchSize);
        final List<Stage> s = new ArrayList<>(stages);
        s.add(new Stage(factory, null, pool, batchSize, List.of()));
        return derive(List.copyOf(s), options);
    }

    /**
     * A stage in Python: batches of up to batchSize rows of each block through an instance of a Python class, made
     * once per actor of the pool (a PyTorch model loaded once, on a GPU share), in the kernel's Python workers
     * ({@code KernelContext.python}). The class's instances are called with a batch (a list of rows) and return its
     * output rows (a list, or a NumPy array of them). Rows must have a cross-language form (numbers, strings, byte[],
     * lists and maps of those, tensors); they come back as Java values (Long, Double, String, List, Map, Tensor).
     *
     * @param pythonClass "module:Class", importable with the kernel's Python path
     * @param pool        the actors: sizes, resources (e.g. {@code gpus(0.5)}), idle timeout
     * @param batchSize   rows per call, &gt;= 1
     * @param <R>         the new rows' type
     * @return the dataset
     */
    public <R> Dataset<R> mapBatches(final String pythonClass, final ActorPool pool, final int batchSize) {
        Objects.requireNonNull(pythonClass, "pythonClass");
        Objects.requireNonNull(pool, "pool");
        Ops.batchSize("mapBatches", batchSize);
        if (pythonClass.indexOf(':') <= 0 || pythonClass.endsWith(":")) {
            throw new IllegalArgumentException("mapBatches: pythonClass '" + pythonClass + "' is not 'module:Class'");
        }
        final List<Stage> s = new ArrayList<>(stages);
        s.add(new Stage(null, pythonClass, pool, batchSize, List.of()));
        return derive(List.copyOf(s), options);
    }

    /**
     * This dataset's rows, then other's (in that order with {@link #preserveOrder}): their blocks run side by side.
     * Both must belong to the same kernel and have no pool stage yet (union first, then the stateful stages).
     *
     * @param other the other dataset, not null
     * @return the dataset, with this one's options
     * @throws IllegalArgumentException if the kernels differ or a side has a pool stage
     */
    public Dataset<T> union(final Dataset<? extends T> other) {
        Objects.requireNonNull(other, "other");
        if (other.kernel != kernel) {
            throw new IllegalArgumentException("union: the datasets belong to different kernels");
        }
        if (exchange != null || other.exchange != null) {
            throw new IllegalArgumentException("union: a side follows an all-to-all operation (repartition, "
                + "randomShuffle, groupBy, limit): make the union first");
        }
        if (stages.size() > 1 || other.stages.size() > 1) {
            throw new IllegalArgumentException("union: a side has a pool stage (mapBatches with an ActorPool): make "
                + "the union first, then add the stage");
        }
        final List<Split> all = new ArrayList<>(splits.size() + other.splits.size());
        addWithOps(all, splits, stages.get(0).ops());
        addWithOps(all, other.splits, other.stages.get(0).ops());
        return new Dataset<>(kernel, List.copyOf(all), List.of(Stage.tasks()), options);
    }

    private static void addWithOps(final List<Split> into, final List<Split> splits, final List<Ops.Op> ops) {
        for (int i = 0; i < splits.size(); i++) {
            into.add(ops.isEmpty() ? splits.get(i) : new Split.Then(splits.get(i), ops, i));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // all-to-all operations: each runs the plan before it to its end when a sink runs

    /**
     * The rows in n blocks of equal row counts (within one), in order. The blocks before it stay in the object store
     * until it reads them (a dataset larger than the store spills there); this JVM holds one block at a time.
     *
     * @param n the number of blocks, &gt;= 1
     * @return the dataset
     */
    public Dataset<T> repartition(final int n) {
        if (n < 1) {
            throw new IllegalArgumentException("repartition: n " + n + " must be >= 1");
        }
        return exchange(new Exchange.Repartition(n));
    }

    /**
     * The rows in n datasets of equal row counts (within one), in order: one per consumer, such as the ranks of a
     * training group (Ray Data's {@code split(n, equal=True)}). Runs the plan now: each part is one block in the
     * object store, kept while its dataset is reachable, and each run of a part (an epoch) reads a copy of it.
     *
     * @param n the number of parts, &gt;= 1
     * @return the parts, in order
     */
    public List<Dataset<T>> split(final int n) {
        if (n < 1) {
            throw new IllegalArgumentException("split: n " + n + " must be >= 1");
        }
        final List<Dataset<T>> parts = new ArrayList<>(n);
        for (final ObjectRef<List<Object>> block : new Exchange.Repartition(n).run(this)) {
            parts.add(new Dataset<>(kernel, List.of(), null, new Exchange.Kept(kernel, block), List.of(Stage.tasks()),
                options));
        }
        return parts;
    }

    /**
     * The rows in a random order that the seed sets (the same seed and input, the same order), in as many blocks as
     * before. Every row passes through this JVM, which holds them all meanwhile: for datasets that fit its heap.
     *
     * @param seed the random seed
     * @return the dataset
     */
    public Dataset<T> randomShuffle(final long seed) {
        return exchange(new Exchange.Shuffle(seed));
    }

    /**
     * The first n rows in the sources' order: the blocks after them are not run, and each block is cut to n rows in
     * its task before any row travels.
     *
     * @param n how many rows at most, &gt;= 0
     * @return the dataset
     */
    public Dataset<T> limit(final long n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit: n " + n + " must be >= 0");
        }
        return exchange(new Exchange.Limit(n));
    }

    /**
     * The rows grouped by a key, to aggregate ({@link GroupedDataset#aggregate}): each block combines its rows per key
     * in its task, so only one accumulator per key and block travels.
     *
     * @param key the row's key (may return null), not null
     * @param <K> the key's type
     * @return the grouped dataset
     */
    public <K> GroupedDataset<K, T> groupBy(final KFunc1<? super T, ? extends K> key) {
        return new GroupedDataset<>(this, Objects.requireNonNull(key, "key"));
    }

    /** A plan whose sources are the blocks the exchange makes of this one. */
    <R> Dataset<R> exchange(final Exchange e) {
        return new Dataset<>(kernel, List.of(), this, e, List.of(Stage.tasks()), options);
    }

    Kernel kernel() {
        return kernel;
    }

    /** Runs this plan with one more operator (null for none) for an exchange, in the sources' order if ordered. */
    BlockStream stream(final Ops.Op last, final boolean ordered) {
        return open(last == null ? stages : withLast(last), options.ordered(ordered || options.preserveOrder()));
    }

    private BlockStream open(final List<Stage> runStages, final RunOptions runOptions) {
        return exchange == null ? new BlockStream(kernel, splits, null, runStages, runOptions)
            : new BlockStream(kernel, null, exchange.run(upstream), runStages, runOptions);
    }

    // ------------------------------------------------------------------------------------------------------------
    // options

    /**
     * Whether sinks see the rows in the sources' order (else as blocks complete: faster when they take unequal time).
     *
     * @param ordered true for the sources' order
     * @return the dataset
     */
    public Dataset<T> preserveOrder(final boolean ordered) {
        return derive(stages, options.ordered(ordered));
    }

    /**
     * The bytes of blocks the plan may have in the object store at once (running or waiting to be consumed); by
     * default half the store. A budget below one block fails the run with both numbers.
     *
     * @param bytes the budget, &gt; 0
     * @return the dataset
     */
    public Dataset<T> memoryBudget(final long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memoryBudget " + bytes + " must be > 0");
        }
        return derive(stages, options.budget(bytes));
    }

    /**
     * How many times a block's task runs again after it fails (an exception or a lost process), before the run fails.
     *
     * @param retries 0 (the default) or more
     * @return the dataset
     */
    public Dataset<T> retries(final int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries " + retries + " must be >= 0");
        }
        return derive(stages, options.retrying(retries));
    }

    /**
     * How many blocks may fail (after their retries) before the run does: a failed block within the limit is skipped,
     * and named on the progress output; the next one fails the run with its error. Ray Data's
     * {@code max_errored_blocks}.
     *
     * @param blocks 0 (the default: the first failure fails the run) or more
     * @return the dataset
     */
    public Dataset<T> maxErroredBlocks(final long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("maxErroredBlocks " + blocks + " must be >= 0");
        }
        return derive(stages, options.erroring(blocks));
    }

    /**
     * Whether a run prints its progress to standard error: a line per second (each stage's blocks done, running and
     * queued, its actors; rows/s; the store bytes its blocks hold against the budget), rewritten in place on a
     * terminal, and a summary at the end ({@link DatasetStats}). On by default when the JVM has a console.
     *
     * @param on true to print
     * @return the dataset
     */
    public Dataset<T> progress(final boolean on) {
        return derive(stages, options.printing(on));
    }

    /**
     * Who is told each run's figures ({@link DatasetStats}) as it ends, on the thread that ran the sink: for a
     * program that logs or checks them (peak store bytes against the budget, per-stage times). The input of an
     * all-to-all operation is a run of its own: it is told first.
     *
     * @param to the consumer, or null for none
     * @return the dataset
     */
    public Dataset<T> onStats(final java.util.function.Consumer<DatasetStats> to) {
        return derive(stages, options.reporting(to));
    }

    /**
     * The number of blocks the plan has (one task each).
     *
     * @return the number of splits of its sources; after an all-to-all operation, the number it will make, or -1 if
     *         that depends on the data (groupBy, limit)
     */
    public int numBlocks() {
        return exchange == null ? splits.size() : exchange.blocks(upstream);
    }

    // ------------------------------------------------------------------------------------------------------------
    // sinks (each runs the plan)

    /**
     * Runs the plan and counts its rows (each block's task counts its own: no row comes to this JVM).
     *
     * @return the number of rows
     */
    public long count() {
        return runCounting(Ops.count());
    }

    /**
     * Runs the plan and writes each block to {@code dir/part-NNNNN.jsonl} (NNNNN: the block's index, so a run again
     * writes the same files), in the blocks' tasks.
     *
     * @param dir the directory, made if missing
     * @return the number of rows written
     */
    public long writeJsonl(final Path dir) {
        return runCounting(Ops.writeJsonl(directory(dir)));
    }

    /**
     * Runs the plan and writes each block to {@code dir/part-NNNNN.csv} through Apache Commons CSV, in the blocks'
     * tasks: a header of the columns, then a record per row (RFC 4180 quoting). Rows are Maps with String keys (the
     * first row's keys are the columns; a later row with other keys fails naming block and row) or records; a value is
     * written as its text, a null as an empty field. {@link #readCsv} reads the files back.
     *
     * @param dir the directory, made if missing
     * @return the number of rows written
     */
    public long writeCsv(final Path dir) {
        return runCounting(Csv.write(directory(dir)));
    }

    /**
     * Runs the plan and writes each block to {@code dir/part-NNNNN.parquet} (Snappy), in the blocks' tasks. Rows are
     * Maps with String keys or records; a block's schema is made from its rows: every column optional, integers
     * int64, decimals double, Strings UTF-8 strings, byte[] binary, a List or array of those a repeated column. A row
     * whose column holds another kind of value than the rows before it fails the run naming the block, row and column.
     * Needs {@code io.kairos:kairos-data-parquet} (type pom) on the classpath.
     *
     * @param dir the directory, made if missing
     * @return the number of rows written
     */
    public long writeParquet(final Path dir) {
        return runCounting(Parquets.write(directory(dir)));
    }

    private static String directory(final Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make '" + dir + "': " + e.getMessage(), e);
        }
        return dir.toAbsolutePath().toString();
    }

    /** Runs the plan with a terminal operator that makes each block its row count, and sums them. */
    private long runCounting(final Ops.Op terminal) {
        long n = 0;
        try (BlockStream blocks = open(withLast(terminal), options)) {
            while (blocks.hasNext()) {
                final List<Object> counted = blocks.next();
                n += counted.isEmpty() ? 0 : (Long) counted.get(0);  // empty: the last blocks failed and were skipped
            }
        }
        return n;
    }

    /**
     * Runs the plan until it has n rows (the blocks not yet started are not run).
     *
     * @param n how many rows at most, &gt;= 0
     * @return the first n rows (in the sources' order with {@link #preserveOrder})
     */
    public List<T> take(final int n) {
        final List<T> rows = new ArrayList<>(Math.min(n, 1 << 16));
        final Iterator<T> it = iterator();
        while (rows.size() < n && it.hasNext()) {
            rows.add(it.next());
        }
        if (it instanceof AutoCloseable) {
            close((AutoCloseable) it);
        }
        return rows;
    }

    /**
     * Runs the plan and gathers every row here.
     *
     * @return the rows
     */
    public List<T> takeAll() {
        return take(Integer.MAX_VALUE);
    }

    /**
     * Runs the plan as the iterator is read: rows one by one, the blocks in flight bounded by the budget (a slow
     * reader holds the pipeline back). Read it to its end, or close it (it is {@link AutoCloseable}) to stop the run.
     *
     * @return the rows
     */
    public DatasetIterator<T> iterator() {
        return new DatasetIterator<>(open(stages, options));
    }

    /**
     * Runs the plan as batches of batchSize rows (the last may be smaller), across block boundaries: a training
     * loop's input. Closeable as {@link #iterator}.
     *
     * @param batchSize rows per batch, &gt;= 1
     * @return the batches
     */
    public Iterator<List<T>> iterBatches(final int batchSize) {
        Ops.batchSize("iterBatches", batchSize);
        final Iterator<T> rows = iterator();
        return new DatasetIterator.Batches<>(rows, batchSize);
    }

    private static void close(final AutoCloseable c) {
        try {
            c.close();
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Dataset(" + splits.size() + " blocks, " + stages.size() + " stages, " + options + ")";
    }
}
