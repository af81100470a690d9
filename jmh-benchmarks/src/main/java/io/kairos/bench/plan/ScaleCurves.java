package io.kairos.bench.plan;

import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.KernelTasksBenchmark;
import io.kairos.bench.PolicyScaleBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Kind;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import org.openjdk.jmh.annotations.Mode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The suite's scale curves (policy decision time by cluster size, tasks/s by threads) and the 1M queued tasks. */
final class ScaleCurves {
    private ScaleCurves() {
    }

    /** Adds the scale curves and the 1M queued tasks to the suite. */
    static void add(final SuitePlan suite) {
        final Class<?> p = PolicyScaleBenchmark.class;
        final List<SuitePlan.Series> decisions = new ArrayList<>();
        for (final String[] line : List.of(new String[] {"hybrid", "mixed", "decision"},
            new String[] {"hybrid", "busy", "decision"}, new String[] {"hybrid", "busy", "decision_allocate_release"},
            new String[] {"spread", "mixed", "decision"})) {
            final boolean whole = line[2].equals("decision_allocate_release");
            final List<Map.Entry<Double, String>> points = new ArrayList<>();
            for (final int nodes : List.of(10, 100, 1000, 10_000)) {
                final String key = "policy." + line[0] + "." + line[1] + "." + nodes + (whole ? ".allocate" : "");
                suite.addStep(new Step(key, line[0] + " policy, " + line[1] + " load, " + nodes + " nodes"
                    + (whole ? ", with allocate + release" : ""), p, line[2],
                    Map.of("nodes", Integer.toString(nodes), "policy", line[0], "load", line[1]), Mode.AverageTime,
                    Kind.NANOSECONDS, 1));
                points.add(Map.entry((double) nodes, key));
            }
            decisions.add(new SuitePlan.Series(line[0] + ", " + (line[1].equals("busy") ? "busy cluster" : "mixed load")
                + (whole ? ", + allocate/release" : ""), true, points));
        }
        suite.curves.add(new SuitePlan.Curve("policy_decision_time", "Scheduling decision time vs cluster size", "logical nodes",
            "ns per decision", true, true, new double[] {10_000, 5_000}, "goal: ≤ 5 µs at 10,000 nodes", decisions));

        final Class<?> t = KernelTasksBenchmark.class;
        final List<SuitePlan.Series> submitters = new ArrayList<>();
        suite.context = "submitting_threads";
        for (final String[] subject : List.of(new String[] {"Kairos", "multi_client_tasks_async"},
            new String[] {SuitePlan.TPE, "jdk_thread_pool_multi_client_tasks_async"},
            new String[] {SuitePlan.FJP, "jdk_fork_join_multi_client_tasks_async"})) {
            final List<Map.Entry<Double, String>> points = new ArrayList<>();
            for (final int threads : List.of(1, 2, 4)) {
                points.add(Map.entry((double) threads, suite.opsStep(subject[0] + ", " + threads + " submitting threads", t,
                    subject[1], threads, Map.of())));
            }
            submitters.add(new SuitePlan.Series(subject[0], subject[0].equals("Kairos"), points));
        }
        suite.curves.add(new SuitePlan.Curve("submitting_threads", "Tasks/s vs submitting threads (2 worker threads)",
            "submitting threads", "tasks/s", false, false, null, null, submitters));

        final List<SuitePlan.Series> workers = new ArrayList<>();
        suite.context = "worker_threads";
        for (final String[] subject : List.of(new String[] {"Kairos", "single_client_tasks_async"},
            new String[] {SuitePlan.TPE, "jdk_thread_pool_tasks_async"}, new String[] {SuitePlan.FJP, "jdk_fork_join_tasks_async"})) {
            final List<Map.Entry<Double, String>> points = new ArrayList<>();
            for (final int count : List.of(1, 2, 4)) {
                points.add(Map.entry((double) count, suite.opsStep(subject[0] + ", " + count + " workers", t, subject[1], 1,
                    count == 2 ? Map.of() : Map.of("workers", Integer.toString(count)))));
            }
            workers.add(new SuitePlan.Series(subject[0], subject[0].equals("Kairos"), points));
        }
        suite.curves.add(new SuitePlan.Curve("worker_threads", "Tasks/s vs worker threads (1 submitting thread)",
            "worker threads (kernel CPUs / pool size)", "tasks/s", false, false, null, null, workers));

        final String count = String.format(java.util.Locale.ROOT, "%,d", suite.queued);
        queued(suite, "queued", count + " queued tasks (Kairos)", "many_queued_tasks",
            Map.of("blockedOn", "cpu", "queued", Integer.toString(suite.queued)));
        queued(suite, "queued.tpe", count + " queued tasks (ThreadPoolExecutor)", "jdk_thread_pool_many_queued_tasks",
            Map.of("queued", Integer.toString(suite.queued)));
    }

    private static void queued(final SuitePlan suite, final String key, final String label, final String method,
                               final Map<String, String> params) {
        suite.addStep(new Step(key, label, KernelQueuedTasksBenchmark.class, method, params, Mode.SingleShotTime,
            List.of(KernelQueuedTasksBenchmark.INITIAL_HEAP), List.of(
            new Figure(key, label + ": submit", Kind.SECONDS, Source.SCORE),
            new Figure(key + ".drain", label + ": drain", Kind.SECONDS, Source.SECONDARY,
                KernelQueuedTasksBenchmark.DRAIN, 1),
            new Figure(key + ".retained", label + ": retained heap", Kind.BYTES_PER_TASK, Source.SECONDARY,
                KernelQueuedTasksBenchmark.RETAINED, 1),
            new Figure(key + ".allocated", label + ": allocated", Kind.BYTES_PER_TASK, Source.SECONDARY,
                KernelQueuedTasksBenchmark.ALLOCATED, 1))));
        for (final String figure : List.of("", ".drain", ".retained", ".allocated")) {
            suite.facts.add(new SuitePlan.Fact(suite.plan.figure(key + figure).label(), key + figure));
        }
    }
}
