package io.kairos.property;

import java.util.function.LongConsumer;

/** Runs a property over seeds baseSeed, baseSeed + 1, ...; a failure names its seed and how to replay it alone. */
public final class SeededCases {
    private SeededCases() {
    }

    /**
     * @param property named in a failure
     * @param owner    the test class, whose static replay(long) runs one seed
     * @param baseSeed the first seed
     * @param cases    how many seeds
     * @param replay   checks the property for one seed
     */
    public static void run(final String property, final Class<?> owner, final long baseSeed, final int cases,
                           final LongConsumer replay) {
        for (int i = 0; i < cases; i++) {
            final long seed = baseSeed + i;
            try {
                replay.accept(seed);
            } catch (final AssertionError | RuntimeException e) {
                throw new AssertionError(property + " failed for seed " + seed + " (base seed " + baseSeed + ", case "
                    + i + "; replay with " + owner.getSimpleName() + ".replay(" + seed + "L)): " + e, e);
            }
        }
    }
}
