package io.kairos.cli;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlClient;
import io.kairos.cluster.aeron.ControlConnect;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.cluster.aeron.ControlMemberConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kairos bench control}: the control store alone, for tuning: its members as processes of their own on
 * loopback (no nodes, no driver kernel), one pipelined client in this JVM, the figures of {@link ControlStoreBench}.
 * The cluster section of {@code kairos bench} measures the same figures beside a running cluster.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
    description = "Control store ops/s through Raft: placement-group create+remove and named-actor register+lookup, "
        + "pipelined, and register+lookup one at a time; members as separate processes on loopback.")
final class BenchControlCommand implements Callable<Integer> {
    @Option(names = "--members", defaultValue = "3", description = "Control store members (1, 3 or 5).")
    int members;

    @Option(names = "--idle", defaultValue = ControlMemberConfig.IDLE_STRATEGY_DEFAULT, paramLabel = "SPEC",
        description = "The members' idle strategy: backoff, backoff:US or yielding (default ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--client-idle", defaultValue = "backoff", paramLabel = "SPEC",
        description = "The client's media driver's idle strategy, same forms (default ${DEFAULT-VALUE}).")
    String clientIdle;

    @Option(names = "--window", defaultValue = "256", description = "Ops in flight (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--batch", defaultValue = "64", description = "Commands per message, 1..1024 (default "
        + "${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs per figure (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--measure-ms", defaultValue = "3000", description = "Each run (default ${DEFAULT-VALUE}).")
    long measureMs;

    @Option(names = "--warmup-ms", defaultValue = "2000", description = "Before each figure (default ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--only", defaultValue = "pg,pg2pc,actor,sync", split = ",",
        description = "Which figures: pg, pg2pc, actor, sync (default ${DEFAULT-VALUE}).")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        final Path dir = Files.createTempDirectory("kairos-bench-control-");
        final List<Process> started = new ArrayList<>();
        MediaDriver driver = null;
        ControlClient client = null;
        try {
            final Path secretFile = ClusterCommand.Up.writeSecret(dir.resolve("cluster.secret"));
            final String control = ClusterCommand.Up.loopbackMembers(members);
            started.addAll(ClusterCommand.Up.startMembers(dir, control, members, secretFile, "--node-timeout-ms",
                "3600000", "--idle", idle));
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("client-aeron").toString())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(ControlMemberConfig.parseIdleStrategy(clientIdle))
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true));
            client = connect(driver, ControlMember.ingressEndpoints(ControlMember.parseMembers(control)),
                ClusterSecret.load(secretFile));
            final long owner = 1;
            client.registerNode(owner, "bench-owner", "", Map.of("CPU", 10_000L), Map.of());
            System.out.printf("control store: %d members (idle %s), client driver idle %s, window %d ops, batch %d; "
                + "%d runs of %d ms after %d ms warm-up%n", members, idle, clientIdle, window, batch, runs, measureMs,
                warmupMs);
            final ControlStoreBench bench = new ControlStoreBench(client, warmupMs, measureMs, runs, window);
            if (only.contains("pg")) {
                System.out.println(bench.pgCreateRemove().summary("PG create+remove, pipelined"));
            }
            if (only.contains("pg2pc")) {
                System.out.println(bench.pgLifecycle(owner).summary("PG create+prepare+commit+remove, pipelined"));
            }
            if (only.contains("actor")) {
                System.out.println(bench.actorRegisterLookupRemove(owner)
                    .summary("actor register+lookup+remove, pipelined"));
            }
            if (only.contains("sync")) {
                System.out.println(bench.actorRegisterLookupOneAtATime(owner)
                    .summary("actor register+lookup, one at a time"));
            }
            return 0;
        } finally {
            CloseHelper.quietCloseAll(client, driver);
            started.forEach(Process::destroy);
            for (final Process p : started) {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (final IOException | RuntimeException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }
    }

    private ControlClient connect(final MediaDriver driver, final String ingress, final ClusterSecret secret) {
        return ControlConnect.withRetries(attemptMs -> ControlClient.connect(new AeronCluster.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .ingressChannel("aeron:udp")
            .ingressEndpoints(ingress)
            .credentialsSupplier(secret.credentials("kairos-bench"))
            .messageTimeoutNs(TimeUnit.MILLISECONDS.toNanos(attemptMs)), TimeUnit.SECONDS.toNanos(10),
            ControlClient.DEFAULT_MAX_OFFER_ATTEMPTS, new BackoffIdleStrategy(10, 5, 1_000, 100_000),
            4 * window, batch), ingress, TimeUnit.SECONDS.toMillis(120));
    }
}
