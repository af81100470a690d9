package io.kairos;

import io.kairos.exception.TaskFailedException;
import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder-free submit: Kernel.submit with TaskOptions, ActorHandle.submit. */
@Timeout(60)
class TaskOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    private Kernel kernel;
    private Kernel other;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
        if (other != null) {
            other.close();
        }
        ATTEMPTS.set(0);
    }

    static int add(final int a, final int b) {
        return a + b;
    }

    static String failTwice() {
        if (ATTEMPTS.incrementAndGet() <= 2) {
            throw new IllegalStateException("attempt " + ATTEMPTS.get());
        }
        return "ok";
    }

    public static final class Acc {
        private int sum;

        public int add(final int x) {
            sum += x;
            return sum;
        }
    }

    @Test
    void submitRunsTheFunctionOnTheArgumentsAndRefs() {
        kernel = Kernel.start(new KernelContext().cpus(2));
        final ObjectRef<Integer> three = kernel.submit((KFunc2<Integer, Integer, Integer>) TaskOptionsTest::add,
            new Object[] {1, 2}, TaskOptions.DEFAULT);
        final ObjectRef<Integer> seven = kernel.submit((KFunc2<Integer, Integer, Integer>) TaskOptionsTest::add,
            new Object[] {three, 4}, TaskOptions.DEFAULT);
        assertEquals(7, seven.get(WAIT));
        assertEquals("x", kernel.submit((KFunc0<String>) () -> "x", new Object[0], TaskOptions.DEFAULT).get(WAIT));
    }

    @Test
    void optionsApplyAsTheCallersDo() {
        kernel = Kernel.start(new KernelContext().cpus(2).resource("custom", 1));
        final TaskOptions retried = TaskOptions.DEFAULT.withRetryExceptions(true).withMaxRetries(2).withName("flaky");
        assertEquals("ok", kernel.submit((KFunc0<String>) TaskOptionsTest::failTwice, new Object[0], retried).get(WAIT));
        ATTEMPTS.set(0);
        final TaskFailedException e = assertThrows(TaskFailedException.class, () -> kernel.submit(
            (KFunc0<String>) TaskOptionsTest::failTwice, new Object[0], TaskOptions.DEFAULT).get(WAIT));
        assertTrue(e.getMessage().contains("attempt 1"), e.getMessage());
        final TaskOptions custom = TaskOptions.DEFAULT.withResource("custom", 1.0);
        assertEquals(3, kernel.submit((KFunc2<Integer, Integer, Integer>) TaskOptionsTest::add, new Object[] {1, 2},
            custom).get(WAIT));
        assertThrows(IllegalArgumentException.class, () -> kernel.submit((KFunc0<String>) () -> "x", new Object[0],
            TaskOptions.DEFAULT.withResource("unknown", 1.0)));
    }

    @Test
    void optionsAreImmutableAndChecked() {
        final TaskOptions gpu = TaskOptions.DEFAULT.withResources(Map.of("GPU", 0.5));
        assertTrue(gpu.toString().contains("GPU=0.5"), gpu.toString());
        assertTrue(TaskOptions.DEFAULT.toString().contains("{CPU=1.0}, maxRetries 3"), TaskOptions.DEFAULT.toString());
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.DEFAULT.withMaxRetries(-1));
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.DEFAULT.withResource("CPU", -1.0));
        assertThrows(IllegalArgumentException.class, () -> TaskOptions.DEFAULT.withResource("CPU", null));
        assertThrows(NullPointerException.class, () -> TaskOptions.DEFAULT.withSchedulingStrategy(null));
    }

    @Test
    void submitChecksTheFunctionsArityAndTheRefsKernel() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        other = Kernel.start(new KernelContext().cpus(1));
        final IllegalArgumentException arity = assertThrows(IllegalArgumentException.class, () -> kernel.submit(
            (KFunc2<Integer, Integer, Integer>) TaskOptionsTest::add, new Object[] {1}, TaskOptions.DEFAULT));
        assertTrue(arity.getMessage().contains("is not a KFunc1"), arity.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.submit(null, new Object[0], TaskOptions.DEFAULT));
        final ObjectRef<Integer> foreign = other.put(1);
        final IllegalArgumentException ref = assertThrows(IllegalArgumentException.class, () -> kernel.submit(
            (KFunc1<Integer, Integer>) x -> x, new Object[] {foreign}, TaskOptions.DEFAULT));
        assertTrue(ref.getMessage().contains("another kernel"), ref.getMessage());
    }

    @Test
    void anActorCallIsSubmittedWithoutABuilder() {
        kernel = Kernel.start(new KernelContext().cpus(1));
        final ActorHandle<Acc> acc = kernel.actor(Acc::new).setConcurrencyGroup("g", 1).remote();
        final ObjectRef<Integer> five = acc.submit((KFunc2<Acc, Integer, Integer>) Acc::add, new Object[] {5}, null, null);
        assertEquals(5, five.get(WAIT));
        final ObjectRef<Integer> twelve = acc.submit((KFunc2<Acc, Integer, Integer>) Acc::add, new Object[] {7}, "named",
            "g");
        assertEquals(12, twelve.get(WAIT), "after the first: groups do not keep order between them");
        assertThrows(IllegalArgumentException.class, () -> acc.submit((KFunc2<Acc, Integer, Integer>) Acc::add,
            new Object[0], null, null));
        assertThrows(IllegalArgumentException.class, () -> acc.submit((KFunc3<Acc, Integer, Integer, Integer>)
            (a, x, y) -> x, new Object[] {1, 2}, null, "missing"));
    }
}
