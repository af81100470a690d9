package io.kairos.bench.plan;

import io.kairos.bench.DataPipelineBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import io.kairos.bench.plan.SuitePlan.Fact;
import io.kairos.bench.plan.SuitePlan.Row;
import io.kairos.bench.plan.SuitePlan.Subject;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data section's pipelines ({@link DataPipelineBenchmark}): the image pipeline against an ExecutorService and a
 * parallel stream (images/s, peak heap; ours also its peak store bytes against its budget), and the group-by over
 * JSON lines against a parallel stream (rows/s, peak heap, peak store).
 */
final class DataSection {
    static final String GROUP = "data";
    private static final Class<?> B = DataPipelineBenchmark.class;
    static final String IMAGES = "DataPipelineBenchmark.image_pipeline";
    static final String IMAGES_EXECUTOR = "DataPipelineBenchmark.executor_image_pipeline";
    static final String IMAGES_STREAM = "DataPipelineBenchmark.parallel_stream_image_pipeline";
    /** The text pipeline's bytes in a smoke run (a check of the harness, not the 10 GiB figure). */
    static final long SMOKE_TEXT_BYTES = 64L << 20;

    private DataSection() {
    }

    static void add(final SuitePlan s, final boolean small) {
        final String ours = "the dataset (pool of 1-2 model actors, budget "
            + DataPipelineBenchmark.BUDGET / (1 << 20) + " MiB)";
        step(s, "image pipeline: " + ours, "image_pipeline", Mode.Throughput, Map.of(), true);
        step(s, "image pipeline: ExecutorService (2)", "executor_image_pipeline", Mode.Throughput,
            Map.of(), false);
        step(s, "image pipeline: parallelStream", "parallel_stream_image_pipeline", Mode.Throughput,
            Map.of(), false);
        final String imagesNote = DataPipelineBenchmark.IMAGES + " JPEGs " + DataPipelineBenchmark.WIDTH + "x"
            + DataPipelineBenchmark.HEIGHT + " decoded, resized to " + DataPipelineBenchmark.SIDE + "x"
            + DataPipelineBenchmark.SIDE + ", normalised, a random projection to " + DataPipelineBenchmark.EMBEDDING
            + " floats (the model, once per actor / thread), written as JSON lines a file per block of "
            + DataPipelineBenchmark.IMAGES_PER_BLOCK + " images: images/s";
        s.rows.add(new Row("data_image_pipeline", GROUP, Kind.OPS_PER_SECOND, IMAGES, List.of(
            new Subject("ExecutorService (2), " + DataPipelineBenchmark.WINDOW + " blocks in flight", IMAGES_EXECUTOR),
            new Subject("parallelStream over the blocks", IMAGES_STREAM)), null, null, imagesNote));
        s.rows.add(new Row("data_image_pipeline_peak_heap", GROUP, Kind.MEBIBYTES, IMAGES + ".heap", List.of(
            new Subject("ExecutorService (2)", IMAGES_EXECUTOR + ".heap"),
            new Subject("parallelStream", IMAGES_STREAM + ".heap")), null, null, "the heap pools' peaks summed over "
                + "an iteration (an upper bound: garbage not yet collected counts); ours holds its blocks in the "
                + "object store besides (a fact below)"));
        s.facts.add(new Fact("image pipeline: peak store bytes of its blocks (MiB; budget "
            + DataPipelineBenchmark.BUDGET / (1 << 20) + ")", IMAGES + ".store"));

        final Map<String, String> text = small ? Map.of("jsonlBytes", Long.toString(SMOKE_TEXT_BYTES)) : Map.of();
        final String size = small ? SMOKE_TEXT_BYTES / (1 << 20) + " MiB" : "10 GiB";
        final String t = step(s, "text group-by over " + size + " of JSON lines: the dataset", "text_groupby",
            Mode.SingleShotTime, text, true);
        final String tp = step(s, "text group-by over " + size + " of JSON lines: parallel stream",
            "parallel_stream_text_groupby", Mode.SingleShotTime, text, false);
        s.rows.add(new Row("data_text_groupby", GROUP, Kind.OPS_PER_SECOND, t, List.of(
            new Subject("parallel stream of lines, Jackson, per-file maps merged", tp)), null, null, size
            + " of JSON lines (made once, kept in the temp directory), read by Jackson, grouped by one of 200 keys, "
            + "a count and a sum per key: rows/s, one shot"));
        s.rows.add(new Row("data_text_groupby_peak_heap", GROUP, Kind.MEBIBYTES, t + ".heap", List.of(
            new Subject("parallel stream", tp + ".heap")), null, null, "peak heap of the shot"));
        s.facts.add(new Fact("text group-by: peak store bytes of its blocks (MiB; budget 256)", t + ".store"));
    }

    /** A step whose figure is its rate (the score, or for a single shot the rate it publishes) and its memory. */
    private static String step(final SuitePlan s, final String label, final String method, final Mode mode,
                               final Map<String, String> params, final boolean store) {
        final String full = SuitePlan.stepKey(B, method, 1, params);
        final List<Figure> figures = new ArrayList<>();
        figures.add(mode == Mode.Throughput ? new Figure(full, label, Kind.OPS_PER_SECOND, Source.SCORE)
            : new Figure(full, label, Kind.OPS_PER_SECOND, Source.SECONDARY, DataPipelineBenchmark.ROWS_PER_SECOND, 1));
        figures.add(new Figure(full + ".heap", label + ": peak heap", Kind.MEBIBYTES, Source.SECONDARY,
            DataPipelineBenchmark.PEAK_HEAP, 1));
        if (store) {
            figures.add(new Figure(full + ".store", label + ": peak store bytes of its blocks", Kind.MEBIBYTES,
                Source.SECONDARY, DataPipelineBenchmark.PEAK_STORE, 1));
        }
        s.addStep(new Step(full, label, B, method, new LinkedHashMap<>(params), mode, List.of(), figures));
        return full;
    }
}
