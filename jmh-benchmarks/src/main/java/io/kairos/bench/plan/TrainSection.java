package io.kairos.bench.plan;

import io.kairos.bench.TrainBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import io.kairos.bench.plan.SuitePlan.Row;
import io.kairos.bench.plan.SuitePlan.Subject;
import org.openjdk.jmh.annotations.Mode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training plugin's section (kairos-train, {@link TrainBenchmark}): gang start for 8, 64 and 1,024 workers, and
 * the trainer's overhead over the same data-parallel descent by hand; the targets of issue 21.
 */
final class TrainSection {
    static final String GROUP = "train";
    private static final Class<?> B = TrainBenchmark.class;

    private TrainSection() {
    }

    static void add(final SuitePlan s) {
        for (final String workers : List.of("8", "64", "1024")) {
            final String key = SuitePlan.stepKey(B, "gang_start", 1, Map.of("workers", workers));
            final String label = "gang start, " + workers + " workers"
                + ("1024".equals(workers) ? " over 16 simulated nodes" : "");
            s.addStep(new Step(key, label, B, "gang_start", new LinkedHashMap<>(Map.of("workers", workers)),
                Mode.SingleShotTime, List.of(), List.of(new Figure(key + ".start", label, Kind.SECONDS,
                    Source.SECONDARY, TrainBenchmark.GANG_START_S, 1))));
            s.rows.add(new Row("train_gang_start_" + workers, GROUP, Kind.SECONDS, key + ".start", List.of(), null,
                null, "from Trainer.run() to the last of " + workers + " workers (a CPU each, one placement group) in "
                    + "its loop: the group placed, the worker actors made, the rendezvous, the loop started"));
        }
        final String ours = SuitePlan.stepKey(B, "trainer_descent", 1, Map.of());
        final String hand = SuitePlan.stepKey(B, "hand_descent", 1, Map.of());
        s.addStep(new Step(ours, "descent: the trainer, 2 workers", B, "trainer_descent", new LinkedHashMap<>(),
            Mode.Throughput, List.of(), List.of(new Figure(ours, "descent: the trainer", Kind.OPS_PER_SECOND,
                Source.SCORE))));
        s.addStep(new Step(hand, "descent: 2 threads by hand", B, "hand_descent", new LinkedHashMap<>(),
            Mode.Throughput, List.of(), List.of(new Figure(hand, "descent: by hand", Kind.OPS_PER_SECOND,
                Source.SCORE))));
        s.rows.add(new Row("train_descent", GROUP, Kind.OPS_PER_SECOND, ours, List.of(
            new Subject("the same loop on 2 threads, a CyclicBarrier all-reduce", hand)), null, null,
            "runs/s of a logistic-regression descent, " + TrainBenchmark.STEPS + " steps over "
                + TrainBenchmark.SAMPLES + " samples a rank, the gradient all-reduced every step"));
    }

    /** Issue 21's goals. */
    static void targets(final SuitePlan s) {
        s.plan.target("train gang start of 64 workers <= 1 s",
            SuitePlan.stepKey(B, "gang_start", 1, Map.of("workers", "64")) + ".start", 1, false);
        s.plan.target("train overhead over the same loop by hand <= 2.5%",
            SuitePlan.stepKey(B, "trainer_descent", 1, Map.of()), SuitePlan.stepKey(B, "hand_descent", 1, Map.of()),
            1 / 1.025);
    }
}
