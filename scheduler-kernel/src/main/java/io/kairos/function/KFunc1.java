package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 1 argument. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 *
 * @param <T0> the type of argument 0
 * @param <R> the result type
 */
@FunctionalInterface
public interface KFunc1<T0, R> extends Serializable {
    /**
     * Runs the function.
     *
     * @param t0 argument 0
     * @return the result
     * @throws Exception whatever the function throws: the call fails with it as the cause
     */
    R apply(T0 t0) throws Exception;
}
