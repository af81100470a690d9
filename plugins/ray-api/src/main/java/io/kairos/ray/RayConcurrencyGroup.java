package io.kairos.ray;

import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.function.RayFunc;

import java.util.List;

/**
 * A concurrency group as declared with Ray's {@code ConcurrencyGroupBuilder}: the kernel's actor gets a group of that
 * name and limit ({@code ActorCreator.setConcurrencyGroup}), and calls of the methods declared in it, or calls given
 * the group with {@code setConcurrencyGroup(name)}, run in it: at most maxConcurrency at once, whatever the actor's
 * other groups run. Other calls run in the default group, limited by the actor's {@code setMaxConcurrency}.
 *
 * @param name           the group's name
 * @param maxConcurrency its limit
 * @param functions      the methods declared in it
 */
record RayConcurrencyGroup(String name, int maxConcurrency, List<RayFunc> functions) implements ConcurrencyGroup {
}
