package io.kairos;

import io.kairos.exception.KernelClosedException;
import io.kairos.exception.PendingCallsLimitExceededException;
import io.kairos.internal.conductor.ActorState;

import java.util.Objects;

/**
 * An actor method call being built: {@link #remote()} submits it and returns the result's {@link ObjectRef} at once.
 *
 * @param <R> the method's result type
 */
public final class ActorTaskCaller<R> {
    private final Kernel kernel;
    private final ActorState actor;
    private final Object method;
    private final int arity;
    private final Object[] args;
    private String name;
    private int concurrencyGroup;

    ActorTaskCaller(final Kernel kernel, final ActorState actor, final Object method, final int arity, final Object[] args) {
        this.kernel = kernel;
        this.actor = actor;
        this.method = method;
        this.arity = arity;
        this.args = args;
    }

    /**
     * The call's name in errors (default: the actor's description).
     *
     * @param name the name, not null
     * @return this caller
     */
    public ActorTaskCaller<R> setName(final String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Runs the call in one of the actor's concurrency groups (see {@link ActorCreator#setConcurrencyGroup}); by default
     * it runs in the actor's default group.
     *
     * @param group the group's name, declared when the actor was created
     * @return this caller
     * @throws IllegalArgumentException if the actor has no group of that name
     */
    public ActorTaskCaller<R> setConcurrencyGroup(final String group) {
        this.concurrencyGroup = actor.groupIndex(Objects.requireNonNull(group, "group"));
        return this;
    }

    /**
     * Submits the call.
     *
     * @return the reference to the call's result, returned at once
     * @throws PendingCallsLimitExceededException if the actor has its maximum of pending calls
     * @throws KernelClosedException              if the kernel is closed
     */
    public ObjectRef<R> remote() {
        return kernel.submitActorCall(actor, method, arity, args, name, concurrencyGroup);
    }
}
