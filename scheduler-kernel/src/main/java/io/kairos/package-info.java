/**
 * Kairos' public API: start a {@link io.kairos.Kernel} from a {@link io.kairos.KernelContext}, submit tasks and
 * actors, share objects through {@link io.kairos.ObjectRef}s, reserve {@link io.kairos.PlacementGroup}s. Everything
 * an embedder uses is here, in {@code io.kairos.function} and in {@code io.kairos.exception}; the machinery lives
 * under {@code io.kairos.internal} and is not for embedders.
 */
package io.kairos;
