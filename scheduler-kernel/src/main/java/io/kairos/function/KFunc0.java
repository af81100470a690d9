package io.kairos.function;

import java.io.Serializable;

/**
 * A task function of 0 arguments. Serializable, so a method reference or lambda can later travel to another process or
 * node; a method reference (e.g. {@code Demo::square}) is the usual form.
 */
@FunctionalInterface
public interface KFunc0<R> extends Serializable {
    R apply() throws Exception;
}
