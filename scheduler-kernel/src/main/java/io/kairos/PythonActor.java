package io.kairos;

/**
 * The Java type of a Python actor's handle ({@link Kernel#pyActor}): a marker, never instantiated. Call the actor's
 * methods by name, {@code handle.task("method", args...)}.
 */
public final class PythonActor {
    private PythonActor() {
    }
}
