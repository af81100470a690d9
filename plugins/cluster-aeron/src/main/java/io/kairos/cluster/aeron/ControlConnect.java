package io.kairos.cluster.aeron;

import io.aeron.security.AuthenticationException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Connecting to the control store while a member may be down or an election under way: attempts until a deadline,
 * each with a message timeout of at most {@link #ATTEMPT_MS}, so an attempt that waits on a dead member gives way to
 * the next. A refused secret is final.
 */
public final class ControlConnect {
    /** The longest one attempt waits for a member to answer. */
    public static final long ATTEMPT_MS = 2_000;

    private ControlConnect() {
    }

    /**
     * @param attempt   connects once, given the attempt's message timeout in ms
     * @param ingress   the control store's endpoints, for the error
     * @param timeoutMs how long to keep trying
     * @return the connected client
     * @throws AuthenticationException if the control store refused the credentials
     * @throws IllegalStateException   naming the endpoints, the time and the last reason, when no attempt succeeded
     */
    public static ControlClient withRetries(final LongFunction<ControlClient> attempt, final String ingress,
                                            final long timeoutMs) {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        RuntimeException last = null;
        int attempts = 0;
        do {
            attempts++;
            try {
                return attempt.apply(Math.max(100, Math.min(ATTEMPT_MS,
                    TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (final AuthenticationException e) {
                throw e;
            } catch (final RuntimeException e) {
                last = e;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        } while (System.nanoTime() - deadline < 0);
        throw new IllegalStateException("the control store at " + ingress + " did not answer within " + timeoutMs
            + " ms (" + attempts + " attempts): " + (last != null ? last.getMessage() : "no answer"), last);
    }
}
