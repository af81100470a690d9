package io.kairos.internal.conductor;

import io.kairos.function.KFunc2;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Conductor to worker: a real {@link Worker} thread waits in its loop (spins, yields, then announces it parks and
 * parks) while the conductor hands it a task through {@link Worker#assign}. The worker must always wake and run it (no
 * lost wake-up) and see it whole: the task checks its own arguments, and the actor checks the result it published.
 * The task stops its worker, so the worker's thread ends once it ran the task and offered it back.
 */
@JCStressTest(Mode.Termination)
@Description("A task assigned through a worker's mailbox always wakes the worker, which runs it whole")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the worker woke, ran the task and offered it back")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the worker stayed parked with a task in its mailbox")
@State
public class WorkerMailboxTest {
    private static final Integer A = 41;
    private static final Integer B = 1;
    private static final AtomicLong IDS = new AtomicLong(2L << 40);
    private static final KFunc2<Integer, Integer, Integer> TASK = (a, b) -> {
        if (a != A || b != B) {
            throw new IllegalStateException("the worker saw the task's arguments as " + a + ", " + b);
        }
        Worker.current().stop();  // the worker's loop ends after handing this task back
        return a + b;
    };

    private final Worker worker = new Worker(JcstressKernel.CONDUCTOR, JcstressKernel.CORE.cluster().logicalNode(0),
        JcstressKernel.CORE.cluster().registry(), 0, (loop, node, name) -> {
            final Thread t = new Thread(loop, name);
            t.setDaemon(true);
            return t;
        });
    private final TaskSpec task = new TaskSpec("mailbox", TASK, 2, new Object[] {A, B}, KernelCore.NO_DEMAND, null, 0,
        false, JcstressKernel.object(IDS.incrementAndGet()));

    public WorkerMailboxTest() {
        worker.start();  // it idles until the signal assigns the task
    }

    @Actor
    public void worker() throws InterruptedException {
        worker.thread.join();
        final Object back = JcstressKernel.CONDUCTOR.commandQueue().poll();
        if (back != task || task.result.status() != ObjectState.READY || !Integer.valueOf(42).equals(task.result.value())
            || task.outcome != TaskSpec.OUTCOME_DONE) {
            throw new IllegalStateException("the worker did not run the task whole: returned " + back + ", status "
                + task.result.status() + ", error " + task.result.error());
        }
    }

    @Signal
    public void conductor() {
        worker.assign(task);
    }
}
