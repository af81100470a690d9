package io.kairos;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;
import io.kairos.spi.scheduling.SchedulingStrategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A task's options as one immutable value, built once and given to every {@link Kernel#submit(Object, Object[],
 * TaskOptions)} of tasks submitted alike: the builder-free way to submit, for adapters and loops that submit many
 * tasks (a {@link TaskCaller} is a builder per task). The defaults are {@link TaskCaller}'s: 1 CPU, 3 retries on system
 * failures and none on exceptions, {@link SchedulingStrategy#DEFAULT}, the kernel's isolation. Each {@code with}
 * method returns a new value and validates as {@link TaskCaller}'s setter of the same option does. Thread-safe.
 *
 * <pre>{@code
 * TaskOptions gpu = TaskOptions.DEFAULT.withResource("GPU", 0.5).withMaxRetries(1);
 * ObjectRef<Integer> r = kernel.submit((KFunc1<Integer, Integer>) Demo::square, new Object[] {3}, gpu);
 * }</pre>
 */
public final class TaskOptions {
    /** The defaults, as {@link TaskCaller}'s. */
    public static final TaskOptions DEFAULT = new TaskOptions();

    private String name;
    /** null: the default 1 CPU (whose demand the kernel caches). */
    private Map<String, Double> resources;
    private int maxRetries = 3;
    private boolean retryExceptions;
    private SchedulingStrategy strategy = SchedulingStrategy.DEFAULT;
    private PlacementGroup group;
    private int bundleIndex = -1;
    private Boolean isolated;

    private TaskOptions() {
    }

    private TaskOptions copy() {
        final TaskOptions o = new TaskOptions();
        o.name = name;
        o.resources = resources;
        o.maxRetries = maxRetries;
        o.retryExceptions = retryExceptions;
        o.strategy = strategy;
        o.group = group;
        o.bundleIndex = bundleIndex;
        o.isolated = isolated;
        return o;
    }

    /**
     * These options with the tasks' name (see {@link TaskCaller#setName}).
     *
     * @param name the name, not null
     * @return the new options
     */
    public TaskOptions withName(final String name) {
        final TaskOptions o = copy();
        o.name = Objects.requireNonNull(name, "name");
        return o;
    }

    /**
     * These options asking also for amount of a resource (see {@link TaskCaller#setResource}).
     *
     * @param resource the resource's name
     * @param amount   how much, finite and &gt;= 0; 0 removes it
     * @return the new options
     * @throws IllegalArgumentException if resource is null or amount is null, negative or not finite
     */
    public TaskOptions withResource(final String resource, final Double amount) {
        final Placement placement = placement();
        placement.resource(resource, amount);
        return withPlacement(placement);
    }

    /**
     * These options asking also for each of these resources (see {@link TaskCaller#setResources}).
     *
     * @param amounts resource name to amount
     * @return the new options
     * @throws IllegalArgumentException if a name or an amount is invalid
     */
    public TaskOptions withResources(final Map<String, Double> amounts) {
        final Placement placement = placement();
        placement.resources(amounts);
        return withPlacement(placement);
    }

    /** A task's placement holding these options' resources, to change and validate one. */
    private Placement placement() {
        final Placement placement = new Placement(Map.of("CPU", 1.0));
        if (resources != null) {
            placement.resources(resources);
        }
        return placement;
    }

    private TaskOptions withPlacement(final Placement placement) {
        final TaskOptions o = copy();
        o.resources = placement.resourcesOrNull() == null ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(placement.resourcesOrNull()));
        return o;
    }

    /**
     * These options with another number of retries (see {@link TaskCaller#setMaxRetries}).
     *
     * @param maxRetries &gt;= 0
     * @return the new options
     * @throws IllegalArgumentException if maxRetries is negative
     */
    public TaskOptions withMaxRetries(final int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + " must be >= 0");
        }
        final TaskOptions o = copy();
        o.maxRetries = maxRetries;
        return o;
    }

    /**
     * These options retrying exceptions too, or not (see {@link TaskCaller#setRetryExceptions}).
     *
     * @param retryExceptions true to retry exceptions as well as system failures
     * @return the new options
     */
    public TaskOptions withRetryExceptions(final boolean retryExceptions) {
        final TaskOptions o = copy();
        o.retryExceptions = retryExceptions;
        return o;
    }

    /**
     * These options with a scheduling strategy (see {@link TaskCaller#setSchedulingStrategy}).
     *
     * @param strategy the strategy, not null
     * @return the new options
     */
    public TaskOptions withSchedulingStrategy(final SchedulingStrategy strategy) {
        final TaskOptions o = copy();
        o.strategy = Objects.requireNonNull(strategy, "strategy");
        return o;
    }

    /**
     * These options running the tasks in a bundle of a placement group (see {@link TaskCaller#setPlacementGroup}).
     *
     * @param group       the placement group, not null
     * @param bundleIndex the bundle, 0 to bundleCount - 1, or -1 for any
     * @return the new options
     * @throws IllegalArgumentException if group is null or bundleIndex is outside -1..bundleCount-1
     */
    public TaskOptions withPlacementGroup(final PlacementGroup group, final int bundleIndex) {
        new Placement(Map.of()).placementGroup(group, bundleIndex);  // validates
        final TaskOptions o = copy();
        o.group = group;
        o.bundleIndex = bundleIndex;
        return o;
    }

    /**
     * These options running the tasks in worker processes, or threads of this JVM (see {@link TaskCaller#setIsolated}).
     *
     * @param isolated true for worker processes
     * @return the new options
     */
    public TaskOptions withIsolated(final boolean isolated) {
        final TaskOptions o = copy();
        o.isolated = isolated;
        return o;
    }

    /** Submits function on args with these options (see {@link Kernel#submit(Object, Object[], TaskOptions)}). */
    <R> ObjectRef<R> submit(final Kernel kernel, final Object function, final Object[] args) {
        if (args == null) {
            throw new IllegalArgumentException("args is null");
        }
        final int arity = args.length;
        if (!takes(function, arity)) {
            throw new IllegalArgumentException(function == null ? "function is null" : "function " + function
                + " is not a KFunc" + arity + ", as " + arity + " argument(s) ask");
        }
        return kernel.submit(function, arity, kernel.ownedArgs(args, arity), name, resources, maxRetries,
            retryExceptions, strategy, group, bundleIndex, isolated);
    }

    /** Whether function is the kernel's function type of that arity. */
    static boolean takes(final Object function, final int arity) {
        switch (arity) {
            case 0:
                return function instanceof KFunc0;
            case 1:
                return function instanceof KFunc1;
            case 2:
                return function instanceof KFunc2;
            case 3:
                return function instanceof KFunc3;
            case 4:
                return function instanceof KFunc4;
            case 5:
                return function instanceof KFunc5;
            case 6:
                return function instanceof KFunc6;
            default:
                return false;
        }
    }

    @Override
    public String toString() {
        return "TaskOptions(" + (name != null ? "name " + name + ", " : "") + (resources != null ? resources : "{CPU=1.0}")
            + ", maxRetries " + maxRetries + (retryExceptions ? ", retryExceptions" : "")
            + (strategy != SchedulingStrategy.DEFAULT ? ", " + strategy : "")
            + (group != null ? ", group " + group + " bundle " + bundleIndex : "")
            + (isolated != null ? ", isolated " + isolated : "") + ")";
    }
}
