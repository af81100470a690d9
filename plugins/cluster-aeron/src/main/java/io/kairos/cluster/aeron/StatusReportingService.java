package io.kairos.cluster.aeron;

import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Runs a {@link ControlService} and, from the service thread, publishes a {@link ControlMember.Status} of it (role,
 * log position, a digest of the state) at most every {@link #REPORT_INTERVAL_MS} when it changed. Other threads read
 * the status without touching the state, which only the service thread may read.
 */
final class StatusReportingService implements ClusteredService {
    static final long REPORT_INTERVAL_MS = 100;
    private static final long REPORT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(REPORT_INTERVAL_MS);

    private final ControlService service;
    private final int memberId;
    private final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(4096);
    private final CRC32C crc = new CRC32C();
    private Cluster cluster;
    private long lastReportNs;
    private volatile ControlMember.Status status;

    StatusReportingService(final ControlService service, final int memberId) {
        this.service = service;
        this.memberId = memberId;
        this.status = new ControlMember.Status(memberId, "STARTING", -1, 0, 0);
    }

    ControlMember.Status status() {
        return status;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage) {
        this.cluster = cluster;
        service.onStart(cluster, snapshotImage);
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp) {
        service.onSessionOpen(session, timestamp);
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason) {
        service.onSessionClose(session, timestamp, closeReason);
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header) {
        service.onSessionMessage(session, timestamp, buffer, offset, length, header);
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp) {
        service.onTimerEvent(correlationId, timestamp);
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication) {
        service.onTakeSnapshot(snapshotPublication);
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole) {
        service.onRoleChange(newRole);
        lastReportNs = 0; // report at once
    }

    @Override
    public void onNewLeadershipTermEvent(
        final long leadershipTermId, final long logPosition, final long timestamp, final long termBaseLogPosition,
        final int leaderMemberId, final int logSessionId, final java.util.concurrent.TimeUnit timeUnit,
        final int appVersion) {
        service.onNewLeadershipTermEvent(leadershipTermId, logPosition, timestamp, termBaseLogPosition, leaderMemberId,
            logSessionId, timeUnit, appVersion);
    }

    @Override
    public void onTerminate(final Cluster cluster) {
        service.onTerminate(cluster);
    }

    @Override
    public int doBackgroundWork(final long nowNs) {
        if (cluster == null || (lastReportNs != 0 && nowNs - lastReportNs < REPORT_INTERVAL_NS)) {
            return 0;
        }
        lastReportNs = nowNs;
        final ControlMember.Status last = status;
        final String role = cluster.role().name();
        final long logPosition = cluster.logPosition();
        if (logPosition == last.logPosition() && role.equals(last.role())) {
            return 0;
        }
        final ControlState state = service.state();
        final int length = state.writeSnapshot(snapshot, 0);
        crc.reset();
        crc.update(snapshot.byteArray(), 0, length);
        status = new ControlMember.Status(memberId, role, logPosition, state.nodeCount(), crc.getValue());
        return 1;
    }
}
