package io.kairos.internal.conductor;

import java.time.Duration;

/** Deadlines on {@link System#nanoTime()} for the API's timeouts. */
public final class Deadlines {
    private Deadlines() {
    }

    /** A deadline on System.nanoTime() for timeout; Long.MAX_VALUE when it is too far to matter. */
    public static long of(final Duration timeout, final String field) {
        if (timeout == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(field + " " + timeout + " is negative");
        }
        final long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        final long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - Math.max(0, now) - 1 ? Long.MAX_VALUE : now + nanos;
    }
}
