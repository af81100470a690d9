package io.kairos.property;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;
import io.kairos.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Property (issue 16, item 5): a random DAG gives the same results under every {@link ThreadingMode}. Each case
 * builds a DAG of ~300 small deterministic tasks (sums, products and mixes mod a prime) over random earlier results
 * and constants, runs it on a fresh kernel per mode, and compares every result with a plain sequential evaluation.
 *
 * <p>Case i uses seed {@code BASE_SEED + i}; a failure names its seed and mode, {@link #replay(long)} runs one again.
 * Kernels are slow to start compared with the codec cases, so there are 20 cases (60 kernels, 18,000 tasks).
 */
@Timeout(120)
class DagThreadingModePropertyTest {
    static final long BASE_SEED = 0x16_05_03L;
    static final int CASES = 20;
    static final int TASKS = 300;
    static final long P = 1_000_000_007L;
    private static final Duration WAIT = Duration.ofSeconds(30);

    static long add(final long a, final long b) {
        return (a + b) % P;
    }

    static long mul(final long a, final long b) {
        return (a % P) * (b % P) % P;
    }

    static long mix(final long a, final long b, final long c) {
        return (a * 31 + b * 17 + c) % P;
    }

    static long square(final long a) {
        return a * a % P;
    }

    /** One node of the DAG: an operation over earlier nodes (index >= 0) or constants. */
    record Node(int op, int[] inputs, long[] constants) {
    }

    @Test
    void aRandomDagGivesTheSameResultsUnderEveryThreadingMode() {
        io.kairos.property.SeededCases.run("DAG property", DagThreadingModePropertyTest.class, BASE_SEED, CASES,
            DagThreadingModePropertyTest::replay);
    }

    static void replay(final long seed) {
        final List<Node> dag = dag(new SplittableRandom(seed));
        final long[] expected = sequential(dag);
        for (final ThreadingMode mode : ThreadingMode.values()) {
            final SplittableRandom cpus = new SplittableRandom(seed ^ mode.ordinal());
            try (Kernel kernel = Kernel.start(new KernelContext().cpus(cpus.nextInt(1, 5))
                .threadingMode(mode))) {
                final long[] actual = run(kernel, dag);
                for (int n = 0; n < dag.size(); n++) {
                    assertEquals(expected[n], actual[n], mode + ": task " + n + " " + dag.get(n));
                }
            }
        }
    }

    static List<Node> dag(final SplittableRandom random) {
        final List<Node> dag = new ArrayList<>();
        for (int n = 0; n < TASKS; n++) {
            final int op = random.nextInt(4);
            final int arity = op == 3 ? 1 : op == 2 ? 3 : 2;
            final int[] inputs = new int[arity];
            final long[] constants = new long[arity];
            for (int a = 0; a < arity; a++) {
                // mostly recent results (deep chains), some from anywhere earlier (wide fan-in), some constants
                if (n == 0 || random.nextInt(5) == 0) {
                    inputs[a] = -1;
                    constants[a] = random.nextLong(0, P);
                } else if (random.nextBoolean()) {
                    inputs[a] = n - 1 - random.nextInt(Math.min(n, 8));
                } else {
                    inputs[a] = random.nextInt(n);
                }
            }
            dag.add(new Node(op, inputs, constants));
        }
        return dag;
    }

    static long[] sequential(final List<Node> dag) {
        final long[] value = new long[dag.size()];
        for (int n = 0; n < dag.size(); n++) {
            final Node node = dag.get(n);
            final long[] in = new long[node.inputs().length];
            for (int a = 0; a < in.length; a++) {
                in[a] = node.inputs()[a] < 0 ? node.constants()[a] : value[node.inputs()[a]];
            }
            switch (node.op()) {
                case 0: value[n] = add(in[0], in[1]); break;
                case 1: value[n] = mul(in[0], in[1]); break;
                case 2: value[n] = mix(in[0], in[1], in[2]); break;
                default: value[n] = square(in[0]);
            }
        }
        return value;
    }

    /** Submits the whole DAG (inputs as ObjectRefs of earlier tasks, or constants), then gets every result. */
    static long[] run(final Kernel kernel, final List<Node> dag) {
        final List<ObjectRef<Long>> refs = new ArrayList<>();
        for (final Node node : dag) {
            refs.add(submit(kernel, node, refs));
        }
        final long[] value = new long[dag.size()];
        for (int n = dag.size() - 1; n >= 0; n--) {  // last first: its get waits on (and, INVOKER, drives) the rest
            value[n] = refs.get(n).get(WAIT);
        }
        return value;
    }

    private static ObjectRef<Long> submit(final Kernel kernel, final Node node, final List<ObjectRef<Long>> refs) {
        final int[] in = node.inputs();
        final long[] c = node.constants();
        switch (node.op()) {
            case 0:
            case 1: {
                final io.kairos.function.KFunc2<Long, Long, Long> f =
                    node.op() == 0 ? DagThreadingModePropertyTest::add : DagThreadingModePropertyTest::mul;
                if (in[0] < 0 && in[1] < 0) {
                    return kernel.task(f, c[0], c[1]).remote();
                } else if (in[0] < 0) {
                    return kernel.task(f, c[0], refs.get(in[1])).remote();
                } else if (in[1] < 0) {
                    return kernel.task(f, refs.get(in[0]), c[1]).remote();
                }
                return kernel.task(f, refs.get(in[0]), refs.get(in[1])).remote();
            }
            case 2: {
                // mix over three: constants where an input is one
                final io.kairos.function.KFunc3<Long, Long, Long, Long> f = DagThreadingModePropertyTest::mix;
                final ObjectRef<Long> a = in[0] < 0 ? null : refs.get(in[0]);
                final ObjectRef<Long> b = in[1] < 0 ? null : refs.get(in[1]);
                final ObjectRef<Long> d = in[2] < 0 ? null : refs.get(in[2]);
                if (a != null && b != null && d != null) {
                    return kernel.task(f, a, b, d).remote();
                }
                // some input is a constant: put it, so every argument is a reference
                return kernel.task(f, a != null ? a : kernel.put(c[0]), b != null ? b : kernel.put(c[1]),
                    d != null ? d : kernel.put(c[2])).remote();
            }
            default:
                final io.kairos.function.KFunc1<Long, Long> f = DagThreadingModePropertyTest::square;
                return in[0] < 0 ? kernel.task(f, c[0]).remote() : kernel.task(f, refs.get(in[0])).remote();
        }
    }
}
