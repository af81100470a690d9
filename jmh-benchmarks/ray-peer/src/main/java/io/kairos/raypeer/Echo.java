package io.kairos.raypeer;

/**
 * The actor the actor benchmarks call: its methods do nothing but return, so a call measures Ray's
 * own path (submission, scheduling on the actor's executor, result store, get).
 *
 * <p>Public because Ray finds actor classes and methods by reflection.
 */
public final class Echo {

    /** Creates the actor's state (none). Ray calls it through {@code Ray.actor(Echo::new)}. */
    public Echo() {
    }

    /**
     * The no-argument call.
     *
     * @return always 0
     */
    public Integer echo() {
        return 0;
    }

    /**
     * The call with one argument, passed by the benchmark as an {@code ObjectRef} that Ray resolves.
     *
     * @param x the resolved argument
     * @return {@code x}
     */
    public Integer echoArg(final Integer x) {
        return x;
    }
}
