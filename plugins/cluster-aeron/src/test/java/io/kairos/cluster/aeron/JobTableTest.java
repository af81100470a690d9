package io.kairos.cluster.aeron;

import java.util.List;
import java.util.Map;

import io.kairos.cluster.aeron.JobTable.Job;
import io.kairos.cluster.aeron.JobTable.Status;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(20)
class JobTableTest {
    private static final Map<String, Long> NONE = Map.of();

    private final ControlState state = new ControlState();
    private final JobTable jobs = state.jobs();

    private static ControlStatus refused(final Runnable command) {
        return assertThrows(ControlRejection.class, command::run).status();
    }

    private void driver(final long id, final long nowMs) {
        state.registerNode(id, "driver-" + id, "", NONE, Map.of(), nowMs);
        jobs.register(state, id, "com.example.Main --n " + id, nowMs);
    }

    @Test
    void aRegisteredDriverRunsUntilItsGoodbyeThenSucceeded() {
        driver(7, 1_000);
        assertEquals(new Job(7, "driver-7", "com.example.Main --n 7", Status.RUNNING, 1_000, JobTable.NOT_ENDED),
            jobs.job(7));
        assertEquals(500, jobs.job(7).durationMs(1_500), "a running job's duration runs to the time given");

        state.deregisterNode(7, 4_000);
        final Job done = jobs.job(7);
        assertEquals(Status.SUCCEEDED, done.status());
        assertEquals(4_000, done.endMs());
        assertEquals(3_000, done.durationMs(99_999));
        assertEquals("driver-7", done.driver(), "the driver's name stays with the job after its node is gone");
        assertEquals(1, jobs.finishedCount());
    }

    @Test
    void aDriverDeclaredDeadFailsAndItsLaterGoodbyeChangesNothing() {
        driver(1, 0);
        driver(2, 0);
        state.heartbeat(2, Map.of(), 4_000);
        assertEquals(1, state.expire(5_001, 5_000));
        assertEquals(Status.FAILED, jobs.job(1).status());
        assertEquals(5_001, jobs.job(1).endMs());
        assertEquals(Status.RUNNING, jobs.job(2).status());

        state.deregisterNode(1, 6_000);  // the dead driver closes late: it failed, it does not succeed now
        assertEquals(Status.FAILED, jobs.job(1).status());
        assertEquals(5_001, jobs.job(1).endMs());

        state.registerNode(8, "driver-1", "", NONE, Map.of(), 7_000);  // it joins again: a new node id, a new job
        jobs.register(state, 8, "", 7_000);
        assertEquals(Status.RUNNING, jobs.job(8).status());
        assertEquals(Status.FAILED, jobs.job(1).status());
    }

    @Test
    void registrationIsRefusedWithAReason() {
        assertEquals(ControlStatus.NOT_FOUND, refused(() -> jobs.register(state, 5, "", 0)));
        driver(5, 0);
        assertEquals(ControlStatus.CONFLICT, refused(() -> jobs.register(state, 5, "again", 0)));
        state.registerNode(6, "d6", "", NONE, Map.of(), 0);
        final ControlRejection tooLong = assertThrows(ControlRejection.class,
            () -> jobs.register(state, 6, "x".repeat(ControlState.MAX_NAME_BYTES + 1), 0));
        assertEquals(ControlStatus.INVALID, tooLong.status());
        assertTrue(tooLong.getMessage().startsWith("entrypoint: 257 bytes, limit 256"), tooLong.getMessage());
        state.expire(10_000, 5_000);
        assertEquals(ControlStatus.CONFLICT, refused(() -> jobs.register(state, 6, "", 10_000)), "a dead node");
        assertNull(jobs.job(6));
        assertFalse(jobs.finish(6, Status.SUCCEEDED, 10_000), "a node with no job has none to finish");
    }

    @Test
    void theOldestFinishedJobsAreDroppedPastTheBound() {
        final JobTable small = new JobTable(3);
        for (long id = 1; id <= 6; id++) {
            state.registerNode(id, "d" + id, "", NONE, Map.of(), 0);
            small.register(state, id, "", id);
        }
        // finish in an order unlike the ids: 5 at t=10, 2 at t=20, 6 at t=30, 1 at t=40, 4 at t=40
        small.finish(5, Status.SUCCEEDED, 10);
        small.finish(2, Status.FAILED, 20);
        small.finish(6, Status.SUCCEEDED, 30);
        assertEquals(6, small.size());
        small.finish(4, Status.SUCCEEDED, 40);
        small.finish(1, Status.SUCCEEDED, 40);
        assertEquals(List.of(1L, 3L, 4L, 6L), small.jobs().stream().map(Job::jobId).toList(),
            "5 then 2 dropped (earliest end); job 3 runs on");
        assertEquals(3, small.finishedCount());
        assertEquals(Status.RUNNING, small.job(3).status());
    }

    @Test
    void theDefaultBoundKeepsTheLatestTenThousandFinished() {
        final int n = JobTable.MAX_FINISHED_JOBS + 5;
        for (long id = 1; id <= n; id++) {
            driver(id, id);
            state.deregisterNode(id, id);
        }
        assertEquals(JobTable.MAX_FINISHED_JOBS, jobs.size());
        assertNull(jobs.job(5));
        assertEquals(Status.SUCCEEDED, jobs.job(6).status());
        assertEquals(Status.SUCCEEDED, jobs.job(n).status());
    }

    @Test
    void pagesListEveryJobOnceWithinTheirLimits() {
        for (long id = 1; id <= 600; id++) {
            state.registerNode(id, "d" + id, "", NONE, Map.of(), 0);
            jobs.register(state, id, "e".repeat(ControlState.MAX_NAME_BYTES), 0);
        }
        final JobTable.Page first = jobs.page(Long.MIN_VALUE, JobTable.MAX_JOBS_PER_PAGE);
        assertTrue(first.more());
        assertTrue(first.jobs().size() < JobTable.MAX_JOBS_PER_PAGE, "long entrypoints: the byte bound stops it first");
        long seen = 0;
        JobTable.Page page = first;
        while (true) {
            for (final Job job : page.jobs()) {
                assertEquals(++seen, job.jobId());
            }
            if (!page.more()) {
                break;
            }
            page = jobs.page(page.nextJobId(), JobTable.MAX_JOBS_PER_PAGE);
        }
        assertEquals(600, seen);
        assertEquals(List.of(), jobs.page(601, 10).jobs());
        assertEquals(ControlStatus.INVALID, refused(() -> jobs.page(0, 0)));
        assertEquals(ControlStatus.INVALID, refused(() -> jobs.page(0, JobTable.MAX_JOBS_PER_PAGE + 1)));
    }

    @Test
    void snapshotKeepsJobsAndTheirDropOrder() {
        for (long id = 1; id <= 20; id++) {
            driver(id, id);
        }
        for (long id = 20; id > 10; id--) {
            state.deregisterNode(id, 100 - id);
        }
        state.expire(10_000, 5_000);  // 1 to 10 fail
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        final int length = state.writeSnapshot(buffer, 0);
        final ControlState loaded = new ControlState();
        loaded.loadSnapshot(buffer, 0, length);
        assertEquals(state, loaded);
        assertEquals(state.hashCode(), loaded.hashCode());
        assertEquals(20, loaded.jobs().finishedCount());
        assertEquals(jobs.job(3), loaded.jobs().job(3));
        assertEquals(Status.FAILED, loaded.jobs().job(3).status());
        assertEquals(Status.SUCCEEDED, loaded.jobs().job(20).status());
    }
}
