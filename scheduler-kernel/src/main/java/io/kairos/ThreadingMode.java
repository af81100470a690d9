package io.kairos;

/** How the kernel's conductor is run, after Aeron's media driver. */
public enum ThreadingMode {
    /** The conductor runs on its own thread, idling with the configured {@code IdleStrategy}. */
    DEDICATED,
    /** The kernel's agents share one thread (today the conductor is the only kernel agent: as DEDICATED). */
    SHARED,
    /**
     * No conductor thread: the embedder drives it with {@link Kernel#invoker()}; a {@code get} on the thread that
     * started the kernel drives it too. Tests use this to step the conductor deterministically.
     */
    INVOKER
}
