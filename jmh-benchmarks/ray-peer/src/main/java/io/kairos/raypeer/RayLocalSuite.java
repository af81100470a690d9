package io.kairos.raypeer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kairos.raypeer.RayBenchmarks.Fixture;
import io.kairos.raypeer.RayBenchmarks.Spec;
import io.ray.api.Ray;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Ray's own Java runtime ({@code io.ray:ray-runtime}) in LOCAL mode, measured with the benchmarks of Ray's
 * {@code ray_perf.py}: the "Ray Java (LOCAL)" peer column of Kairos's benchmark suite.
 *
 * <pre>
 * java -Xmx2g FLAGS -cp ray-peer/target/classes:$(cat ray-peer/target/ray-peer.classpath) \
 *     io.kairos.raypeer.RayLocalSuite --out FILE [--warmup-ms 1000] [--measure-ms 1000] [--rounds 3] [--only a,b]
 * </pre>
 *
 * <p>FLAGS ({@link #JVM_FLAGS}; also written to {@code ray-peer/target/ray-peer.jvm-flags} by the build):
 * {@code --add-opens=java.base/X=ALL-UNNAMED} for X in java.lang, java.util, java.util.concurrent,
 * java.util.concurrent.atomic, java.math, java.net, java.nio, java.io, java.lang.reflect, java.text, java.time,
 * sun.nio.ch, java.lang.invoke (Ray's FST serializer reflects into them), and
 * {@code --enable-native-access=ALL-UNNAMED} (Ray loads its core worker library through JNA even in LOCAL mode).
 * On JDK 23+ add {@code --sun-misc-unsafe-memory-access=allow} (FST uses {@code sun.misc.Unsafe}; JDK 17 refuses
 * the flag, so it is not in the constant).
 *
 * <p>It runs in its own JVM: Ray brings old jna, disruptor, log4j and guava that must never meet Kairos's
 * classpath. One {@code Ray.init()} serves the whole run. Each benchmark is measured by {@link Timeit}; one that
 * throws is recorded with its error and the run goes on. Progress goes to stderr, one line per benchmark.
 *
 * <p>The report ({@code --out}): {@code runtime}, {@code jvm}, {@code cpus}, {@code warmupMs}, {@code measureMs},
 * {@code rounds} and {@code results}, one per benchmark in suite order, each with {@code name}, {@code unit}
 * ("ops/s" or "GB/s"), {@code score} (the median round), {@code rounds}, {@code histogram} (the two sync
 * benchmarks: base64 of HdrHistogram's compressed encoding, nanoseconds per call) and {@code error}. A failed
 * benchmark has score null, rounds empty, error set. What LOCAL mode's figures mean: see {@code RayBenchmarks}.
 *
 * <p>Files: Ray extracts its native library (32 MB) into {@code ray.session-dir}, by default here
 * {@code target/ray-session} beside {@code target/classes} (Ray's own default is a new
 * {@code /tmp/ray/session_local_mode_*} per run, never removed); its log goes to {@link #RAY_LOG_FILE} there.
 *
 * <p>Exit status: 0 when the JSON report was written; 1 for bad arguments, a failed {@code Ray.init()} (the
 * report is still written, every benchmark carrying the init error) or a report that could not be written.
 */
public final class RayLocalSuite {

    /** The JVM flags Ray 2.39's LOCAL mode needs on JDK 17+ (see the class comment). */
    public static final List<String> JVM_FLAGS = List.of(
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
        "--add-opens=java.base/java.math=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.text=ALL-UNNAMED",
        "--add-opens=java.base/java.time=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED");

    /** Where Ray extracts its native library (and would write worker logs); Ray's default is /tmp/ray. */
    public static final String SESSION_DIR_PROP_NAME = "ray.session-dir";

    /** Ray's driver log, under the session dir. */
    public static final String RAY_LOG_FILE = "logs/ray-driver.log";

    private static final String PROGRESS = "[ray-peer] ";

    private RayLocalSuite() {
    }

    /**
     * The no-op remote function the task benchmarks call. Public because Ray finds it by reflection.
     *
     * @return always 0
     */
    public static Integer noop() {
        return 0;
    }

    /**
     * Runs the suite and exits with {@link #run}'s status (Ray leaves non-daemon threads behind).
     *
     * @param args see the class comment
     */
    public static void main(final String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the suite in this JVM: parses the arguments, starts Ray in LOCAL mode, runs the selected benchmarks,
     * shuts Ray down and writes the report. Progress and errors go to stderr.
     *
     * @param args see the class comment
     * @return the exit status (see the class comment)
     */
    public static int run(final String[] args) {
        final PrintStream err = System.err;
        final SuiteOptions options;
        try {
            options = SuiteOptions.parse(args, RayBenchmarks.names());
        } catch (IllegalArgumentException e) {
            err.println(PROGRESS + e.getMessage());
            err.println(SuiteOptions.USAGE);
            return 1;
        }

        System.setProperty("ray.run-mode", "LOCAL");
        if (System.getProperty(SESSION_DIR_PROP_NAME) == null) {
            System.setProperty(SESSION_DIR_PROP_NAME, defaultSessionDir().toString());
        }
        final Path sessionDir = Path.of(System.getProperty(SESSION_DIR_PROP_NAME));
        if (System.getProperty("jna.tmpdir") == null) {
            System.setProperty("jna.tmpdir", sessionDir.resolve("jna").toString());
        }
        String initError = null;
        try {
            Ray.init();
            redirectRayLog(sessionDir.resolve(RAY_LOG_FILE));
        } catch (Throwable t) {
            initError = "Ray.init() failed: " + describe(t);
            err.println(PROGRESS + initError);
        }

        final List<Map<String, Object>> results = new ArrayList<>();
        try {
            for (Spec spec : RayBenchmarks.ALL) {
                if (options.only().contains(spec.name())) {
                    results.add(initError == null ? runOne(spec, options, err) : result(spec, null, null, initError));
                }
            }
        } finally {
            if (initError == null) {
                Ray.shutdown();
            }
        }

        try {
            writeReport(options, results);
        } catch (IOException e) {
            err.println(PROGRESS + "cannot write " + options.out() + ": " + e);
            return 1;
        }
        err.println(PROGRESS + "wrote " + options.out());
        return initError == null ? 0 : 1;
    }

    private static Map<String, Object> runOne(final Spec spec, final SuiteOptions options, final PrintStream err) {
        final Histogram latencies = new Histogram(3);
        Map<String, Object> result;
        System.gc();
        try (Fixture fixture = spec.setUp().apply(latencies)) {
            final Timeit.Measurement m = Timeit.measure(fixture, spec.unit(), latencies,
                options.warmupMs(), options.measureMs(), options.rounds());
            result = result(spec, m, spec.recordsLatency() ? latencies : null, null);
            err.printf(Locale.ROOT, "%s%-38s %,14.1f %s  rounds %s%n", PROGRESS, spec.name(), m.score(),
                spec.unit().label, Arrays.toString(m.rounds()));
        } catch (Throwable t) {
            // Errors too (an OutOfMemoryError in one benchmark frees with its fixture): record and go on.
            result = result(spec, null, null, describe(t));
            err.printf(Locale.ROOT, "%s%-38s FAILED: %s%n", PROGRESS, spec.name(), result.get("error"));
        }
        return result;
    }

    private static Map<String, Object> result(final Spec spec, final Timeit.Measurement measurement,
                                              final Histogram latencies, final String error) {
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", spec.name());
        result.put("unit", spec.unit().label);
        result.put("score", measurement == null ? null : measurement.score());
        result.put("rounds", measurement == null ? List.of() : measurement.rounds());
        result.put("histogram", latencies == null ? null : encode(latencies));
        result.put("error", error);
        return result;
    }

    /** Base64 of HdrHistogram's compressed encoding; decode with {@code Histogram.decodeFromCompressedByteBuffer}. */
    static String encode(final Histogram histogram) {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    private static void writeReport(final SuiteOptions options, final List<Map<String, Object>> results)
        throws IOException {
        final Map<String, Object> report = new LinkedHashMap<>();
        report.put("runtime", "io.ray:ray-runtime " + rayVersion() + ", LOCAL mode");
        report.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        report.put("cpus", Runtime.getRuntime().availableProcessors());
        report.put("warmupMs", options.warmupMs());
        report.put("measureMs", options.measureMs());
        report.put("rounds", options.rounds());
        report.put("results", results);
        final Path out = options.out().toAbsolutePath();
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    }

    /**
     * Sends Ray's log to {@code file}. Ray 2.39 hard-wires a LOCAL-mode driver's log to stdout at INFO in
     * {@code Ray.init()}: {@code ray.logging.level} and {@code ray.logging.dir} configure cluster workers only.
     */
    private static void redirectRayLog(final Path file) {
        final ConfigurationBuilder<BuiltConfiguration> config = ConfigurationBuilderFactory.newConfigurationBuilder();
        config.setConfigurationName("ray-peer");
        config.add(config.newAppender("File", "File")
            .addAttribute("fileName", file.toString())
            .add(config.newLayout("PatternLayout").addAttribute("pattern", "%d %p %c{1} [%t]: %m%n")));
        config.add(config.newRootLogger(Level.INFO).add(config.newAppenderRef("File")));
        Configurator.reconfigure(config.build());
    }

    /** The ray-runtime version on the classpath, from its Maven metadata. */
    static String rayVersion() {
        try (InputStream in = Ray.class.getResourceAsStream("/META-INF/maven/io.ray/ray-runtime/pom.properties")) {
            if (in != null) {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    /** {@code target/ray-session} beside {@code target/classes} when run from the build, else under java.io.tmpdir. */
    private static Path defaultSessionDir() {
        try {
            final Path classes = Path.of(RayLocalSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(classes) && classes.getParent() != null) {
                return classes.getParent().resolve("ray-session");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "kairos-ray-peer-session");
    }

    /** The exception and its causes, one line. */
    static String describe(final Throwable t) {
        final StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (text.length() > 0) {
                text.append("; caused by ");
            }
            text.append(c.getClass().getName());
            if (c.getMessage() != null) {
                text.append(": ").append(c.getMessage());
            }
        }
        return text.toString();
    }
}
