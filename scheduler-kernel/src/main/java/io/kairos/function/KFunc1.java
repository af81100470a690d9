package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 1 argument. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc1<T0, R> extends Serializable {
    R apply(T0 t0) throws Exception;
}
