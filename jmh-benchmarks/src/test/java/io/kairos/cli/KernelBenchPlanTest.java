package io.kairos.cli;

import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.cli.KernelBenchPlan.Figure;
import io.kairos.cli.KernelBenchPlan.Source;
import io.kairos.cli.KernelBenchPlan.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.options.Options;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelBenchPlanTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyStepNamesABenchmarkMethodItsModeAndItsParameters(final boolean quick) {
        for (final Step step : KernelBenchPlan.create(quick).steps) {
            final Method method = Arrays.stream(step.benchmark().getMethods())
                .filter(m -> m.getName().equals(step.method())).findFirst().orElse(null);
            assertNotNull(method, step.key() + ": no method " + step.method());
            assertNotNull(method.getAnnotation(Benchmark.class), step.key() + ": not a @Benchmark");
            BenchmarkMode modes = method.getAnnotation(BenchmarkMode.class);
            if (modes == null) {
                modes = step.benchmark().getAnnotation(BenchmarkMode.class);
            }
            assertTrue(Arrays.asList(modes.value()).contains(step.mode()),
                step.key() + ": not annotated " + step.mode());
            for (final String param : step.params().keySet()) {
                assertTrue(hasParam(method, param), step.key() + ": no @Param " + param);
            }
            final String name = step.benchmark().getName() + "." + step.method();
            assertTrue(Pattern.compile(step.include()).matcher(name).find(), name);
            assertTrue(!step.figures().isEmpty(), step.key());
        }
    }

    @Test
    void figuresRowsAndTargetsReferToEachOther() {
        final KernelBenchPlan plan = KernelBenchPlan.create(false);
        final Set<String> steps = new HashSet<>();
        final Set<String> figures = new HashSet<>();
        for (final Step step : plan.steps) {
            assertTrue(steps.add(step.key()), "duplicate step " + step.key());
            step.figures().forEach(f -> assertTrue(figures.add(f.key()), "duplicate figure " + f.key()));
        }
        plan.rows.forEach(row -> {
            assertTrue(figures.contains(row.key()), row.key());
            row.peerKeys().forEach(peer -> assertTrue(figures.contains(peer), peer));
            row.peerKeys().forEach(peer -> assertEquals(plan.figure(row.key()).kind(), plan.figure(peer).kind(), peer));
        });
        plan.targets.forEach(target -> {
            assertTrue(figures.contains(target.key()), target.key());
            assertTrue(target.peerKey() == null || figures.contains(target.peerKey()), target.peerKey());
        });
        assertEquals(7, plan.targets.size());
    }

    @Test
    void quickRunIsASubsetOfTheShortRunWithEveryTarget() {
        final Set<String> full = new HashSet<>();
        KernelBenchPlan.create(false).steps.forEach(s -> full.add(s.key()));
        final KernelBenchPlan quick = KernelBenchPlan.create(true);
        quick.steps.forEach(s -> assertTrue(full.contains(s.key()), s.key()));
        assertTrue(quick.steps.size() < full.size());
        assertEquals(KernelBenchPlan.create(false).targets, quick.targets);
    }

    @Test
    void stepsMeasureInTheirFiguresUnits() {
        final KernelBenchPlan plan = KernelBenchPlan.create(false);
        assertEquals(TimeUnit.SECONDS, plan.step("tasks_async").timeUnit());
        assertEquals(TimeUnit.NANOSECONDS, plan.step("tasks_sync").timeUnit());
        assertEquals(TimeUnit.SECONDS, plan.step("queued").timeUnit());
        assertTrue(plan.step("queued").needsFootprint());
        assertTrue(!plan.step("tasks_sync").needsFootprint());
        assertEquals(Map.of("blockedOn", "cpu"), plan.step("queued").params());
    }

    @Test
    void optionsRunOneForkOneThreadAndTheFootprintProfilerWhereNeeded() {
        final KernelBenchPlan plan = KernelBenchPlan.create(true);
        final BenchKernelCommand.Timing timing = BenchKernelCommand.timing(true);
        final Options sync = BenchKernelCommand.options(plan.step("tasks_sync"), timing);
        assertEquals(1, sync.getForkCount().get());
        assertEquals(1, sync.getThreads().get());
        assertEquals(List.of(Mode.SampleTime), List.copyOf(sync.getBenchModes()));
        assertTrue(sync.getProfilers().isEmpty());
        final Options queued = BenchKernelCommand.options(plan.step("queued"), timing);
        assertEquals(0, queued.getWarmupIterations().get());
        assertEquals(1, queued.getMeasurementIterations().get());
        assertEquals(1, queued.getProfilers().size());
        assertTrue(queued.getJvmArgsAppend().get().contains(KernelQueuedTasksBenchmark.INITIAL_HEAP));
        assertTrue(queued.getJvmArgsAppend().get().contains("-D" + KernelQueuedTasksBenchmark.QUIET_PROP + "=true"));
    }

    @Test
    void secondaryFiguresAreReadByName() {
        final Figure retained = KernelBenchPlan.create(true).figure("queued.retained");
        assertEquals(Source.SECONDARY, retained.source());
        final Result<?> primary = new ScalarResult("primary", 1.5, "s/op", AggregationPolicy.AVG);
        final Map<String, Result> secondaries = Map.of(KernelQueuedTasksBenchmark.RETAINED,
            new ScalarResult(KernelQueuedTasksBenchmark.RETAINED, 297.0, "B/task", AggregationPolicy.AVG));
        assertEquals(297.0, retained.from(primary, secondaries), 1e-9);
        assertEquals(1.5, KernelBenchPlan.create(true).figure("queued").from(primary, secondaries), 1e-9);
        assertTrue(Double.isNaN(KernelBenchPlan.create(true).figure("queued.drain").from(primary, Map.of())));
    }

    /** A @Param field of that name in one of the method's @State parameter classes (or their superclasses). */
    private static boolean hasParam(final Method method, final String name) {
        for (final Parameter parameter : method.getParameters()) {
            for (Class<?> c = parameter.getType(); c != null; c = c.getSuperclass()) {
                for (final Field field : c.getDeclaredFields()) {
                    if (field.getName().equals(name) && field.getAnnotation(Param.class) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
