package io.kairos.cli;

import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.spi.scheduling.FixedPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code kairos status}: the cluster's nodes, their resources in use and total, labels, liveness, and the leader. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Lists a cluster's nodes (resources in use / total, labels, liveness) and its control store's leader.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

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
        }
        return 0;
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
