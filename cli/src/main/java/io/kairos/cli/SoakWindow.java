package io.kairos.cli;

import java.util.Locale;

/**
 * One window of a soak run: what it did (kernel tasks finished, results checked), its task round trips
 * (HdrHistogram percentiles) and where the process stood at its end (RSS, store, spilled, kills, retries, restarts;
 * the last four counted from the start).
 *
 * @param index        1-based
 * @param endSeconds   when it ended, from the start of the run
 * @param seconds      its length
 * @param tasks        tasks and actor calls the kernel finished in it
 * @param checked      results checked in it (each a value compared with the function of its input)
 * @param roundTrips   task round trips timed in it
 * @param p50Ns        their median
 * @param p99Ns        their 99th percentile
 * @param maxNs        the longest
 * @param rssBytes     this process's resident set (VmRSS) at its end
 * @param storeBytes   bytes the shared object store held at its end
 * @param spilledBytes bytes spilled to files so far
 * @param kills        worker processes killed so far
 * @param retries      task and actor-call attempts after the first, so far
 * @param restarts     actor restarts so far
 * @param load         the machine's load average over the last minute at its end (a neighbour's work shows here)
 */
record SoakWindow(int index, double endSeconds, double seconds, long tasks, long checked, long roundTrips,
                  long p50Ns, long p99Ns, long maxNs, long rssBytes, long storeBytes, long spilledBytes,
                  long kills, long retries, long restarts, double load) {

    double tasksPerSecond() {
        return seconds > 0 ? tasks / seconds : 0;
    }

    double checkedPerSecond() {
        return seconds > 0 ? checked / seconds : 0;
    }

    /** The window's line of the report. */
    String line(final int windows) {
        return String.format(Locale.ROOT, "window %3d/%d %8s  %,9.0f tasks/s %,9.0f checks/s  round trip p50 %s "
                + "p99 %s max %s  rss %s  store %s  spilled %s  kills %d retries %d restarts %d  load %.2f",
            index, windows, clock(endSeconds), tasksPerSecond(), checkedPerSecond(), duration(p50Ns),
            duration(p99Ns), duration(maxNs), mib(rssBytes), mib(storeBytes), mib(spilledBytes), kills, retries,
            restarts, load);
    }

    /** m:ss or h:mm:ss. */
    static String clock(final double seconds) {
        final long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** ns as us, ms or s with three significant figures. */
    static String duration(final long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.2f ms" : "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    static String mib(final long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
