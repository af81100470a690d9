package io.kairos.cli;

import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.cluster.aeron.ControlMemberConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code kairos control}: runs one member of the cluster's control store (Aeron Cluster) until stopped.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
    description = "Runs one member of the cluster's control store (Raft on Aeron Cluster) until Ctrl-C or SIGTERM.")
final class ControlCommand implements Callable<Integer> {
    @Option(names = "--members", required = true, paramLabel = "HOST:PORT,...",
        description = "Every member's base endpoint, in member order; each uses 5 ports from its base "
            + "(clients connect to the base port).")
    String members;

    @Option(names = "--member-index", required = true, paramLabel = "N", description = "This member's position in --members.")
    int memberIndex;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "This member's directory (log, snapshots).")
    Path dir;

    @Option(names = "--secret-file", required = true, paramLabel = "FILE",
        description = "The cluster's secret, readable by its owner only (chmod 600).")
    Path secretFile;

    @Option(names = "--node-timeout-ms", paramLabel = "MS", defaultValue = "5000",
        description = "A node that misses heartbeats this long is declared dead (default ${DEFAULT-VALUE}).")
    long nodeTimeoutMs;

    @Option(names = "--idle", paramLabel = "SPEC", description = "How the member's agents idle: backoff (park up to "
        + "1 ms), backoff:US (park up to US µs) or yielding (default: the system property "
        + ControlMemberConfig.IDLE_STRATEGY_PROP_NAME + ", else " + ControlMemberConfig.IDLE_STRATEGY_DEFAULT + ").")
    String idle;

    @Override
    public Integer call() {
        final ControlMemberConfig config = ControlMemberConfig.builder()
            .members(ControlMember.parseMembers(members))
            .memberIndex(memberIndex)
            .dir(dir)
            .secret(ClusterSecret.load(secretFile))
            .nodeTimeoutMs(nodeTimeoutMs)
            .idleStrategy(idle != null ? idle : System.getProperty(ControlMemberConfig.IDLE_STRATEGY_PROP_NAME,
                ControlMemberConfig.IDLE_STRATEGY_DEFAULT))
            .build();
        ControlMember.run(config, System.out);
        return 0;
    }
}
