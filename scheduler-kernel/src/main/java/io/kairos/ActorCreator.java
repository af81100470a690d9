package io.kairos;

import io.kairos.exception.UnschedulableException;
import io.kairos.spi.scheduling.SchedulingStrategy;

import io.kairos.internal.conductor.ActorOptions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An actor being built, as Ray's {@code ActorCreator}: set options, then {@link #remote()} creates it (its constructor
 * runs on a worker of its own) and returns its {@link ActorHandle} at once. By default an actor holds no resources
 * while it lives, runs one call at a time, is not restarted, retries no call and has no limit on pending calls.
 *
 * @param <A> the actor's class
 */
public final class ActorCreator<A> {
    private final Kernel kernel;
    private final Object constructor;
    private final int arity;
    private final Object[] args;
    private String name;
    private final Placement placement = new Placement(Map.of());
    private int maxConcurrency = 1;
    private int maxRestarts;
    private int maxPendingCalls = -1;
    private Boolean isolated;
    /** The most concurrency groups an actor may declare. */
    public static final int MAX_CONCURRENCY_GROUPS = 1024;

    private int maxTaskRetries;
    private boolean detached;
    /** Named concurrency groups in declaration order, or null. */
    private LinkedHashMap<String, Integer> groups;

    ActorCreator(final Kernel kernel, final Object constructor, final int arity, final Object[] args) {
        this.kernel = kernel;
        this.constructor = constructor;
        this.arity = arity;
        this.args = args;
    }

