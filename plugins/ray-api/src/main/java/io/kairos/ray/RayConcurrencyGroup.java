package io.kairos.ray;

import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.function.RayFunc;

import java.util.ArrayList;
import java.util.List;

/**
 * A concurrency group as declared with Ray's {@code ConcurrencyGroupBuilder} or its {@code @DefConcurrencyGroup}
 * annotation ({@link RayConcurrencyAnnotations}): the kernel's actor gets a group of that name and limit
 * ({@code ActorCreator.setConcurrencyGroup}), and calls of the methods declared in it, or calls given the group with
 * {@code setConcurrencyGroup(name)}, run in it: at most maxConcurrency at once, whatever the actor's other groups run.
 * Other calls run in the default group, limited by the actor's {@code setMaxConcurrency}.
 *
 * @param name           the group's name
 * @param maxConcurrency its limit
 * @param methods        the methods declared in it, as {@link RayFunctions#methodKey} names them
 */
record RayConcurrencyGroup(String name, int maxConcurrency, List<String> methods) implements ConcurrencyGroup {

    /**
     * A group of Ray functions (method references), checked.
     *
     * @throws IllegalArgumentException if maxConcurrency is below 1 or a function is not a method reference or
     *                                  serializable lambda
     */
    static RayConcurrencyGroup of(final String name, final int maxConcurrency, final List<RayFunc> functions) {
        checkLimit(name, maxConcurrency);
        final List<String> methods = new ArrayList<>(functions.size());
        for (final RayFunc function : functions) {
            final String key = RayFunctions.methodKey(function);
            if (key == null) {
                throw new IllegalArgumentException("concurrency group " + name + ": " + function
                    + " is not a method reference or serializable lambda");
            }
            methods.add(key);
        }
        return new RayConcurrencyGroup(name, maxConcurrency, List.copyOf(methods));
    }

    static void checkLimit(final String name, final int maxConcurrency) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("concurrency group " + name + ": maxConcurrency " + maxConcurrency
                + " must be >= 1");
        }
    }
}
