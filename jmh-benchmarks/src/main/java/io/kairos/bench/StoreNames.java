package io.kairos.bench;

import java.util.concurrent.atomic.AtomicInteger;

/** Store names unique to this process and call, so forks and repeated trials never meet in /dev/shm. */
public final class StoreNames {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private StoreNames() {
    }

    public static String unique(final String prefix) {
        return "bench-" + prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }
}
