package io.kairos.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.data.ActorPool;
import io.kairos.data.Aggregator;
import io.kairos.data.Dataset;
import io.kairos.data.DatasetStats;
import io.kairos.data.Group;
import io.kairos.data.Image;
import io.kairos.function.KFunc1;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The data plugin's pipelines (issue 20), each against hand-written peers doing the same stages, in the same run:
 * <ul>
 *   <li>an image pipeline: {@value #IMAGES} JPEGs (made at set-up) decoded, resized to {@value #SIDE} x
 *   {@value #SIDE}, normalised, through a "model" (a seeded random projection to {@value #EMBEDDING} floats, made once
 *   per actor of a pool of 1 to 2 each run; once per thread each run in the peers), written as JSON lines a file per
 *   block. Peers: an
 *   {@code ExecutorService} of 2 threads with the same window of blocks, and a {@code parallelStream} over the same
 *   blocks. Each reports images/s, and its peak heap (and ours the peak store bytes of its blocks) as secondary
 *   results;</li>
 *   <li>a text pipeline: JSON lines ({@code jsonlBytes}, 10 GiB by default, made once and kept in the temp directory
 *   when 1 GiB or more)
 *   grouped by a column, a count and a sum per key: rows/s, peak heap and peak store. Peer: a {@code parallel()}
 *   stream of the files' lines, parsed by the same Jackson mapper and grouped alike.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 3, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
public class DataPipelineBenchmark {
    /** Images per pipeline run. */
    public static final int IMAGES = 1024;
    /** Their size. */
    public static final int WIDTH = 256;
    public static final int HEIGHT = 192;
    /** The side they are resized to. */
    public static final int SIDE = 64;
    /** The model's output floats. */
    public static final int EMBEDDING = 64;
    /** Rows per model call. */
    public static final int BATCH = 32;
    /** The image pipeline's memory budget. */
    public static final long BUDGET = 64L << 20;
    /** Images per block (the peers' blocks are the dataset's). */
    public static final int IMAGES_PER_BLOCK = 32;
    /** The peers' blocks in flight: the dataset's window on 2 CPUs. */
    public static final int WINDOW = 6;
    /** Secondary results: peak heap (MiB) of an iteration, and the peak store bytes (MiB) of our blocks. */
    public static final String PEAK_HEAP = "data.peak.heap.mib";
    public static final String PEAK_STORE = "data.peak.store.mib";
    /** Secondary result of the text pipeline: rows/s. */
    public static final String ROWS_PER_SECOND = "data.rows.per.second";
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** The "model": a seeded random projection of a normalised image to {@value #EMBEDDING} floats. */
    public static final class Model implements KFunc1<List<float[]>, List<float[]>> {
        private static final long serialVersionUID = 1L;
        private final float[][] weights = new float[EMBEDDING][3 * SIDE * SIDE];

        public Model() {
            final SplittableRandom random = new SplittableRandom(20);
            for (final float[] row : weights) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) random.nextGaussian();
                }
            }
        }

        float[] embed(final float[] x) {
            final float[] out = new float[EMBEDDING];
            for (int o = 0; o < EMBEDDING; o++) {
                final float[] w = weights[o];
                float sum = 0;
                for (int i = 0; i < x.length; i++) {
                    sum += w[i] * x[i];
                }
                out[o] = sum;
            }
            return out;
        }

        @Override
        public List<float[]> apply(final List<float[]> batch) {
            final List<float[]> out = new ArrayList<>(batch.size());
            for (final float[] x : batch) {
                out.add(embed(x));
            }
            return out;
        }
    }

    /** Images made once per trial, a kernel of 2 CPUs, the peers' pool of 2 threads. */
    @State(Scope.Benchmark)
    public static class Images {
        Path dir;
        Path out;
        /** The peers' blocks, listed from the directory each run (as ours are). */
        List<List<Path>> blocks;
        Kernel kernel;
        ExecutorService pool;
        /** The peers' models: made once per thread per run, as ours are once per actor per run. */
        ThreadLocal<Model> models;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("kairos-bench-images");
            out = Files.createTempDirectory("kairos-bench-images-out");
            final SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < IMAGES; i++) {
                final BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) {
                        img.setRGB(x, y, (x + i) << 16 & 0xff0000 | (y * 2 + i) << 8 & 0xff00 | random.nextInt(64));
                    }
                }
                final Path f = dir.resolve(String.format("img-%04d.jpg", i));
                ImageIO.write(img, "jpg", f.toFile());
            }
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(256L << 20));
            pool = Executors.newFixedThreadPool(2);
        }

        @Setup(Level.Iteration)
        public void resetPeaks() {
            EnvelopeFootprint.resetPeaks();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
            KernelBench.closeKernel(kernel);
            kernel = null;
            KernelBench.deleteTree(dir);
            KernelBench.deleteTree(out);
        }
    }

    /** The peers' listing: the directory's files, sorted, in blocks of {@value #IMAGES_PER_BLOCK}. */
    private static void listBlocks(final Images s) throws IOException {
        final List<Path> files;
        try (Stream<Path> list = Files.list(s.dir)) {
            files = list.filter(f -> f.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
        }
        s.blocks = new ArrayList<>();
        for (int i = 0; i < files.size(); i += IMAGES_PER_BLOCK) {
            s.blocks.add(files.subList(i, Math.min(files.size(), i + IMAGES_PER_BLOCK)));
        }
    }

    private static float[] preprocess(final Path file) throws IOException {
        return Image.decode(file.toString(), Files.readAllBytes(file)).resize(SIDE, SIDE).normalize(MEAN, STD);
    }

    private static long writeBlock(final Path dir, final int index, final List<float[]> rows) throws IOException {
        final ObjectMapper json = JSON;
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(String.format("part-%05d.jsonl", index)),
            StandardCharsets.UTF_8)) {
            for (final float[] row : rows) {
                w.write(json.writeValueAsString(row));
                w.write('\n');
            }
        }
        return rows.size();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stages on one block, in the calling thread, the model its thread's. */
    private static long runBlock(final Images s, final Path out, final int index) throws IOException {
        final List<float[]> inputs = new ArrayList<>();
        for (final Path f : s.blocks.get(index)) {
            inputs.add(preprocess(f));
        }
        final Model model = s.models.get();
        final List<float[]> embedded = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += BATCH) {
            embedded.addAll(model.apply(inputs.subList(from, Math.min(inputs.size(), from + BATCH))));
        }
        return writeBlock(out, index, embedded);
    }

    private static void publishMemory(final double storeMib) {
        FootprintProfiler.publish(PEAK_HEAP, EnvelopeFootprint.peakHeapMib(), "MiB");
        FootprintProfiler.publish(PEAK_STORE, storeMib, "MiB");
    }

    /** Ours: the dataset, the model in an actor pool of 1 to 2, within a {@value #BUDGET}-byte budget. */
    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public long image_pipeline(final Images s) {
        final AtomicReference<DatasetStats> stats = new AtomicReference<>();
        final long n = Dataset.readImages(s.kernel, IMAGES_PER_BLOCK, s.dir)
            .map(img -> img.resize(SIDE, SIDE))
            .map(img -> img.normalize(MEAN, STD))
            .mapBatches(Model::new, ActorPool.of(1, 2), BATCH)
            .memoryBudget(BUDGET).progress(false).onStats(stats::set)
            .writeJsonl(s.out.resolve("ours"));
        check(n);
        publishMemory(stats.get().peakStoreBytes() / (double) (1 << 20));
        return n;
    }

    /** Peer: the same blocks as tasks on a pool of 2 threads, {@value #WINDOW} in flight, each doing every stage. */
    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public long executor_image_pipeline(final Images s) throws ExecutionException, InterruptedException, IOException {
        s.models = ThreadLocal.withInitial(Model::new);
        listBlocks(s);
        final Path out = Files.createDirectories(s.out.resolve("executor"));
        final ArrayDeque<Future<Long>> inFlight = new ArrayDeque<>(WINDOW);
        long n = 0;
        int next = 0;
        while (next < s.blocks.size() || !inFlight.isEmpty()) {
            while (next < s.blocks.size() && inFlight.size() < WINDOW) {
                final int index = next++;
                inFlight.add(s.pool.submit(() -> runBlock(s, out, index)));
            }
            n += inFlight.poll().get();
        }
        check(n);
        publishMemory(0);
        return n;
    }

    /** Peer: a parallel stream over the same blocks, each doing every stage. */
    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public long parallel_stream_image_pipeline(final Images s) throws IOException {
        s.models = ThreadLocal.withInitial(Model::new);
        listBlocks(s);
        final Path out = Files.createDirectories(s.out.resolve("stream"));
        final long n = java.util.stream.IntStream.range(0, s.blocks.size()).parallel().mapToLong(index -> {
            try {
                return runBlock(s, out, index);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
        check(n);
        publishMemory(0);
        return n;
    }

    private static void check(final long n) {
        if (n != IMAGES) {
            throw new IllegalStateException(n + " images written, not " + IMAGES);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // text: a group-by over JSON lines

    /** Rows of the text files: about 130 bytes each. */
    static String line(final SplittableRandom random, final StringBuilder sb) {
        sb.setLength(0);
        sb.append("{\"user\":\"u").append(random.nextInt(1_000_000)).append("\",\"country\":\"c")
            .append(random.nextInt(200)).append("\",\"amount\":").append(random.nextInt(100_000) / 100.0)
            .append(",\"ts\":").append(1_700_000_000L + random.nextInt(30_000_000))
            .append(",\"text\":\"lorem ipsum dolor sit amet ").append(random.nextInt(1_000)).append("\"}\n");
        return sb.toString();
    }

    /** The JSON-lines files, made once per size and kept in the temp directory (their rows counted in a file). */
    @State(Scope.Benchmark)
    public static class Text {
        /** Bytes of JSON lines: 10 GiB unless a smoke run asks fewer. */
        @Param("10737418240")
        long jsonlBytes;

        Path dir;
        long rows;
        Kernel kernel;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "kairos-bench-jsonl-" + jsonlBytes);
            final Path count = dir.resolve("ROWS");
            if (!Files.exists(count)) {
                KernelBench.deleteTree(dir);
                Files.createDirectories(dir);
                final int files = (int) Math.max(2, Math.min(64, jsonlBytes / (64L << 20)));
                final long perFile = jsonlBytes / files;
                final long made = java.util.stream.IntStream.range(0, files).parallel().mapToLong(f -> {
                    final SplittableRandom random = new SplittableRandom(f);
                    final StringBuilder sb = new StringBuilder(160);
                    long written = 0;
                    long lines = 0;
                    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(String.format("part-%03d.jsonl", f)),
                        StandardCharsets.UTF_8)) {
                        while (written < perFile) {
                            final String l = line(random, sb);
                            w.write(l);
                            written += l.length();
                            lines++;
                        }
                    } catch (final IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return lines;
                }).sum();
                Files.writeString(count, Long.toString(made));
            }
            rows = Long.parseLong(Files.readString(count).trim());
            kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(512L << 20));
            EnvelopeFootprint.resetPeaks();
        }

        /** Closes the kernel; deletes a set below 1 GiB (a smoke run's: cheap to make again), keeps a larger one. */
        @TearDown(Level.Trial)
        public void tearDown() {
            KernelBench.closeKernel(kernel);
            kernel = null;
            if (jsonlBytes < (1L << 30)) {
                KernelBench.deleteTree(dir);
            }
        }
    }

    /** Ours: readJsonl, groupBy country, a count and a sum of amount per country. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
    public Object text_groupby(final Text s) {
        final long start = System.nanoTime();
        final AtomicReference<DatasetStats> stats = new AtomicReference<>();
        final List<Group<Object, List<Object>>> groups = Dataset.readJsonl(s.kernel, s.dir).progress(false)
            .onStats(st -> stats.compareAndSet(null, st))
            .groupBy(m -> m.get("country"))
            .aggregate(Aggregator.all(Aggregator.count(), Aggregator.sum(m -> (Number) m.get("amount"))))
            .takeAll();
        final double seconds = (System.nanoTime() - start) / 1e9;
        long n = 0;
        for (final Group<Object, List<Object>> g : groups) {
            n += (Long) g.value().get(0);
        }
        if (n != s.rows) {
            throw new IllegalStateException(n + " rows grouped, not " + s.rows);
        }
        FootprintProfiler.publish(ROWS_PER_SECOND, s.rows / seconds, "rows/s");
        publishMemory(stats.get().peakStoreBytes() / (double) (1 << 20));
        return groups;
    }

    /** Peer: a parallel stream of the files' lines, parsed by Jackson, grouped alike (count and sum). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.ADD_EXPORTS_MISC, JvmFlags.ENABLE_NATIVE_ACCESS})
    public Object parallel_stream_text_groupby(final Text s) throws IOException {
        final long start = System.nanoTime();
        final Map<Object, double[]> groups;
        try (Stream<Path> files = Files.list(s.dir)) {
            final List<Path> jsonl = files.filter(f -> f.toString().endsWith(".jsonl")).sorted()
                .collect(Collectors.toList());
            groups = jsonl.parallelStream().map(f -> {
                final Map<Object, double[]> local = new HashMap<>();
                try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                    lines.forEach(l -> {
                        try {
                            @SuppressWarnings("unchecked")
                            final Map<String, Object> m = JSON.readValue(l, Map.class);
                            final double[] acc = local.computeIfAbsent(m.get("country"), k -> new double[2]);
                            acc[0]++;
                            acc[1] += ((Number) m.get("amount")).doubleValue();
                        } catch (final IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
                return local;
            }).reduce(new HashMap<>(), (a, b) -> {
                final Map<Object, double[]> m = new HashMap<>(a);
                b.forEach((k, v) -> m.merge(k, v, (x, y) -> new double[] {x[0] + y[0], x[1] + y[1]}));
                return m;
            });
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        long n = 0;
        for (final double[] acc : groups.values()) {
            n += (long) acc[0];
        }
        if (n != s.rows) {
            throw new IllegalStateException(n + " rows grouped, not " + s.rows);
        }
        FootprintProfiler.publish(ROWS_PER_SECOND, s.rows / seconds, "rows/s");
        publishMemory(0);
        return groups;
    }
}
