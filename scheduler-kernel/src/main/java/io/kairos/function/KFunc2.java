package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 2 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc2<T0, T1, R> extends Serializable {
    R apply(T0 t0, T1 t1) throws Exception;
}
