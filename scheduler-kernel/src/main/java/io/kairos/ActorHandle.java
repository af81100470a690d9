package io.kairos;

import io.kairos.internal.conductor.ActorState;

/**
 * A handle to an actor: call its methods with {@code task(A::method, args...).remote()}. Calls submitted through
 * handles run in submission order (with max concurrency 1); each returns an {@link ObjectRef} at once. Thread-safe;
 * handles to the same actor are interchangeable.
 *
 * @param <A> the actor's class
 */
public final class ActorHandle<A> extends ActorCalls<A> {
    private final Kernel kernel;
    final ActorState state;

    ActorHandle(final Kernel kernel, final ActorState state) {
        this.kernel = kernel;
        this.state = state;
    }

    @Override
    <R> ActorTaskCaller<R> newCall(final Object method, final int arity, final Object[] args) {
        if (method == null) {
            throw new IllegalArgumentException("method is null");
        }
        if (state.kindKnown() && method instanceof io.kairos.internal.worker.PythonFunction != state.isPython()) {
            throw new IllegalArgumentException(state.describe() + (state.isPython()
                ? " is a Python actor: call its methods by name, task(\"method\", args...)"
                : " is a Java actor: call its methods by reference, task(A::method, args...)"));
        }
        return new ActorTaskCaller<>(kernel, state, method, arity, args);
    }

    /**
     * Submits a call without a builder: the method (a {@code KFunc1} to {@code KFunc6} whose first parameter is the
     * actor, e.g. {@code Counter::add}) on args. For adapters and submit loops: it makes no {@link ActorTaskCaller}
     * and does not copy args. Otherwise as {@code task(method, args...).setName(name)
     * .setConcurrencyGroup(group).remote()}.
     *
     * @param method           the method, a {@code KFuncN} with N = args.length + 1
     * @param args             the arguments after the actor, each a value or an {@link ObjectRef} of this kernel; the
     *                         kernel keeps the array, which the caller must not change afterwards
     * @param name             the call's name in errors, or null for the default
     * @param concurrencyGroup the concurrency group to run in, or null for the default group
     * @param <R>              the method's result type
     * @return the reference to the call's result, returned at once
     * @throws IllegalArgumentException if method is not a KFunc of args.length + 1 parameters, an argument is another
     *                                  kernel's ObjectRef, or the actor has no such concurrency group
     * @throws io.kairos.exception.PendingCallsLimitExceededException if the actor has its maximum of pending calls
     * @throws io.kairos.exception.KernelClosedException              if the kernel is closed
     */
    public <R> ObjectRef<R> submit(final Object method, final Object[] args, final String name,
                                   final String concurrencyGroup) {
        if (args == null) {
            throw new IllegalArgumentException("args is null");
        }
        if (!TaskOptions.takes(method, args.length + 1)) {
            throw new IllegalArgumentException(method == null ? "method is null" : "method " + method + " is not a KFunc"
                + (args.length + 1) + ", as the actor and " + args.length + " argument(s) ask");
        }
        return kernel.submitActorCall(state, method, args.length, args, name,
            concurrencyGroup == null ? 0 : state.groupIndex(concurrencyGroup));
    }

    /**
     * This actor's id.
     *
     * @return the id, unique within its kernel
     */
    public long id() {
        return state.id();
    }

    /**
     * The actor's name.
     *
     * @return the name given with {@link ActorCreator#setName}, or null for an unnamed actor
     */
    public String name() {
        return state.name();
    }

    /**
     * Whether the actor is alive (created and not dead); a snapshot.
     *
     * @return true while it is alive
     */
    public boolean isAlive() {
        return state.status() == ActorState.Status.ALIVE;
    }

    /**
     * The node the actor lives on while it is alive (on a cluster of kernels, possibly another member's node); a
     * snapshot, for a library that feeds work to the actor whose node holds its input ({@link ObjectRef#heldOnNode}).
     *
     * @return the node's id, or null while the actor is being created, restarted, or after it died
     */
    public String nodeId() {
        return state.nodeId();
    }

    @Override
    public String toString() {
        return "ActorHandle(" + state.describe() + ", " + state.status() + ")";
    }
}
