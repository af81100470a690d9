package io.kairos.internal.cluster;

import io.kairos.spi.scheduling.FixedPoint;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The resource names the kernel knows and their indices in fixed-point demand arrays ({@link FixedPoint}). The
 * built-in resources sit at fixed indices ({@link #CPU}, {@link #GPU}, {@link #MEMORY},
 * {@link #OBJECT_STORE_MEMORY}); custom resources (e.g. "TPU") are appended by {@link #register(String)}.
 *
 * <p>Thread-safety: registration happens while the kernel is being built (nodes register the resources they
 * declare) or on the conductor (a cluster member that joins later brings its own); lookups and {@link #demand(Map)}
 * are safe from any thread meanwhile (a name is published to lookups only after its index is taken).
 */
public final class ResourceRegistry {
    public static final int CPU = 0;
    public static final int GPU = 1;
    public static final int MEMORY = 2;
    public static final int OBJECT_STORE_MEMORY = 3;
    /** Device memory in bytes, accounted per GPU instance: a request's amount is needed on each device it takes. */
    public static final int GPU_MEMORY = 4;

    /** What a resource name may look like. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9_./:-]{1,64}");

    private final List<String> names = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> indices = new ConcurrentHashMap<>();

    public ResourceRegistry() {
        register("CPU");
        register("GPU");
        register("memory");
        register("object_store_memory");
        register("GPU_memory");
    }

    /**
     * Registers a resource name, returning its index (the existing one if already registered).
     *
     * @throws IllegalArgumentException if the name is empty or does not match {@link #NAME_PATTERN}
     */
    public synchronized int register(final String name) {
        final Integer existing = name == null ? null : indices.get(name);
        if (existing != null) {
            return existing;
        }
        validateName(name);
        final int index = names.size();
        names.add(name);
        indices.put(name, index);
        return index;
    }

    /** The index of a resource, or -1 if unknown. */
    public int indexOf(final String name) {
        final Integer index = name == null ? null : indices.get(name);
        return index == null ? -1 : index;
    }

    /** The name of the resource at an index. */
    public String name(final int index) {
        if (index < 0 || index >= names.size()) {
            throw new IllegalArgumentException("resource index " + index + " is outside 0.." + (names.size() - 1));
        }
        return names.get(index);
    }

    /** How many resources are registered; demand arrays have this length. */
    public int count() {
        return names.size();
    }

    /**
     * Converts a demand in units to a new fixed-point array of length {@link #count()}.
     *
     * @throws IllegalArgumentException naming the resource and the limit: an unknown resource, an amount that is
     *                                  negative, not finite, too big or below the smallest unit, or a GPU amount
     *                                  above 1 that is not a whole number
     */
    public long[] demand(final Map<String, Double> amounts) {
        if (amounts == null) {
            throw new IllegalArgumentException("resources must be a map of resource name to amount, was null");
        }
        long[] demand = new long[names.size()];
        for (final Map.Entry<String, Double> entry : amounts.entrySet()) {
            final String name = entry.getKey();
            final int index = indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("unknown resource '" + name + "'; known: " + String.join(", ", names));
            }
            if (index >= demand.length) {  // registered by a joining cluster member meanwhile
                demand = Arrays.copyOf(demand, index + 1);
            }
            final long amount = amount(entry.getValue(), "resource '" + name + "'");
            if (index == GPU && amount > FixedPoint.SCALE && amount % FixedPoint.SCALE != 0) {
                throw new IllegalArgumentException(name + " " + format(amount) + ": amounts above 1 must be whole numbers");
            }
            demand[index] = amount;
        }
        return demand;
    }

    /** Validates an amount in units and converts it to fixed point; field names it in errors. */
    static long amount(final Double units, final String field) {
        if (units == null) {
            throw new IllegalArgumentException(field + " amount must be a number, was null");
        }
        final long amount = FixedPoint.fromUnits(units, field);
        if (amount == 0 && units > 0) {
            throw new IllegalArgumentException(field + " amount " + units + " is below the smallest unit "
                + format(1));
        }
        return amount;
    }

    /** A fixed-point amount in units for messages: "2.0", "0.5", "0.0001". */
    public static String format(final long amount) {
        if (amount % FixedPoint.SCALE == 0) {
            return (amount / FixedPoint.SCALE) + ".0";
        }
        return BigDecimal.valueOf(amount, 4).stripTrailingZeros().toPlainString();
    }

    private static void validateName(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("resource name must be non-empty, was " + (name == null ? "null" : "empty"));
        }
        if (!NAME_PATTERN.matcher(name).matches()) {
            throw new IllegalArgumentException("resource name '" + name + "' must match " + NAME_PATTERN.pattern());
        }
    }

    @Override
    public String toString() {
        return "ResourceRegistry" + names;
    }
}
