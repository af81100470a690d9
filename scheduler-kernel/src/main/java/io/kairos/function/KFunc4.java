package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 4 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc4<T0, T1, T2, T3, R> extends Serializable {
    R apply(T0 t0, T1 t1, T2 t2, T3 t3) throws Exception;
}
