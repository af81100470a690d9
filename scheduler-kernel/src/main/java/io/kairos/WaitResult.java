package io.kairos;

import java.util.List;

/**
 * What {@link Kernel#wait} found: the refs that are ready (done, successfully or not) and those that are not, each
 * in the order given.
 *
 * @param ready   the refs that are done, in the order given
 * @param unready the refs that are not done yet, in the order given
 * @param <T>     the values' type
 */
public record WaitResult<T>(List<ObjectRef<T>> ready, List<ObjectRef<T>> unready) {
}
