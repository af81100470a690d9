package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 0 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface KFunc0<R> extends Serializable {
    /**
     * Runs the function.
     *
     * @return the result
     * @throws Exception whatever the function throws: the call fails with it as the cause
     */
    R apply() throws Exception;
}
