package io.kairos;

/**
 * What object spilling did: objects moved from the shared store to files under the spill directory when the store
 * passed its threshold, and read back from them on get.
 *
 * @param spilledObjects objects written to spill files
 * @param spilledBytes   their bytes
 * @param spillNanos     time spent writing them (copy to file, then freeing the store memory)
 * @param restoredObjects reads of spilled objects (each get of a spilled object reads its file)
 * @param restoredBytes  bytes read back
 * @param restoreNanos   time spent reading them back (not deserializing)
 * @param files          spill files that still hold live objects
 * @param diskBytes      bytes those files hold, live or freed (a file is deleted when its last object is freed)
 * @param failedSpills   spills that could not write their file (a full disk, a read-only or missing directory): their
 *                       objects stayed in the store, and a value that then found no room stayed on the heap
 * @param lastFailure    why the last failed spill failed (the file and the error), or null if none failed
 */
public record SpillStats(long spilledObjects, long spilledBytes, long spillNanos, long restoredObjects,
                         long restoredBytes, long restoreNanos, long files, long diskBytes, long failedSpills,
                         String lastFailure) {
    /**
     * Spill throughput.
     *
     * @return spilledBytes / spillNanos in bytes per second (0 before the first spill)
     */
    public double spillBytesPerSecond() {
        return spillNanos == 0 ? 0 : spilledBytes * 1e9 / spillNanos;
    }

    /**
     * Restore throughput.
     *
     * @return restoredBytes / restoreNanos in bytes per second (0 before the first restore)
     */
    public double restoreBytesPerSecond() {
        return restoreNanos == 0 ? 0 : restoredBytes * 1e9 / restoreNanos;
    }
}
