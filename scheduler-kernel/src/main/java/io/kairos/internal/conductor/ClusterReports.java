package io.kairos.internal.conductor;

import io.kairos.internal.cluster.Cluster;
import io.kairos.internal.cluster.LogicalNode;
import io.kairos.internal.cluster.ResourceRegistry;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.scheduling.FixedPoint;
import org.agrona.ExpandableArrayBuffer;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.kairos.internal.conductor.ClusterLink.AVAILABLE;
import static io.kairos.internal.conductor.ClusterLink.MIN_REPORT_INTERVAL_NS;
import static io.kairos.internal.conductor.ClusterLink.REPORT_INTERVAL_NS;

/**
 * Availability between members (Ray's resource view): this node's reports to every other member (AVAILABLE, on
 * change at most every {@link ClusterLink#MIN_REPORT_INTERVAL_NS}, and every {@link ClusterLink#REPORT_INTERVAL_NS}),
 * and the others' reports setting what their nodes show here. Conductor thread only.
 */
final class ClusterReports {
    private final SchedulerConductor conductor;
    private final ClusterTransport transport;
    private final Cluster cluster;
    private final ResourceRegistry registry;
    private final LogicalNode local;
    private final ExpandableArrayBuffer out;
    private long[] lastReported;
    private long lastReportNs;

    ClusterReports(final SchedulerConductor conductor, final ClusterTransport transport, final Cluster cluster,
                   final ResourceRegistry registry, final LogicalNode local, final ExpandableArrayBuffer out) {
        this.conductor = conductor;
        this.transport = transport;
        this.cluster = cluster;
        this.registry = registry;
        this.local = local;
        this.out = out;
        this.lastReportNs = conductor.nowNs - REPORT_INTERVAL_NS;
    }

    /** The next duty cycle reports, changed or not (a member joined). */
    void reportSoon() {
        lastReported = null;
    }

    /** Another member's report: its node shows what it has available now. */
    void onAvailable(final String from, final String[] names, final long[] values, final long[] gpuFree,
                     final long[] gpuMemoryFree) {
        final int index = cluster.indexOfNode(from);
        if (index < 0) {
            return;
        }
        final long[] amounts = new long[registry.count()];
        for (int i = 0; i < names.length; i++) {
            final int r = registry.indexOf(names[i]);
            if (r >= 0 && r < amounts.length) {
                amounts[r] = values[i];
            }
        }
        final LogicalNode node = cluster.logicalNode(index);
        if (node.isRemote() && !node.isRetired()) {
            node.overwriteAvailable(amounts, gpuFree, gpuMemoryFree);
            conductor.dispatchNeeded = true;
        }
    }

    /** Reports this node's availability when it changed (or is due). */
    int doWork(final long nowNs) {
        final long sinceLast = nowNs - lastReportNs;
        if (sinceLast < MIN_REPORT_INTERVAL_NS) {
            return 0;
        }
        final long[] amounts = local.availableAmounts();
        if (sinceLast < REPORT_INTERVAL_NS && java.util.Arrays.equals(amounts, lastReported)) {
            return 0;
        }
        lastReported = amounts;
        lastReportNs = nowNs;
        final int length = encodeAvailable(amounts);
        final int members = cluster.allNodeCount();
        for (int i = cluster.localNodeCount(); i < members; i++) {
            final LogicalNode node = cluster.logicalNode(i);
            if (!node.isRetired()) {
                transport.send(node.nodeId(), out.byteArray(), 0, length);
            }
        }
        if (sinceLast >= REPORT_INTERVAL_NS) {
            final Map<String, Double> units = new LinkedHashMap<>();
            for (int r = 0; r < amounts.length; r++) {
                if (local.total(r) > 0) {
                    units.put(registry.name(r), FixedPoint.toUnits(amounts[r]));
                }
            }
            transport.reportAvailable(units);
        }
        return 1;
    }

    private int encodeAvailable(final long[] amounts) {
        out.putInt(0, AVAILABLE);
        return putAvailable(4, amounts);
    }

    /** What this node has available, as AVAILABLE carries it, from at; the end. */
    int putAvailable(final int start, final long[] amounts) {
        int at = start;
        final int countAt = at;
        at += 4;
        int count = 0;
        for (int r = 0; r < amounts.length; r++) {
            if (local.total(r) > 0) {
                at += out.putStringUtf8(at, registry.name(r));
                out.putLong(at, amounts[r]);
                at += 8;
                count++;
            }
        }
        out.putInt(countAt, count);
        final int gpus = local.gpuInstances();
        out.putInt(at, gpus);
        at += 4;
        for (int i = 0; i < gpus; i++) {
            out.putLong(at, local.gpuInstanceAvailable(i));
            out.putLong(at + 8, local.gpuInstanceMemoryAvailable(i));
            at += 16;
        }
        return at;
    }
}
