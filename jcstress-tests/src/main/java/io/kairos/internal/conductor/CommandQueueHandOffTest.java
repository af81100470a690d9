package io.kairos.internal.conductor;

import io.kairos.function.KFunc2;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Caller to conductor: a task a caller submits ({@link KernelCore#submitWithId}, the path of every
 * {@code kernel.task(..).remote()}) is seen whole by the conductor that takes it from the command queue: every field
 * the caller wrote, the ones set after the spec's constructor (isolated) and on its result object (producer) included,
 * and still a new submission (state null). The conductor's side takes the spec from the queue as
 * {@code drainCommands} does and reads it, without running it.
 */
@JCStressTest
@Description("A task offered to the conductor's command queue is seen whole by the conductor")
@Outcome(id = "0", expect = ACCEPTABLE, desc = "the conductor saw every field of the task")
@Outcome(expect = FORBIDDEN, desc = "the conductor saw a task with fields missing (bit mask of the missing ones)")
@State
public class CommandQueueHandOffTest {
    private static final KFunc2<Integer, Integer, Integer> ADD = Integer::sum;
    private static final Integer A = 12345;
    private static final Integer B = 67890;
    private static final long[] DEMAND = JcstressKernel.CORE.demandOf(Map.of("CPU", 1.0));
    private static final AtomicLong IDS = new AtomicLong(1L << 40);

    @Actor
    public void caller() {
        JcstressKernel.CORE.submitWithId(IDS.incrementAndGet(), ADD, 2, new Object[] {A, B}, "handoff", 3, true, null,
            null, -1, DEMAND, true);
    }

    @Actor
    public void conductor(final I_Result r) {
        Object command;
        while ((command = JcstressKernel.CONDUCTOR.commandQueue().poll()) == null) {
            Thread.onSpinWait();  // every caller's offer is taken by one poll: the queue never grows
        }
        r.r1 = missing((TaskSpec) command);
    }

    /** 0 when the spec is whole, else a bit per field the conductor did not see as the caller wrote it. */
    static int missing(final TaskSpec task) {
        int m = 0;
        m |= task.state == null ? 0 : 1;
        m |= task.function == ADD ? 0 : 1 << 1;
        m |= task.arity == 2 ? 0 : 1 << 2;
        m |= task.args != null && task.args[0] == A && task.args[1] == B ? 0 : 1 << 3;
        m |= task.demand == DEMAND ? 0 : 1 << 4;
        m |= task.maxRetries == 3 && task.retryExceptions ? 0 : 1 << 5;
        m |= task.isolated ? 0 : 1 << 6;
        m |= task.result != null && task.result.producer == task && task.result.id > 1L << 40 ? 0 : 1 << 7;
        m |= "handoff".equals(task.explicitName()) && task.kind == TaskSpec.Kind.TASK ? 0 : 1 << 8;
        m |= task.group == null && task.bundleIndex == -1 ? 0 : 1 << 9;
        return m;
    }
}
