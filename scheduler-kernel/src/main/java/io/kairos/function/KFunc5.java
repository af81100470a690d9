package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 5 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 *
 * @param <T0> the type of argument 0
 * @param <T1> the type of argument 1
 * @param <T2> the type of argument 2
 * @param <T3> the type of argument 3
 * @param <T4> the type of argument 4
 * @param <R> the result type
 */
@FunctionalInterface
public interface KFunc5<T0, T1, T2, T3, T4, R> extends Serializable {
    /**
     * Runs the function.
     *
     * @param t0 argument 0
     * @param t1 argument 1
     * @param t2 argument 2
     * @param t3 argument 3
     * @param t4 argument 4
     * @return the result
     * @throws Exception whatever the function throws: the call fails with it as the cause
     */
    R apply(T0 t0, T1 t1, T2 t2, T3 t3, T4 t4) throws Exception;
}
