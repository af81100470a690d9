package io.kairos.architecture.planted.conductor;

/** A planted violation: conductor-owned state with a public mutable field. */
public final class PlantedState {
    public int open;
}
