package io.kairos.value;

import java.util.Arrays;

/**
 * A Python value that the cross-language format cannot express (a class instance, a set, a tuple kept as a tuple...),
 * as Python pickled it: Java holds it and passes it on to other Python tasks and actors unchanged, but cannot read it.
 * Values both languages read (numbers, strings, bytes, lists, maps, {@link Tensor}s) come back as Java values instead.
 * Immutable, thread-safe.
 */
public final class PythonValue {
    private final byte[] pickle;

    /**
     * A value from its pickle.
     *
     * @param pickle the bytes of {@code pickle.dumps(value, protocol=5)}, not null; copied
     */
    public PythonValue(final byte[] pickle) {
        this.pickle = pickle.clone();
    }

    /**
     * The pickle.
     *
     * @return a copy of its bytes
     */
    public byte[] pickle() {
        return pickle.clone();
    }

    /**
     * The pickle's length.
     *
     * @return bytes
     */
    public int length() {
        return pickle.length;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof PythonValue && Arrays.equals(((PythonValue) o).pickle, pickle);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pickle);
    }

    @Override
    public String toString() {
        return "PythonValue(" + pickle.length + " bytes of pickle)";
    }
}
