package io.kairos.cluster.aeron;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.kairos.cluster.aeron.JobTable.Job;
import io.kairos.cluster.aeron.JobTable.Page;
import org.agrona.MutableDirectBuffer;

import static io.kairos.cluster.aeron.ControlCodec.*;

/**
 * The job-table commands ({@link JobTable}) on a {@link ControlClient}'s session, each in an asynchronous form
 * (pipelined; its future completes inside the client's {@link ControlClient#poll()}) and a synchronous one (the
 * asynchronous one awaited), as {@link PlacementGroupClient} offers the placement-group commands:
 * <pre>{@code
 * JobClient jobs = new JobClient(control);
 * jobs.register(driverNodeId, System.getProperty("sun.java.command", ""));  // right after registerNode
 * for (JobTable.Job job : jobs.list()) { ... }                              // every job, page by page
 * }</pre>
 * A job client holds no state but its control client: make one where needed. Not thread-safe: the client's thread
 * only.
 */
public final class JobClient {
    private final ControlClient client;

    /**
     * @param client the control store session the commands go over.
     */
    public JobClient(final ControlClient client) {
        this.client = client;
    }

    /**
     * Records a driver's job, RUNNING ({@link ControlCodec#REGISTER_JOB}).
     *
     * @param jobId      the driver's node id, registered and alive.
     * @param entrypoint what the driver runs, at most {@link ControlState#MAX_NAME_BYTES} UTF-8 bytes; may be empty.
     * @return completes when applied; a {@link ControlRejection} NOT_FOUND (no such node), CONFLICT (a dead node, a
     * job that exists) or INVALID (a long entrypoint).
     */
    public CompletableFuture<Void> registerAsync(final long jobId, final String entrypoint) {
        return client.sendAsync(REGISTER_JOB, "registerJob", jobId,
            (b, o, id) -> encodeRegisterJob(b, o, id, jobId, entrypoint), body -> null);
    }

    /**
     * @param jobId of the job.
     * @return its record; a {@link ControlRejection} NOT_FOUND if there is none (never registered, or dropped as one
     * of the oldest finished).
     */
    public CompletableFuture<Job> getAsync(final long jobId) {
        return client.sendAsync(GET_JOB, "job", jobId, (b, o, id) -> encodeGetJob(b, o, id, jobId), JobTable::readJob);
    }

    /**
     * @param fromJobId the lowest id the page may hold ({@link Long#MIN_VALUE} for the first page).
     * @param max       most jobs, 1 to {@link JobTable#MAX_JOBS_PER_PAGE} (the page may hold fewer).
     * @return the page.
     */
    public CompletableFuture<Page> pageAsync(final long fromJobId, final int max) {
        return client.sendAsync(LIST_JOBS, "listJobs", fromJobId,
            (b, o, id) -> encodeListJobs(b, o, id, fromJobId, max), JobTable::readPage);
    }

    /** {@link #registerAsync}, awaited. */
    public void register(final long jobId, final String entrypoint) {
        client.await(registerAsync(jobId, entrypoint));
    }

    /** {@link #getAsync}, awaited. */
    public Job get(final long jobId) {
        return client.await(getAsync(jobId));
    }

    /** {@link #pageAsync}, awaited. */
    public Page page(final long fromJobId, final int max) {
        return client.await(pageAsync(fromJobId, max));
    }

    /**
     * Every job, by id, read page by page. Not one snapshot: a job registered or dropped while it pages may or may not
     * be in the list.
     *
     * @return the jobs, read-only.
     */
    public List<Job> list() {
        final List<Job> jobs = new ArrayList<>();
        Page page = page(Long.MIN_VALUE, JobTable.MAX_JOBS_PER_PAGE);
        jobs.addAll(page.jobs());
        while (page.more()) {
            page = page(page.nextJobId(), JobTable.MAX_JOBS_PER_PAGE);
            jobs.addAll(page.jobs());
        }
        return List.copyOf(jobs);
    }

    /**
     * Encodes {@link ControlCodec#REGISTER_JOB}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param jobId         the driver's node id.
     * @param entrypoint    what the driver runs.
     * @return the command's length.
     */
    public static int encodeRegisterJob(final MutableDirectBuffer buffer, final int offset, final long correlationId,
                                        final long jobId, final String entrypoint) {
        return header(buffer, offset, REGISTER_JOB, correlationId).putLong(jobId).putString(entrypoint).length();
    }

    /**
     * Encodes {@link ControlCodec#GET_JOB}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param jobId         of the job.
     * @return the command's length.
     */
    public static int encodeGetJob(final MutableDirectBuffer buffer, final int offset, final long correlationId,
                                   final long jobId) {
        return header(buffer, offset, GET_JOB, correlationId).putLong(jobId).length();
    }

    /**
     * Encodes {@link ControlCodec#LIST_JOBS}.
     *
     * @param buffer        to write.
     * @param offset        where the command starts.
     * @param correlationId echoed in the reply.
     * @param fromJobId     the lowest id the page may hold.
     * @param max           most jobs in the page.
     * @return the command's length.
     */
    public static int encodeListJobs(final MutableDirectBuffer buffer, final int offset, final long correlationId,
                                     final long fromJobId, final int max) {
        return header(buffer, offset, LIST_JOBS, correlationId).putLong(fromJobId).putInt(max).length();
    }

    private static ControlCodec.Writer header(final MutableDirectBuffer buffer, final int offset, final int type,
                                              final long correlationId) {
        return new ControlCodec.Writer().wrap(buffer, offset).putInt(type).putLong(correlationId);
    }
}
