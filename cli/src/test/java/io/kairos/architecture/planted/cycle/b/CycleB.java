package io.kairos.architecture.planted.cycle.b;

/** A planted violation: the other half of a package cycle. */
public final class CycleB {
    public io.kairos.architecture.planted.cycle.a.CycleA other;
}
