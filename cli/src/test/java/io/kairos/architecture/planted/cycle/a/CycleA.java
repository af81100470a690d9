package io.kairos.architecture.planted.cycle.a;

/** A planted violation: half of a package cycle. */
public final class CycleA {
    public io.kairos.architecture.planted.cycle.b.CycleB other;
}
