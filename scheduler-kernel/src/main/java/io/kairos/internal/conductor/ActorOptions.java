package io.kairos.internal.conductor;

import java.util.Arrays;
import java.util.Map;

/**
 * An actor's options beyond those every actor has: how many times a call is retried after a system failure of the
 * actor ({@code maxTaskRetries}), and its named concurrency groups. Immutable; built by the public
 * {@code ActorCreator}.
 */
public final class ActorOptions {
    /** No retries, no groups: what an actor has when none of these is set. */
    public static final ActorOptions NONE = new ActorOptions(0, Map.of());

    final int maxTaskRetries;
    /** Outlives its owner in a cluster (see the public {@code ActorCreator.setDetached}). */
    final boolean detached;
    /** The named groups in declaration order; group i + 1 of a call is names[i] (0 is the default group). */
    final String[] groupNames;
    final int[] groupLimits;

    /**
     * @param maxTaskRetries how many times a call is run again after its actor died under it and restarted, &gt;= 0
     *                       ({@link Integer#MAX_VALUE}: without limit)
     * @param groups         group name to its limit of calls at once, in declaration order (validated by the caller)
     */
    public ActorOptions(final int maxTaskRetries, final Map<String, Integer> groups) {
        this(maxTaskRetries, groups, false);
    }

    /** @param detached whether the actor outlives its owner in a cluster */
    public ActorOptions(final int maxTaskRetries, final Map<String, Integer> groups, final boolean detached) {
        this.maxTaskRetries = maxTaskRetries;
        this.detached = detached;
        this.groupNames = groups.keySet().toArray(new String[0]);
        this.groupLimits = groups.values().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The named groups and their limits, in declaration order. */
    Map<String, Integer> groups() {
        final Map<String, Integer> groups = new java.util.LinkedHashMap<>();
        for (int i = 0; i < groupNames.length; i++) {
            groups.put(groupNames[i], groupLimits[i]);
        }
        return groups;
    }

    /** Whether the actor has named concurrency groups. */
    public boolean hasGroups() {
        return groupNames.length > 0;
    }

    /**
     * The index of a named group as a call carries it (1 and up).
     *
     * @throws IllegalArgumentException if the actor has no group of that name
     */
    int groupIndex(final String name, final String actor) {
        for (int i = 0; i < groupNames.length; i++) {
            if (groupNames[i].equals(name)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(actor + " has no concurrency group '" + name + "'"
            + (groupNames.length == 0 ? " (it has none)" : "; its groups are " + Arrays.toString(groupNames)));
    }
}
