package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 6 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc6<T0, T1, T2, T3, T4, T5, R> extends Serializable {
    R apply(T0 t0, T1 t1, T2 t2, T3 t3, T4 t4, T5 t5) throws Exception;
}
