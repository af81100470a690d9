package io.kairos.spi.scheduling;

/**
 * Chooses a node for a request. One implementation per {@link SchedulingStrategy.Kind}; the kernel dispatches on
 * the request's strategy. Called by the kernel's conductor only, one call at a time (on its thread, or on a caller's
 * thread that runs a duty cycle for it while waiting in get): implementations need no synchronisation, must not
 * block, and should not allocate on the success path.
 */
public interface SchedulingPolicy {
    /** The strategy family this policy serves. */
    SchedulingStrategy.Kind kind();

    /**
     * @param demand   fixed-point amounts indexed by {@link ClusterView#resourceIndex(String)}
     * @param strategy the request's strategy, of this policy's {@link #kind()}
     */
    SchedulingResult schedule(long[] demand, SchedulingStrategy strategy, ClusterView cluster);
}
