package io.kairos.cluster.aeron;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The control store's job table, the role of Ray's GCS job table: one entry per driver, a kernel that joins the cluster
 * offering no resources. A job's id is its driver's node id (the incarnation it registered with), so a job lives and
 * ends with that node record: {@link #register} it while the node is alive; it is SUCCEEDED when the driver leaves
 * with a goodbye ({@link ControlState#deregisterNode}) and FAILED when the control store declares it dead for missed
 * heartbeats ({@link ControlState#expire}). A driver that joins again after being declared dead does so under a new
 * node id: a new job.
 * <p>
 * Finished jobs are kept, at most {@link #MAX_FINISHED_JOBS}; past that the oldest finished one (earliest end time,
 * then lowest id) is dropped. Running jobs are bounded by the node table ({@link ControlState#MAX_NODES}), each being
 * a live node. Times are cluster time in ms, as {@link ControlState} is given it: no clock of its own.
 * <p>
 * Deterministic (sorted maps only) and part of {@link ControlState}'s snapshot. Not thread-safe: the clustered
 * service's thread owns it.
 */
public final class JobTable {
    /** Most finished jobs kept; the oldest finished is dropped first. */
    public static final int MAX_FINISHED_JOBS = 10_000;
    /** Most jobs one {@link ControlCodec#LIST_JOBS} page holds. */
    public static final int MAX_JOBS_PER_PAGE = 256;
    /** {@link Job#endMs()} of a job still running. */
    public static final long NOT_ENDED = -1;

    /** Where a job is in its life, as Ray names it. */
    public enum Status {
        /** Its driver is joined. */
        RUNNING,
        /** Its driver left with a goodbye. */
        SUCCEEDED,
        /** The control store declared its driver dead after missed heartbeats. */
        FAILED;

        private static final Status[] BY_CODE = values();

        static Status fromCode(final int code) {
            if (code < 0 || code >= BY_CODE.length) {
                throw new ControlRejection(ControlStatus.MALFORMED, "job status: unknown code " + code);
            }
            return BY_CODE[code];
        }
    }

    /**
     * A job's record.
     *
     * @param jobId      its id: the driver's node id.
     * @param driver     the driver's node name.
     * @param entrypoint what the driver runs (e.g. its Java command line), at most
     *                   {@link ControlState#MAX_NAME_BYTES} UTF-8 bytes; may be empty.
     * @param status     where it is in its life.
     * @param startMs    cluster time it was registered, in ms.
     * @param endMs      cluster time it finished, in ms; {@link #NOT_ENDED} while RUNNING.
     */
    public record Job(long jobId, String driver, String entrypoint, Status status, long startMs, long endMs) {
        /** @return true once SUCCEEDED or FAILED. */
        public boolean finished() {
            return status != Status.RUNNING;
        }

        /**
         * @param nowMs the time a running job's duration is measured to (e.g. the caller's clock).
         * @return end (or nowMs, while running) minus start, at least 0.
         */
        public long durationMs(final long nowMs) {
            return Math.max(0, (finished() ? endMs : nowMs) - startMs);
        }
    }

    /**
     * One page of a listing by id ({@link ControlCodec#LIST_JOBS}).
     *
     * @param jobs      the jobs, by id, read-only.
     * @param more      true if jobs with higher ids follow.
     * @param nextJobId where the next page starts when there is one; 0 otherwise.
     */
    public record Page(List<Job> jobs, boolean more, long nextJobId) {
    }

    /** Finished jobs in the order they are dropped: end time, then id. */
    private static final Comparator<Job> DROP_ORDER = Comparator.comparingLong(Job::endMs).thenComparingLong(Job::jobId);

    private final int maxFinished;
    private final TreeMap<Long, Job> jobs = new TreeMap<>();
    /** The finished jobs of {@link #jobs} in {@link #DROP_ORDER}: derived, rebuilt on load. */
    private final TreeSet<Job> finished = new TreeSet<>(DROP_ORDER);

    /** A table keeping {@link #MAX_FINISHED_JOBS} finished jobs. */
    public JobTable() {
        this(MAX_FINISHED_JOBS);
    }

    JobTable(final int maxFinished) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("maxFinished must be >= 1, was " + maxFinished);
        }
        this.maxFinished = maxFinished;
    }

    /**
     * Registers a RUNNING job for a driver node.
     *
     * @param nodes      the node table the driver is looked up in.
     * @param jobId      the driver's node id; registered and alive.
     * @param entrypoint what the driver runs, at most {@link ControlState#MAX_NAME_BYTES} UTF-8 bytes; may be empty.
     * @param nowMs      cluster time: the job's start.
     * @throws ControlRejection NOT_FOUND for an unknown node, CONFLICT for a dead node or a job id that exists,
     *                          INVALID for a long entrypoint.
     */
    public void register(final ControlState nodes, final long jobId, final String entrypoint, final long nowMs) {
        ControlState.checkLength("entrypoint", entrypoint, ControlState.MAX_NAME_BYTES);
        final ControlState.Node node = nodes.node(jobId);
        if (node == null) {
            throw new ControlRejection(ControlStatus.NOT_FOUND, "node " + jobId + ": not registered (a job's id is "
                + "its driver's node id)");
        }
        if (!node.alive()) {
            throw new ControlRejection(ControlStatus.CONFLICT, "node " + jobId + " is dead; a driver that joins again "
                + "registers under a new id");
        }
        final Job existing = jobs.get(jobId);
        if (existing != null) {
            throw new ControlRejection(ControlStatus.CONFLICT, "job " + jobId + " exists (" + existing.status + ")");
        }
        jobs.put(jobId, new Job(jobId, node.name(), entrypoint, Status.RUNNING, nowMs, NOT_ENDED));
    }

    /**
     * Ends a RUNNING job (its driver left or was declared dead); drops the oldest finished jobs past the bound.
     *
     * @param jobId  the driver's node id.
     * @param status SUCCEEDED or FAILED.
     * @param nowMs  cluster time: the job's end.
     * @return false if there is no such running job (a node that is not a driver, or a job already finished).
     */
    boolean finish(final long jobId, final Status status, final long nowMs) {
        final Job job = jobs.get(jobId);
        if (job == null || job.finished()) {
            return false;
        }
        final Job ended = new Job(jobId, job.driver, job.entrypoint, status, job.startMs, Math.max(nowMs, job.startMs));
        jobs.put(jobId, ended);
        finished.add(ended);
        while (finished.size() > maxFinished) {
            jobs.remove(finished.pollFirst().jobId);
        }
        return true;
    }

    /**
     * @param jobId of a job.
     * @return its record, or {@code null} (never registered, or dropped as one of the oldest finished).
     */
    public Job job(final long jobId) {
        return jobs.get(jobId);
    }

    /** @return every job, by id, read-only. */
    public Collection<Job> jobs() {
        return Collections.unmodifiableCollection(jobs.values());
    }

    /** @return how many jobs the table holds, running and finished. */
    public int size() {
        return jobs.size();
    }

    /** @return how many of them are finished. */
    public int finishedCount() {
        return finished.size();
    }

    /**
     * @param fromJobId the lowest id the page may hold.
     * @param max       most jobs, 1 to {@link #MAX_JOBS_PER_PAGE}; fewer once they take {@link ControlCodec#LISTING_PAGE_BYTES}.
     * @return the jobs with ids from fromJobId on, by id.
     * @throws ControlRejection INVALID for a max out of range.
     */
    Page page(final long fromJobId, final int max) {
        if (max < 1 || max > MAX_JOBS_PER_PAGE) {
            throw new ControlRejection(ControlStatus.INVALID, "most jobs: " + max + " outside 1.." + MAX_JOBS_PER_PAGE);
        }
        final List<Job> page = new ArrayList<>();
        int bytes = 0;
        for (final Map.Entry<Long, Job> e : jobs.tailMap(fromJobId, true).entrySet()) {
            if (page.size() == max || bytes >= ControlCodec.LISTING_PAGE_BYTES) {
                return new Page(page, true, e.getKey());
            }
            page.add(e.getValue());
            bytes += JOB_MIN_BYTES + utf8Length(e.getValue().driver) + utf8Length(e.getValue().entrypoint);
        }
        return new Page(page, false, 0);
    }

    /** Smallest encoding of a job by {@link #writeJob}. */
    static final int JOB_MIN_BYTES = 33;

    /**
     * Writes a job as the snapshot and the replies carry it: job id (long), driver (string), entrypoint (string),
     * status (byte), start ms (long), end ms (long).
     */
    static void writeJob(final ControlCodec.Writer w, final Job job) {
        w.putLong(job.jobId).putString(job.driver).putString(job.entrypoint).putByte((byte)job.status.ordinal())
            .putLong(job.startMs).putLong(job.endMs);
    }

    /**
     * Reads a job written by {@link #writeJob}.
     *
     * @throws ControlRejection if the bytes are not a job.
     */
    static Job readJob(final ControlCodec.Reader r) {
        final long jobId = r.readLong("job id");
        final String driver = r.readString("driver", ControlState.MAX_NAME_BYTES);
        final String entrypoint = r.readString("entrypoint", ControlState.MAX_NAME_BYTES);
        final Status status = Status.fromCode(r.readByte("job status"));
        return new Job(jobId, driver, entrypoint, status, r.readLong("start"), r.readLong("end"));
    }

    /** Writes a page as {@link ControlCodec#LIST_JOBS} answers: count (int), the jobs, more (byte), next id (long). */
    static void writePage(final ControlCodec.Writer w, final Page page) {
        w.putInt(page.jobs.size());
        page.jobs.forEach(job -> writeJob(w, job));
        w.putByte((byte)(page.more ? 1 : 0)).putLong(page.nextJobId);
    }

    /** Reads a page written by {@link #writePage}. */
    static Page readPage(final ControlCodec.Reader r) {
        final List<Job> jobs = new ArrayList<>();
        for (int i = 0, n = r.readCount("jobs", MAX_JOBS_PER_PAGE, JOB_MIN_BYTES); i < n; i++) {
            jobs.add(readJob(r));
        }
        return new Page(List.copyOf(jobs), r.readByte("more") != 0, r.readLong("next job id"));
    }

    void writeSnapshot(final ControlCodec.Writer w) {
        w.putInt(jobs.size());
        jobs.values().forEach(job -> writeJob(w, job));
    }

    void readSnapshot(final ControlCodec.Reader r) {
        for (int i = 0, n = r.readCount("jobs", maxFinished + ControlState.MAX_NODES, JOB_MIN_BYTES); i < n; i++) {
            final Job job = readJob(r);
            jobs.put(job.jobId, job);
            if (job.finished()) {
                finished.add(job);
            }
        }
        if (finished.size() > maxFinished) {
            throw new ControlRejection(ControlStatus.INVALID, "finished jobs: " + finished.size() + ", limit "
                + maxFinished);
        }
    }

    void replaceWith(final JobTable other) {
        jobs.clear();
        jobs.putAll(other.jobs);
        finished.clear();
        finished.addAll(other.finished);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof JobTable t && jobs.equals(t.jobs);
    }

    @Override
    public int hashCode() {
        return jobs.hashCode();
    }

    private static int utf8Length(final String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
