package io.kairos;

import io.kairos.exception.KernelClosedException;
import io.kairos.exception.UnschedulableException;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.Map;
import java.util.Objects;

/**
 * A task call being built, as Ray's {@code TaskCaller}: set options, then {@link #remote()} submits it and returns
 * the result's {@link ObjectRef} at once. By default a task asks for 1 CPU, is retried up to 3 times on system
 * failures (an {@link Error} in the worker) and not on exceptions, and uses {@link SchedulingStrategy#DEFAULT}.
 *
 * @param <R> the function's result type
 */
public final class TaskCaller<R> {
    private final Kernel kernel;
    private final Object function;
    private final int arity;
    private final Object[] args;
    private String name;
    private static final Placement DEFAULTS = new Placement(Map.of("CPU", 1.0));
    private Placement placement = DEFAULTS;  // shared until an option is set: a plain remote() allocates no options
    private int maxRetries = 3;
    private boolean retryExceptions;
    private Boolean isolated;

    TaskCaller(final Kernel kernel, final Object function, final int arity, final Object[] args) {
        this.kernel = kernel;
        this.function = function;
        this.arity = arity;
        this.args = args;
    }

    /**
     * The task's name, shown in errors and listings (default: the function's class).
     *
     * @param name the name, not null
     * @return this caller
     */
    public TaskCaller<R> setName(final String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Asks for amount of a resource (e.g. "GPU", 0.5); 0 removes it. Replaces the default 1 CPU for "CPU".
     *
     * @param resource the resource's name, e.g. "CPU", "GPU" or a custom one the nodes declare
     * @param amount how much, in the resource's units (fractions allowed), finite and &gt;= 0
     * @return this caller
     * @throws IllegalArgumentException if resource is null or amount is null, negative or not finite
     */
    public TaskCaller<R> setResource(final String resource, final Double amount) {
        options().resource(resource, amount);
        return this;
    }

    /**
     * Asks for each of these resources (see {@link #setResource}).
     *
     * @param amounts resource name to amount
     * @return this caller
     * @throws IllegalArgumentException if a name or an amount is invalid, as for {@link #setResource}
     */
    public TaskCaller<R> setResources(final Map<String, Double> amounts) {
        options().resources(amounts);
        return this;
    }

    /**
     * How many times the task is run again after a system failure (and, with setRetryExceptions, an exception).
     *
     * @param maxRetries the number of retries, &gt;= 0 (default 3; 0: never retried)
     * @return this caller
     * @throws IllegalArgumentException if maxRetries is negative
     */
    public TaskCaller<R> setMaxRetries(final int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + " must be >= 0");
        }
        this.maxRetries = maxRetries;
        return this;
    }

    /**
     * Whether an exception the function throws is retried too (up to maxRetries).
     *
     * @param retryExceptions true to retry exceptions as well as system failures (default false)
     * @return this caller
     */
    public TaskCaller<R> setRetryExceptions(final boolean retryExceptions) {
        this.retryExceptions = retryExceptions;
        return this;
    }

    /**
     * Runs the task in a worker process (a separate JVM from the kernel's pool) rather than a thread of this JVM: a
     * crash, System.exit or kill -9 there costs this task one retry, not the kernel. Its function, arguments and
     * result must serialize; large ones go through the shared store. Default: the kernel's
     * {@link KernelContext#isolated}.
     *
     * @param isolated true for a worker process, false for a thread of this JVM
     * @return this caller
     */
    public TaskCaller<R> setIsolated(final boolean isolated) {
        this.isolated = isolated;
        return this;
    }

    /**
     * Where the task may run.
     *
     * @param strategy the strategy, not null (default {@link SchedulingStrategy#DEFAULT})
     * @return this caller
     */
    public TaskCaller<R> setSchedulingStrategy(final SchedulingStrategy strategy) {
        options().strategy(strategy);
        return this;
    }

    /**
     * Runs inside a bundle of a placement group, taking resources from its reservation; bundleIndex -1 takes the
     * first bundle with room.
     *
     * @param group the placement group, not null
     * @param bundleIndex the bundle, 0 to bundleCount - 1, or -1 for any
     * @return this caller
     * @throws IllegalArgumentException if bundleIndex is outside -1..bundleCount-1 or the group is another kernel's
     */
    public TaskCaller<R> setPlacementGroup(final PlacementGroup group, final int bundleIndex) {
        options().placementGroup(group, bundleIndex);
        return this;
    }

    private Placement options() {
        if (placement == DEFAULTS) {
            placement = new Placement(Map.of("CPU", 1.0));
        }
        return placement;
    }

    /**
     * Submits the task.
     *
     * @return the reference to the task's result, returned at once
     * @throws UnschedulableException   if no node can ever satisfy its resources
     * @throws IllegalArgumentException for an unknown resource or a bad amount (the message names it)
     * @throws KernelClosedException    if the kernel is closed
     */
    public ObjectRef<R> remote() {
        return kernel.submit(function, arity, args, name, placement.resourcesOrNull(), maxRetries, retryExceptions,
            placement.strategy, placement.group, placement.bundleIndex, isolated);
    }

}
