package io.kairos.cli;

import io.kairos.cli.StoreBenchPlan.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreBenchPlanTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyStepNamesABenchmarkMethodAndItsParameters(final boolean quick) throws Exception {
        for (final Step step : StoreBenchPlan.create(quick).steps) {
            final Method method = Arrays.stream(step.benchmark().getMethods())
                .filter(m -> m.getName().equals(step.method())).findFirst().orElse(null);
            assertNotNull(method, step.key() + ": no method " + step.method());
            assertNotNull(method.getAnnotation(Benchmark.class), step.key() + ": not a @Benchmark");
            for (final String param : step.params().keySet()) {
                assertNotNull(step.benchmark().getDeclaredField(param).getAnnotation(Param.class),
                    step.key() + ": no @Param " + param);
            }
            assertTrue(Pattern.compile(step.include()).matcher(step.benchmark().getName() + "." + step.method()).find());
        }
    }

    @Test
    void rowsAndTargetsReferToSteps() {
        final StoreBenchPlan plan = StoreBenchPlan.create(false);
        final Set<String> keys = new HashSet<>();
        plan.steps.forEach(step -> assertTrue(keys.add(step.key()), "duplicate step " + step.key()));
        plan.rows.forEach(row -> {
            assertTrue(keys.contains(row.key()), row.key());
            row.peerKeys().forEach(peer -> assertTrue(keys.contains(peer), peer));
        });
        plan.targets.forEach(target -> {
            assertTrue(keys.contains(target.key()), target.key());
            assertTrue(target.peerKey() == null || keys.contains(target.peerKey()), target.peerKey());
        });
    }

    @Test
    void quickRunIsASubsetOfTheShortRun() {
        final Set<String> full = new HashSet<>();
        StoreBenchPlan.create(false).steps.forEach(s -> full.add(s.key()));
        final StoreBenchPlan quick = StoreBenchPlan.create(true);
        quick.steps.forEach(s -> assertTrue(full.contains(s.key()), s.key()));
        assertTrue(quick.steps.size() < full.size());
        assertEquals(0, quick.steps.stream().filter(s -> "1024".equals(s.params().get("size"))).count());
    }
}
