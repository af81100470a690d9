package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 3 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc3<T0, T1, T2, R> extends Serializable {
    R apply(T0 t0, T1 t1, T2 t2) throws Exception;
}
