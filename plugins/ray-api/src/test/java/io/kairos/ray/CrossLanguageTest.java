package io.kairos.ray;

import io.ray.api.Ray;
import io.ray.api.function.CppActorClass;
import io.ray.api.function.CppFunction;
import io.ray.api.function.PyActorClass;
import io.ray.api.function.PyFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-language calls are the only ones that throw UnsupportedOperationException, each naming the call. */
class CrossLanguageTest {
    @BeforeAll
    static void init() {
        RayTestSupport.init();
    }

    @AfterAll
    static void shutdown() {
        RayTestSupport.shutdown();
    }

    private static void refused(final Executable call, final String named) {
        final UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call);
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void pythonAndCppCallsAreRefusedByName() {
        refused(() -> Ray.task(PyFunction.of("my_module", "my_func"), 1).remote(), "PyFunction my_module.my_func");
        refused(() -> Ray.actor(PyActorClass.of("my_module", "Counter")).remote(), "PyActorClass my_module.Counter");
        refused(() -> Ray.task(CppFunction.of("Plus"), 1, 2).remote(), "CppFunction Plus");
        refused(() -> Ray.actor(CppActorClass.of("CreateCounter", "Counter")).remote(), "CppActorClass Counter");
    }
}
