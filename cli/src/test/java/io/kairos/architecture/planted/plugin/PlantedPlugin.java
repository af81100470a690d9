package io.kairos.architecture.planted.plugin;

/** A planted violation: a "plugin" that reaches into the machinery. */
public final class PlantedPlugin {
    public static Class<?> reach() {
        return io.kairos.internal.conductor.KernelCore.class;
    }
}
