package io.kairos.raypeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class RayLocalSuiteTest {

    /** The names the caller matches on, in report order. */
    private static final List<String> NAMES = List.of(
        "single_client_tasks_sync",
        "single_client_tasks_async",
        "multi_client_tasks_async",
        "1_1_actor_calls_sync",
        "1_1_actor_calls_async",
        "1_1_actor_calls_concurrent",
        "1_n_actor_calls_async",
        "n_n_actor_calls_async",
        "n_n_actor_calls_with_arg_async",
        "single_client_put_calls",
        "single_client_get_calls",
        "single_client_put_calls_Plasma_Store",
        "single_client_get_calls_Plasma_Store",
        "single_client_put_gigabytes",
        "multi_client_put_gigabytes",
        "single_client_wait_1k_refs",
        "placement_group_create_removal");

    private static final Set<String> WITH_HISTOGRAM = Set.of("single_client_tasks_sync", "1_1_actor_calls_sync");

    @Test
    void everyBenchmarkRunsInLocalModeAndIsReportedInOrder(@TempDir final Path dir) throws Exception {
        final Path out = dir.resolve("ray-local.json");

        final int status = RayLocalSuite.run(new String[] {
            "--out", out.toString(), "--warmup-ms", "10", "--measure-ms", "50", "--rounds", "1"});

        assertEquals(0, status);
        final JsonNode report = new ObjectMapper().readTree(out.toFile());
        assertEquals("io.ray:ray-runtime 2.39.0, LOCAL mode", report.get("runtime").asText());
        assertEquals(50, report.get("measureMs").asLong());
        final List<String> names = new ArrayList<>();
        for (JsonNode result : report.get("results")) {
            final String name = result.get("name").asText();
            names.add(name);
            // None fails in LOCAL mode: every benchmark, placement groups and the threaded actor included, runs.
            assertTrue(result.get("error").isNull(), name + ": " + result.get("error"));
            final double score = result.get("score").asDouble();
            assertTrue(score > 0 && Double.isFinite(score), name + " score " + score);
            assertEquals(1, result.get("rounds").size(), name);
            assertEquals(name.endsWith("_gigabytes") ? "GB/s" : "ops/s", result.get("unit").asText(), name);
            if (WITH_HISTOGRAM.contains(name)) {
                final Histogram latencies = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(result.get("histogram").asText())), 0);
                assertTrue(latencies.getTotalCount() > 0, name + " histogram is empty");
            } else {
                assertTrue(result.get("histogram").isNull(), name);
            }
        }
        assertEquals(NAMES, names);
    }

    @Test
    void buildWritesTheJvmFlagsOfTheConstant() throws Exception {
        // Written by the build (generate-resources); the jdk23plus profile appends one flag.
        final String flags = Files.readString(Path.of("target", "ray-peer.jvm-flags")).strip();

        assertTrue(flags.startsWith(String.join(" ", RayLocalSuite.JVM_FLAGS)), flags);
    }

    @Test
    void unknownBenchmarkNameIsRefusedBeforeRayStarts(@TempDir final Path dir) {
        final Path out = dir.resolve("never.json");

        final int status = RayLocalSuite.run(new String[] {"--out", out.toString(), "--only", "tasks_sync"});

        assertEquals(1, status);
        assertFalse(Files.exists(out));
    }
}