    /**
     * Makes it a named actor, found with {@link Kernel#getActor(String)}; names are unique per kernel.
     *
     * @param name the name, not blank (default: unnamed)
     * @return this creator
     * @throws IllegalArgumentException if name is null or blank
     */
    public ActorCreator<A> setName(final String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("actor name must be non-blank, was " + (name == null ? "null" : "'" + name + "'"));
        }
        this.name = name;
        return this;
    }

    /**
     * A resource the actor holds for its lifetime (e.g. "GPU", 1.0); 0 holds none.
     *
     * @param resource the resource's name, e.g. "CPU", "GPU" or a custom one the nodes declare
     * @param amount how much, in the resource's units (fractions allowed), finite and &gt;= 0
     * @return this creator
     * @throws IllegalArgumentException if resource is null or amount is null, negative or not finite
     */
    public ActorCreator<A> setResource(final String resource, final Double amount) {
        placement.resource(resource, amount);
        return this;
    }

    /**
     * Resources the actor holds for its lifetime (see {@link #setResource}).
     *
     * @param amounts resource name to amount
     * @return this creator
     * @throws IllegalArgumentException if a name or an amount is invalid, as for {@link #setResource}
     */
    public ActorCreator<A> setResources(final Map<String, Double> amounts) {
        placement.resources(amounts);
        return this;
    }

    /**
     * How many calls may run at once (each on its own worker thread); 1 keeps calls strictly ordered.
     *
     * @param maxConcurrency 1 to 1024 (default 1)
     * @return this creator
     * @throws IllegalArgumentException if maxConcurrency is outside 1..1024
     */
    public ActorCreator<A> setMaxConcurrency(final int maxConcurrency) {
        if (maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new IllegalArgumentException("maxConcurrency " + maxConcurrency + " is outside 1..1024");
        }
        this.maxConcurrency = maxConcurrency;
        return this;
    }

    /**
     * How many times the actor is recreated after it crashes (an Error) or is killed without noRestart.
     *
     * @param maxRestarts the number of restarts, &gt;= 0 (default 0: never restarted)
     * @return this creator
     * @throws IllegalArgumentException if maxRestarts is negative
     */
    public ActorCreator<A> setMaxRestarts(final int maxRestarts) {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts " + maxRestarts + " must be >= 0");
        }
        this.maxRestarts = maxRestarts;
        return this;
    }

    /**
     * Makes the actor detached, as Ray's {@code lifetime="detached"}: in a cluster it outlives this kernel. When this
     * kernel leaves (closes or dies), the member the actor lives on keeps it alive and takes its name over, so other
     * drivers still find it by name ({@link Kernel#getActor}); it lives until killed or until its member leaves.
     * On one machine the actor lives until it is killed or the kernel closes, as any actor. Name it: a detached actor
     * without a name cannot be found once its creator is gone.
     *
     * @param detached whether the actor outlives this kernel (default false)
     * @return this creator
     */
    public ActorCreator<A> setDetached(final boolean detached) {
        this.detached = detached;
        return this;
    }

    /**
     * How many times a call is run again when it fails because its actor died under it (a crash: an Error thrown by
     * a method, or the death of the actor's worker process; or a kill without noRestart) and the actor restarts, as
     * Ray's {@code max_task_retries}. The call runs again on the restarted actor, before the calls queued behind it; an
     * exception the method throws is the call's result and is never retried. Needs {@link #setMaxRestarts}: a call
     * whose actor is dead for good fails.
     *
     * @param maxTaskRetries the number of retries, &gt;= 0, or -1 for no limit (default 0: a call is not retried)
     * @return this creator
     * @throws IllegalArgumentException if maxTaskRetries is below -1
     */
    public ActorCreator<A> setMaxTaskRetries(final int maxTaskRetries) {
        if (maxTaskRetries < -1) {
            throw new IllegalArgumentException("maxTaskRetries " + maxTaskRetries + " must be -1 (no limit) or >= 0");
        }
        this.maxTaskRetries = maxTaskRetries == -1 ? Integer.MAX_VALUE : maxTaskRetries;
        return this;
    }

    /**
     * Declares a concurrency group, as Ray's: calls bound to it ({@link ActorTaskCaller#setConcurrencyGroup}) run at
     * most maxConcurrency at once, whatever the actor's other groups run; calls bound to no group are the default
     * group's, limited by {@link #setMaxConcurrency}. Each group holds back only its own calls, which start in
     * submission order within the group. Not for an isolated actor (it runs one call at a time).
     *
     * @param name           the group's name, not blank, unique among the actor's groups (at most
     *                       {@value #MAX_CONCURRENCY_GROUPS} groups)
     * @param maxConcurrency its limit of calls at once, 1 to 1024
     * @return this creator
     * @throws IllegalArgumentException if name is blank or declared already, maxConcurrency is outside 1..1024, or
     *                                  the actor has {@value #MAX_CONCURRENCY_GROUPS} groups already
     */
    public ActorCreator<A> setConcurrencyGroup(final String name, final int maxConcurrency) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("concurrency group name must be non-blank, was "
                + (name == null ? "null" : "'" + name + "'"));
        }
        if (maxConcurrency < 1 || maxConcurrency > 1024) {
            throw new IllegalArgumentException("concurrency group '" + name + "': maxConcurrency " + maxConcurrency
                + " is outside 1..1024");
        }
        if (groups == null) {
            groups = new LinkedHashMap<>();
        }
        if (groups.size() == MAX_CONCURRENCY_GROUPS) {
            throw new IllegalArgumentException("concurrency group '" + name + "': an actor has at most "
                + MAX_CONCURRENCY_GROUPS + " groups");
        }
        if (groups.putIfAbsent(name, maxConcurrency) != null) {
            throw new IllegalArgumentException("concurrency group '" + name + "' is declared twice");
        }
        return this;
    }

    /**
     * The most calls that may be pending (queued or running); a call beyond it is refused with a
     * {@link io.kairos.exception.PendingCallsLimitExceededException}.
     *
     * @param maxPendingCalls the limit, &gt;= 1, or -1 for no limit (the default)
     * @return this creator
     * @throws IllegalArgumentException if maxPendingCalls is 0 or below -1
     */
    public ActorCreator<A> setMaxPendingCalls(final int maxPendingCalls) {
        if (maxPendingCalls == 0 || maxPendingCalls < -1) {
            throw new IllegalArgumentException("maxPendingCalls " + maxPendingCalls + " must be -1 (no limit) or >= 1");
        }
        this.maxPendingCalls = maxPendingCalls;
        return this;
    }

    /**
     * Keeps the actor in a worker process of its own (a separate JVM): its crash, System.exit or kill -9 restarts it
     * (within maxRestarts) and fails only the call it was running. Calls run one at a time (maxConcurrency 1); the
     * constructor, arguments and results must serialize. Default: the kernel's {@link KernelContext#isolated}.
     *
     * @param isolated true for a worker process of its own, false for threads of this JVM
     * @return this creator
     */
    public ActorCreator<A> setIsolated(final boolean isolated) {
        this.isolated = isolated;
        return this;
    }

    /**
     * Where the actor may be placed.
     *
     * @param strategy the strategy, not null (default {@link SchedulingStrategy#DEFAULT})
     * @return this creator
     */
    public ActorCreator<A> setSchedulingStrategy(final SchedulingStrategy strategy) {
        placement.strategy(strategy);
        return this;
    }

    /**
     * Runs inside a bundle of a placement group, taking resources from its reservation; bundleIndex -1 takes the
     * first bundle with room.
     *
     * @param group the placement group, not null
     * @param bundleIndex the bundle, 0 to bundleCount - 1, or -1 for any
     * @return this creator
     * @throws IllegalArgumentException if bundleIndex is outside -1..bundleCount-1 or the group is another kernel's
     */
    public ActorCreator<A> setPlacementGroup(final PlacementGroup group, final int bundleIndex) {
        placement.placementGroup(group, bundleIndex);
        return this;
    }

    /**
     * Creates the actor.
     *
     * @return the actor's handle, returned at once (before the constructor has run)
     * @throws IllegalArgumentException if the name is taken or a resource is unknown
     * @throws UnschedulableException   if no node can ever hold its resources
     */
    public ActorHandle<A> remote() {
        final ActorOptions options = maxTaskRetries == 0 && groups == null && !detached ? null
            : new ActorOptions(maxTaskRetries, groups == null ? Map.of() : groups, detached);
        return kernel.createActor(constructor, arity, args, name, placement.resourcesOrNull(), maxConcurrency,
            maxRestarts, maxPendingCalls, placement.strategy, placement.group, placement.bundleIndex, isolated, options);
    }
}
