package io.kairos.bench.plan;

import io.kairos.bench.KernelQueuedTasksBenchmark;
import io.kairos.bench.plan.BenchPlan.Figure;
import io.kairos.bench.plan.BenchPlan.Source;
import io.kairos.bench.plan.BenchPlan.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both plans: steps that name real benchmarks, keys that refer to each other; then what each plan holds. */
class BenchPlanTest {
    /** Each plan's factory, by the name of its command. */
    private static final Map<String, Function<Boolean, BenchPlan>> PLANS =
        Map.of("store", StoreBenchPlan::create, "kernel", KernelBenchPlan::create);

    static Stream<Arguments> plans() {
        return PLANS.keySet().stream().sorted().flatMap(name -> Stream.of(false, true)
            .map(quick -> Arguments.of(name, quick, PLANS.get(name).apply(quick))));
    }

    @ParameterizedTest(name = "{0}, quick={1}")
    @MethodSource("plans")
    void everyStepNamesABenchmarkMethodItsModeAndItsParameters(final String name, final boolean quick,
                                                               final BenchPlan plan) {
        for (final Step step : plan.steps) {
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
                assertTrue(hasParam(step.benchmark(), method, param), step.key() + ": no @Param " + param);
            }
            final String benchmark = step.benchmark().getName() + "." + step.method();
            assertTrue(Pattern.compile(step.include()).matcher(benchmark).find(), benchmark);
            assertTrue(!step.figures().isEmpty(), step.key());
        }
    }

    @ParameterizedTest(name = "{0}, quick={1}")
    @MethodSource("plans")
    void figuresRowsAndTargetsReferToEachOther(final String name, final boolean quick, final BenchPlan plan) {
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
    }

    @ParameterizedTest
    @ValueSource(strings = {"store", "kernel"})
    void quickRunIsASubsetOfTheShortRun(final String name) {
        final Set<String> full = new HashSet<>();
        PLANS.get(name).apply(false).steps.forEach(s -> full.add(s.key()));
        final BenchPlan quick = PLANS.get(name).apply(true);
        quick.steps.forEach(s -> assertTrue(full.contains(s.key()), s.key()));
        assertTrue(quick.steps.size() < full.size());
    }

    @Test
    void storeQuickRunMeasures64BytesOnly() {
        final BenchPlan quick = StoreBenchPlan.create(true);
        assertEquals(0, quick.steps.stream().filter(s -> "1024".equals(s.params().get("size"))).count());
    }

    @Test
    void kernelQuickRunKeepsEveryTarget() {
        assertEquals(11, KernelBenchPlan.create(false).targets.size());
        assertEquals(KernelBenchPlan.create(false).targets, KernelBenchPlan.create(true).targets);
    }

    @Test
    void stepsMeasureInTheirFiguresUnits() {
        final BenchPlan plan = KernelBenchPlan.create(false);
        assertEquals(TimeUnit.SECONDS, plan.step("tasks_async").timeUnit());
        assertEquals(TimeUnit.NANOSECONDS, plan.step("tasks_sync").timeUnit());
        assertEquals(TimeUnit.SECONDS, plan.step("queued").timeUnit());
        assertTrue(plan.step("queued").needsFootprint());
        assertTrue(!plan.step("tasks_sync").needsFootprint());
        assertEquals(Map.of("blockedOn", "cpu"), plan.step("queued").params());
        final BenchPlan store = StoreBenchPlan.create(false);
        assertEquals(TimeUnit.SECONDS, store.step("put8m").timeUnit());
        assertEquals(TimeUnit.NANOSECONDS, store.step("xget").timeUnit());
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

    /** A @Param field of that name in the benchmark or one of the method's @State parameter classes. */
    private static boolean hasParam(final Class<?> benchmark, final Method method, final String name) {
        final List<Class<?>> states = new ArrayList<>(List.of(benchmark));
        Arrays.stream(method.getParameters()).map(Parameter::getType).forEach(states::add);
        for (final Class<?> state : states) {
            for (Class<?> c = state; c != null; c = c.getSuperclass()) {
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
