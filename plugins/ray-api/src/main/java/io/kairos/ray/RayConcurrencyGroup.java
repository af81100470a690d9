package io.kairos.ray;

import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.function.RayFunc;

import java.util.List;

/**
 * A concurrency group as declared with Ray's {@code ConcurrencyGroupBuilder}. The kernel has one concurrency limit per
 * actor, so an actor with groups may run as many calls at once as its own limit and its groups' together (at most
 * 1,024); calls are not kept to their group's limit.
 *
 * @param name           the group's name
 * @param maxConcurrency its limit
 * @param functions      the methods declared in it
 */
record RayConcurrencyGroup(String name, int maxConcurrency, List<RayFunc> functions) implements ConcurrencyGroup {
}
