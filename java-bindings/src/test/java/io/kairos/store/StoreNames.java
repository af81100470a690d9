package io.kairos.store;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique store names per test, so parallel or repeated runs never meet in /dev/shm. */
final class StoreNames {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private StoreNames() {
    }

    static String unique(final String prefix) {
        return "jt-" + prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }
}
