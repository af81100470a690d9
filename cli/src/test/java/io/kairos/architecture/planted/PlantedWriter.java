package io.kairos.architecture.planted;

import io.kairos.architecture.planted.conductor.PlantedState;

/** A planted violation: code outside the conductor's package writing its state. */
public final class PlantedWriter {
    public static void write(final PlantedState state) {
        state.open = 1;
    }
}
