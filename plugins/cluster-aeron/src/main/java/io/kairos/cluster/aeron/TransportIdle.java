package io.kairos.cluster.aeron;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How a member's transport thread ({@link TransportDuty}: its media driver and its receiving) waits for work, chosen
 * with the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code hot} (the default): after work it keeps polling for {@value #HOT_WINDOW_US} µs, yielding the CPU
 *   between polls (an answer usually comes within that window: a round trip takes tens of µs), then parks with a
 *   backoff up to {@value #MAX_PARK_US} µs; a member that sends wakes it;</li>
 *   <li>{@code backoff}: no window: it parks as soon as a poll finds nothing (1 µs, doubling up to the same
 *   {@value #MAX_PARK_US} µs): the least CPU when traffic is sparse, a round trip of hundreds of µs;</li>
 *   <li>{@code spin}: never parks, for machines with a core to spare per member.</li>
 * </ul>
 */
public enum TransportIdle {
    HOT,
    BACKOFF,
    SPIN;

    /** The system property that chooses it. */
    public static final String PROPERTY = "kairos.cluster.idle";
    /** The longest park of the transport thread, in µs. */
    public static final long MAX_PARK_US = 100;
    /** How long the {@code hot} mode polls after the last work before it parks, in µs. */
    public static final long HOT_WINDOW_US = 500;

    /**
     * The mode the system property names ({@code hot} when unset).
     *
     * @throws IllegalArgumentException naming the property and its values when it names none of them
     */
    public static TransportIdle fromSystemProperty() {
        final String value = System.getProperty(PROPERTY, "hot").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "hot" -> HOT;
            case "backoff" -> BACKOFF;
            case "spin" -> SPIN;
            default -> throw new IllegalArgumentException(PROPERTY + " must be hot, backoff or spin, was '"
                + System.getProperty(PROPERTY) + "'");
        };
    }

    /** A new strategy for a transport thread. */
    IdleStrategy newStrategy() {
        final long maxParkNs = TimeUnit.MICROSECONDS.toNanos(MAX_PARK_US);
        return switch (this) {
            case HOT -> new HotWindowIdleStrategy(TimeUnit.MICROSECONDS.toNanos(HOT_WINDOW_US), 1_000, maxParkNs);
            case BACKOFF -> new HotWindowIdleStrategy(0, 1_000, maxParkNs);
            case SPIN -> new BusySpinIdleStrategy();
        };
    }
}
