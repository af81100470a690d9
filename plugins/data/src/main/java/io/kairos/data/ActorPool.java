package io.kairos.data;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a stateful stage runs ({@link Dataset#mapBatches(io.kairos.function.KFunc0, ActorPool, int)}): in a pool of
 * actors, each holding one instance of the stage's function (a model loaded once), between min and max of them. The
 * pool grows by one actor while blocks wait for the stage and every actor has two calls queued (each actor is fed up
 * to two blocks ahead), and shrinks when an actor has had nothing to do for the idle timeout, down to min. Each actor
 * holds the resources given here (fractional GPUs are packed onto devices by the kernel). Immutable.
 *
 * @param min         actors kept, &gt;= 1
 * @param max         actors at most, &gt;= min
 * @param resources   what each actor holds (e.g. {@code GPU=0.5}); empty: the kernel's default for actors
 * @param idleTimeout how long an actor may have nothing to do before the pool lets it go (above min)
 */
public record ActorPool(int min, int max, Map<String, Double> resources, Duration idleTimeout) {
    /** An actor with nothing to do for this long goes, unless the pool is at its minimum. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if min &lt; 1, max &lt; min, a resource is negative or the timeout negative
     */
    public ActorPool {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("ActorPool: min " + min + " must be >= 1 and max " + max + " >= min");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(resources, "resources");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("ActorPool: idleTimeout " + idleTimeout + " is negative");
        }
        for (final Map.Entry<String, Double> r : resources.entrySet()) {
            if (r.getValue() == null || r.getValue() < 0) {
                throw new IllegalArgumentException("ActorPool: resource " + r.getKey() + " = " + r.getValue()
                    + " must be >= 0");
            }
        }
        resources = Map.copyOf(resources);
    }

    /**
     * A pool of min to max actors, no resources asked, the default idle timeout.
     *
     * @param min actors kept, &gt;= 1
     * @param max actors at most, &gt;= min
     * @return the pool
     */
    public static ActorPool of(final int min, final int max) {
        return new ActorPool(min, max, Map.of(), DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * The same pool, each actor holding this share of a GPU.
     *
     * @param gpus GPUs per actor, &gt;= 0 (0.5: two actors share a device)
     * @return the pool
     */
    public ActorPool gpus(final double gpus) {
        return resource("GPU", gpus);
    }

    /**
     * The same pool, each actor holding amount of a resource.
     *
     * @param name   the resource (CPU, GPU, or one the kernel's nodes declare)
     * @param amount how much, &gt;= 0
     * @return the pool
     */
    public ActorPool resource(final String name, final double amount) {
        final Map<String, Double> r = new LinkedHashMap<>(resources);
        r.put(Objects.requireNonNull(name, "name"), amount);
        return new ActorPool(min, max, r, idleTimeout);
    }

    /**
     * The same pool with another idle timeout.
     *
     * @param timeout how long an actor may have nothing to do before it goes (above min)
     * @return the pool
     */
    public ActorPool idleTimeout(final Duration timeout) {
        return new ActorPool(min, max, resources, timeout);
    }
}
