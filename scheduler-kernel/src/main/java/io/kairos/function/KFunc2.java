package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 2 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 *
 * @param <T0> the type of argument 0
 * @param <T1> the type of argument 1
 * @param <R> the result type
 */
@FunctionalInterface
public interface KFunc2<T0, T1, R> extends Serializable {
    /**
     * Runs the function.
     *
     * @param t0 argument 0
     * @param t1 argument 1
     * @return the result
     * @throws Exception whatever the function throws: the call fails with it as the cause
     */
    R apply(T0 t0, T1 t1) throws Exception;
}
