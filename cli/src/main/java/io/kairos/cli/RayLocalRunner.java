package io.kairos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * Runs Ray's own Java runtime ({@code io.ray:ray-runtime}, LOCAL mode) through the {@code ray-peer} module's suite,
 * in a separate JVM with the module's own classpath: Ray brings old versions of jna, the Disruptor and log4j that
 * must not meet Kairos's. The module's build leaves {@code target/classes}, {@code target/ray-peer.classpath} and
 * {@code target/ray-peer.jvm-flags}; the launcher passes the module's directory as {@value #DIR_PROPERTY}.
 */
final class RayLocalRunner {
    /** System property: the ray-peer module's directory. */
    static final String DIR_PROPERTY = "kairos.ray.peer.dir";
    static final String MAIN_CLASS = "io.kairos.raypeer.RayLocalSuite";

    /**
     * What the Ray run gave.
     *
     * @param status ran, failed or not run
     * @param note   why it failed or did not run (null when it ran)
     */
    record Result(String runtime, String status, String note, Map<String, Double> scores, Map<String, String> errors,
                  Map<String, Histogram> histograms) {
        static Result notRun(final String why) {
            return new Result("io.ray:ray-runtime, LOCAL mode", "not run", why, Map.of(), Map.of(), Map.of());
        }

        static Result failed(final String why) {
            return new Result("io.ray:ray-runtime, LOCAL mode", "failed", why, Map.of(), Map.of(), Map.of());
        }
    }

    private final Path moduleDir;

    RayLocalRunner(final Path moduleDir) {
        this.moduleDir = moduleDir;
    }

    /**
     * The runner for the directory in {@value #DIR_PROPERTY}, else ./jmh-benchmarks/ray-peer ({@link #missing} says
     * if it is built).
     */
    static RayLocalRunner fromEnvironment() {
        final String dir = System.getProperty(DIR_PROPERTY);
        return new RayLocalRunner(Path.of(dir != null ? dir : "jmh-benchmarks/ray-peer").toAbsolutePath().normalize());
    }

    /** Why the module cannot run (not built), or null when it can. */
    String missing() {
        for (final Path path : List.of(classes(), classpathFile())) {
            if (!Files.exists(path)) {
                return "the ray-peer module is not built (" + path + " is missing; mvn -B -DskipTests package "
                    + "builds it)";
            }
        }
        return null;
    }

    /**
     * Runs the named benchmarks with these timings and reads the results; never throws for a failed run (its
     * status says so).
     */
    Result run(final List<String> names, final long warmupMs, final long measureMs, final int rounds,
               final long limitSeconds) {
        final String missing = missing();
        if (missing != null) {
            return Result.notRun(missing);
        }
        if (names.isEmpty()) {
            return Result.notRun("no benchmark of this run has a Ray counterpart");
        }
        try {
            final Path out = Files.createTempFile("kairos-ray-local-", ".json");
            final Path log = Files.createTempFile("kairos-ray-local-", ".log");
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx2g");
            command.addAll(jvmFlags());
            command.add("-cp");
            command.add(classes() + File.pathSeparator + Files.readString(classpathFile()).trim());
            command.add(MAIN_CLASS);
            command.addAll(List.of("--out", out.toString(), "--warmup-ms", Long.toString(warmupMs), "--measure-ms",
                Long.toString(measureMs), "--rounds", Integer.toString(rounds), "--only", String.join(",", names)));
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return Result.failed("timed out after " + limitSeconds + " s (log: " + log + ")");
            }
            if (Files.size(out) == 0) {
                return Result.failed("exit code " + process.exitValue() + ", no results (log: " + log + "): "
                    + tail(log));
            }
            final Result result = read(new ObjectMapper().readTree(out.toFile()));
            Files.deleteIfExists(out);
            if (process.exitValue() != 0) {
                return new Result(result.runtime(), "failed", "exit code " + process.exitValue() + " (log: " + log
                    + "): " + tail(log), result.scores(), result.errors(), result.histograms());
            }
            Files.deleteIfExists(log);
            return result;
        } catch (final IOException e) {
            return Result.failed(e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }

    /** The suite's JSON: scores by name, errors by name, the decoded latency histograms (ns). */
    static Result read(final JsonNode json) throws IOException {
        final Map<String, Double> scores = new LinkedHashMap<>();
        final Map<String, String> errors = new LinkedHashMap<>();
        final Map<String, Histogram> histograms = new LinkedHashMap<>();
        for (final JsonNode result : json.path("results")) {
            final String name = result.path("name").asText();
            if (result.path("score").isNumber()) {
                scores.put(name, result.path("score").asDouble());
            }
            if (result.hasNonNull("error")) {
                errors.put(name, result.path("error").asText());
            }
            if (result.hasNonNull("histogram")) {
                try {
                    histograms.put(name, Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(result.path("histogram").asText())), 0));
                } catch (final DataFormatException | IllegalArgumentException e) {
                    errors.put(name, "unreadable histogram: " + e.getMessage());
                }
            }
        }
        return new Result(json.path("runtime").asText("io.ray:ray-runtime, LOCAL mode"), "ran", null, scores, errors,
            histograms);
    }

    private List<String> jvmFlags() throws IOException {
        final Path file = moduleDir.resolve("target/ray-peer.jvm-flags");
        if (!Files.exists(file)) {
            return List.of();
        }
        final String flags = Files.readString(file, StandardCharsets.UTF_8).trim();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    private Path classes() {
        return moduleDir.resolve("target/classes");
    }

    private Path classpathFile() {
        return moduleDir.resolve("target/ray-peer.classpath");
    }

    private static String tail(final Path log) throws IOException {
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
