package io.kairos.cli;

import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.JobClient;
import io.kairos.cluster.aeron.JobTable;
import io.kairos.cluster.aeron.PlacementGroupTable;
import io.kairos.spi.scheduling.FixedPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code kairos status}: the cluster's nodes, their resources in use and total, labels, liveness, and the leader; its
 * jobs (drivers) and placement groups, as the control store's tables hold them.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Lists a cluster's nodes (resources in use / total, labels, liveness), its control store's leader, "
        + "its jobs (one per driver: running, and the latest finished) and its placement groups.")
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneOffset.UTC);

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--finished-jobs", paramLabel = "N", defaultValue = "20",
        description = "How many finished jobs to list, the latest (default ${DEFAULT-VALUE}); running ones are all listed.")
    int finishedJobs;

    @Override
    public Integer call() {
        try (ControlStoreQuery query = new ControlStoreQuery(cluster.ingressEndpoints(),
            ClusterSecret.load(cluster.secret()), 5_000)) {
            final ControlClient.Membership membership = query.client().listNodes();
            System.out.println("control store " + cluster.controlMembers() + ": leader is member "
                + query.client().leaderMemberId() + ", membership version " + membership.version());
            System.out.printf("%-20s %-22s %-6s %-36s %s%n", "NODE", "ENDPOINT", "ALIVE", "RESOURCES (in use / total)",
                "LABELS");
            int alive = 0;
            final java.util.List<ControlClient.Member> members = new java.util.ArrayList<>(membership.members());
            members.sort(java.util.Comparator.comparing(ControlClient.Member::name));
            for (final ControlClient.Member m : members) {
                alive += m.status().alive() ? 1 : 0;
                System.out.printf("%-20s %-22s %-6s %-36s %s%n", m.name(), m.endpoint(),
                    m.status().alive() ? "yes" : "dead", usage(m.status()), new TreeMap<>(m.status().labels()));
            }
            System.out.println(alive + " of " + membership.members().size() + " node(s) alive");
            System.out.println();
            jobLines(new JobClient(query.client()).list(), finishedJobs, System.currentTimeMillis())
                .forEach(System.out::println);
            System.out.println();
            final Map<Long, String> names = new HashMap<>();
            membership.members().forEach(m -> names.put(m.nodeId(), m.name()));
            groupLines(query.client().placementGroups().list(), names).forEach(System.out::println);
        }
        return 0;
    }

    /**
     * The Jobs section: every running job and the latest {@code finishedShown} finished ones, by start time.
     *
     * @param nowMs the time a running job's duration runs to (cluster time is epoch ms, as this clock).
     */
    static List<String> jobLines(final List<JobTable.Job> jobs, final int finishedShown, final long nowMs) {
        final List<JobTable.Job> finished = new ArrayList<>();
        final List<JobTable.Job> shown = new ArrayList<>();
        for (final JobTable.Job job : jobs) {
            (job.finished() ? finished : shown).add(job);
        }
        final int running = shown.size();
        finished.sort(Comparator.comparingLong(JobTable.Job::endMs).thenComparingLong(JobTable.Job::jobId));
        shown.addAll(finished.subList(Math.max(0, finished.size() - Math.max(0, finishedShown)), finished.size()));
        shown.sort(Comparator.comparingLong(JobTable.Job::startMs).thenComparingLong(JobTable.Job::jobId));
        final List<String> lines = new ArrayList<>();
        final int listed = shown.size() - running;
        lines.add("Jobs: " + running + " running, " + finished.size() + " finished" + (listed < finished.size()
            ? " (the latest " + listed + " listed; --finished-jobs N for more)" : ""));
        if (shown.isEmpty()) {
            return lines;
        }
        lines.add(String.format("%-20s %-20s %-10s %-20s %-9s %s", "JOB", "DRIVER", "STATUS", "START (UTC)",
            "DURATION", "ENTRYPOINT"));
        for (final JobTable.Job job : shown) {
            final String entrypoint = job.entrypoint().length() > 60 ? job.entrypoint().substring(0, 57) + "..."
                : job.entrypoint();
            lines.add(String.format("%-20d %-20s %-10s %-20s %-9s %s", job.jobId(), job.driver(), job.status(),
                START.format(Instant.ofEpochMilli(job.startMs())), duration(job.durationMs(nowMs)), entrypoint));
        }
        return lines;
    }

    /** The Placement groups section: each group and, per bundle, what it reserves and on which node. */
    static List<String> groupLines(final List<PlacementGroupTable.Group> groups, final Map<Long, String> nodeNames) {
        final List<String> lines = new ArrayList<>();
        lines.add("Placement groups: " + groups.size());
        if (groups.isEmpty()) {
            return lines;
        }
        lines.add(String.format("%-20s %-16s %-13s %-12s %s", "GROUP", "NAME", "STRATEGY", "STATE",
            "BUNDLES (resources on node)"));
        for (final PlacementGroupTable.Group g : groups) {
            final StringBuilder bundles = new StringBuilder();
            for (int i = 0; i < g.bundles().size(); i++) {
                final PlacementGroupTable.Bundle b = g.bundles().get(i);
                bundles.append(i == 0 ? "" : "; ").append(i).append(": ").append(amounts(b.resources()));
                switch (b.reservation()) {
                    case UNRESERVED -> bundles.append(" not placed");
                    case PREPARED -> bundles.append(" on ").append(nodeName(nodeNames, b.nodeId())).append(" (prepared)");
                    case COMMITTED -> bundles.append(" on ").append(nodeName(nodeNames, b.nodeId()));
                }
            }
            lines.add(String.format("%-20d %-16s %-13s %-12s %s", g.groupId(), g.name().isEmpty() ? "-" : g.name(),
                g.strategy(), g.state(), bundles));
        }
        return lines;
    }

    private static String nodeName(final Map<Long, String> names, final long nodeId) {
        final String name = names.get(nodeId);
        return name != null ? name : "node " + nodeId;
    }

    private static String amounts(final Map<String, Long> resources) {
        final StringBuilder text = new StringBuilder();
        new TreeMap<>(resources).forEach((name, fixed) ->
            text.append(text.length() == 0 ? "" : ", ").append(name).append(' ').append(units(fixed)));
        return text.toString();
    }

    /** A duration as "850ms", "12.3s", "5m02s", "3h04m" or "2d03h". */
    static String duration(final long ms) {
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        final long s = ms / 1000;
        if (s < 3_600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh%02dm", s / 3_600, s % 3_600 / 60);
        }
        return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3_600);
    }

    private static String usage(final ControlClient.NodeStatus status) {
        if (status.totalResources().isEmpty()) {
            return "(driver: none offered)";
        }
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Long> e : new TreeMap<>(status.totalResources()).entrySet()) {
            final long total = e.getValue();
            final long free = status.availableResources().getOrDefault(e.getKey(), total);
            text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                .append(units(total - free)).append('/').append(units(total));
        }
        return text.toString();
    }

    private static String units(final long fixed) {
        final double u = FixedPoint.toUnits(fixed);
        return u == Math.rint(u) ? Long.toString((long) u) : Double.toString(u);
    }
}
