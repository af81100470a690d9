package io.kairos.cluster.aeron;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Locale;

/**
 * How a member's transport threads (its media driver and its receiver) wait for work, chosen with the system
 * property {@value #PROPERTY}: {@code backoff} (the default) spins briefly, then parks (the receiver up to
 * {@value #MAX_PARK_US} µs, the driver up to 1 ms), which many JVMs on few cores can afford; {@code spin} never parks, for machines with a
 * core to spare per member, where a cross-node round trip costs tens of microseconds, not hundreds.
 */
public enum TransportIdle {
    BACKOFF,
    SPIN;

    /** The system property that chooses it. */
    public static final String PROPERTY = "kairos.cluster.idle";
    /** The longest park of the receiver in the backoff mode, in µs. */
    public static final long MAX_PARK_US = 100;

    /**
     * The mode the system property names ({@code backoff} when unset).
     *
     * @throws IllegalArgumentException naming the property and its values when it names neither
     */
    public static TransportIdle fromSystemProperty() {
        final String value = System.getProperty(PROPERTY, "backoff").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "backoff" -> BACKOFF;
            case "spin" -> SPIN;
            default -> throw new IllegalArgumentException(PROPERTY + " must be backoff or spin, was '"
                + System.getProperty(PROPERTY) + "'");
        };
    }

    /** A new strategy for the member's receiver thread. */
    IdleStrategy newStrategy() {
        return this == SPIN ? new BusySpinIdleStrategy()
            : new BackoffIdleStrategy(64, 16, 1_000, MAX_PARK_US * 1_000);
    }

    /**
     * A new strategy for the member's media driver: Agrona's default backoff (10 spins, 5 yields, parks up to 1 ms).
     * On a few shared cores its spinning takes the CPU the conductor and the workers need: with the receiver's 64
     * spins and 16 yields the round trip went from 280 to 650 µs here, and a shorter park bought nothing (288 µs).
     */
    IdleStrategy newDriverStrategy() {
        return this == SPIN ? new BusySpinIdleStrategy() : new BackoffIdleStrategy(10, 5, 1_000, 1_000_000);
    }
}
