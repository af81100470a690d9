package io.kairos.internal.conductor;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The one-holder rule: the conductor's thread runs {@link SchedulerConductor#doWork} while a caller waiting in get
 * runs {@link SchedulerConductor#help} (the duty cycle, when no one else does). Each offers a command that does a
 * plain read-modify-write of state only the duty holder may touch and notes whether another command was inside at the
 * same time; each then keeps running its duty cycles until its command ran (as a get helps until its object is done).
 * Never two threads in the duty cycle at once, and each holder sees what the holder before it wrote: two increments
 * make 2 and no command ever sees another inside.
 */
@JCStressTest
@Description("doWork (the conductor's thread) and help (a caller in get): never two threads in the duty cycle")
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "one holder at a time, each seeing the last one's writes")
@Outcome(expect = FORBIDDEN, desc = "two threads in the duty cycle at once, or a holder missed a write")
@State
public class OneHolderTest {
    /** Duty-holder state: plain fields, as the conductor's own. */
    int count;
    int inside;
    int overlaps;

    private final Command first = new Command(this);
    private final Command second = new Command(this);

    /** A command the duty holder runs (as queries and close run on the conductor's thread). */
    static final class Command implements Runnable {
        private final OneHolderTest state;
        volatile boolean ran;

        Command(final OneHolderTest state) {
            this.state = state;
        }

        @Override
        public void run() {
            final OneHolderTest s = state;
            if (s.inside++ != 0) {
                s.overlaps++;
            }
            final int c = s.count;
            for (int i = 0; i < 8; i++) {
                Thread.onSpinWait();  // widen the window a second holder would step into
            }
            s.count = c + 1;
            s.inside--;
            ran = true;
        }
    }

    @Actor
    public void conductorThread() {
        JcstressKernel.CONDUCTOR.offerFromWorker(first);
        while (!first.ran) {
            JcstressKernel.CONDUCTOR.doWork();
        }
    }

    @Actor
    public void callerInGet() {
        JcstressKernel.CONDUCTOR.offerFromWorker(second);
        while (!second.ran) {
            JcstressKernel.CONDUCTOR.help();
        }
    }

    @Arbiter
    public void after(final II_Result r) {
        r.r1 = count;
        r.r2 = overlaps;
    }
}
