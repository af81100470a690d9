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
            final String peer = SuitePlan.stepKey(B, "threads_gang_start", 1, Map.of("workers", workers));
            s.addStep(new Step(peer, workers + " threads started by hand", B, "threads_gang_start",
                new LinkedHashMap<>(Map.of("workers", workers)), Mode.SingleShotTime, List.of(),
                List.of(new Figure(peer + ".start", workers + " threads started by hand", Kind.SECONDS,
                    Source.SECONDARY, TrainBenchmark.GANG_START_S, 1))));
            s.rows.add(new Row("train_gang_start_" + workers, GROUP, Kind.SECONDS, key + ".start", List.of(
                new Subject(workers + " platform threads started by hand, a latch on entry", peer + ".start")), null,
                null, "from Trainer.run() to the last of " + workers + " workers (a CPU each, one placement group) in "
                    + "its loop: the group placed, the worker actors made, the rendezvous, the loop started"));
        }
        final String recovery = SuitePlan.stepKey(B, "recovery", 1, Map.of());
        s.addStep(new Step(recovery, "recovery after kill -9 of a worker process, "
            + TrainBenchmark.RECOVERY_WORKERS + " workers", B, "recovery", new LinkedHashMap<>(), Mode.SingleShotTime,
            List.of(), List.of(new Figure(recovery + ".s", "recovery after kill -9", Kind.SECONDS, Source.SECONDARY,
                TrainBenchmark.RECOVERY_S, 1))));
        final String jvms = SuitePlan.stepKey(B, "processes_start", 1, Map.of());
        s.addStep(new Step(jvms, TrainBenchmark.RECOVERY_WORKERS + " JVMs started by hand", B, "processes_start",
            new LinkedHashMap<>(), Mode.SingleShotTime, List.of(), List.of(new Figure(jvms + ".s",
                TrainBenchmark.RECOVERY_WORKERS + " JVMs started by hand", Kind.SECONDS, Source.SECONDARY,
                TrainBenchmark.RECOVERY_S, 1))));
        s.rows.add(new Row("train_recovery", GROUP, Kind.SECONDS, recovery + ".s", List.of(new Subject(
            TrainBenchmark.RECOVERY_WORKERS + " JVMs started by hand on the same class path (a new group's floor)",
            jvms + ".s")), null, null,
            "from kill -9 of one of " + TrainBenchmark.RECOVERY_WORKERS + " worker processes to every worker of the "
                + "new group past reading the latest checkpoint: the death seen, the group stopped and placed again, "
                + "new worker processes started"));
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
        s.plan.target("train recovery after kill -9 of a worker, " + TrainBenchmark.RECOVERY_WORKERS + " workers <= 2 s",
            SuitePlan.stepKey(B, "recovery", 1, Map.of()) + ".s", 2, false);
        s.plan.target("train overhead over the same loop by hand <= 2.5%",
            SuitePlan.stepKey(B, "trainer_descent", 1, Map.of()), SuitePlan.stepKey(B, "hand_descent", 1, Map.of()),
            1 / 1.025);
    }
}
