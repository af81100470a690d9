package io.kairos.cli;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kairos node}: a kernel process that joins a cluster as one node, runs the work other members send it, and
 * leaves when stopped (Ctrl-C or SIGTERM).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Starts a node: a kernel with its own object store that joins a cluster and runs the work its "
        + "members send it, until Ctrl-C or SIGTERM.")
final class NodeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--node-id", paramLabel = "ID", description = "Unique among the live nodes (default: host-pid).")
    String nodeId;

    @Option(names = "--resources", paramLabel = "NAME=AMOUNT,...",
        description = "What the node offers, e.g. CPU=16,GPU=4 (default: CPU=<this machine's processors>).")
    String resources;

    @Option(names = "--labels", paramLabel = "KEY=VALUE,...", description = "The node's labels, e.g. zone=a.")
    String labels;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "localhost",
        description = "The interface other members reach this node on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "Its port (default: any free one).")
    int port;

    @Option(names = "--dir", paramLabel = "DIR", description = "The node's working directory (default: a temporary one).")
    Path dir;

    @Option(names = "--store-bytes", paramLabel = "BYTES", defaultValue = "268435456",
        description = "The size of the node's shared-memory object store (default ${DEFAULT-VALUE}).")
    long storeBytes;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "500",
        description = "How often the node heartbeats to the control store (default ${DEFAULT-VALUE}).")
    long heartbeatMs;

    @Override
    public Integer call() throws Exception {
        final Map<String, Double> offered = resources != null ? parseAmounts("--resources", resources)
            : Map.of("CPU", (double) Runtime.getRuntime().availableProcessors());
        final Map<String, String> labelMap = labels != null ? parsePairs("--labels", labels) : Map.of();
        final Path workDir = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kairos-node-");
        final ClusterSecret secret = ClusterSecret.load(cluster.secret());
        final AeronClusterTransport transport = new AeronClusterTransport(new AeronClusterTransport.Settings(
            cluster.ingressEndpoints(), bind, port, workDir.resolve("aeron"), heartbeatMs, 10_000, secret));
        final KernelContext context = new KernelContext().objectStoreBytes(storeBytes).cluster(transport);
        if (nodeId != null) {
            context.node(nodeId, offered, labelMap);
        } else {
            offered.forEach(context::resource);
            labelMap.forEach(context::label);
            if (!offered.containsKey("CPU")) {
                context.cpus(0);
            }
        }
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        try (Kernel kernel = Kernel.start(context)) {
            final Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "kairos-node-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("node '" + kernel.resources().get(0).nodeId() + "' joined the cluster at "
                + cluster.controlMembers() + "; other members reach it at " + transport.endpoint() + "; offers "
                + offered + (labelMap.isEmpty() ? "" : ", labels " + labelMap));
            System.out.flush();
            stop.await();
            System.out.println("node '" + kernel.resources().get(0).nodeId() + "' leaving the cluster");
            System.out.flush();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** "CPU=16,GPU=4" as amounts, with an error naming the option and the bad entry. */
    static Map<String, Double> parseAmounts(final String option, final String text) {
        final Map<String, Double> amounts = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : parsePairs(option, text).entrySet()) {
            try {
                amounts.put(e.getKey(), Double.parseDouble(e.getValue()));
            } catch (final NumberFormatException ex) {
                throw new IllegalArgumentException(option + ": the amount of " + e.getKey() + ", '" + e.getValue()
                    + "', is not a number (e.g. CPU=16,GPU=4)");
            }
        }
        return amounts;
    }

    /** "a=1,b=2" as a map, with an error naming the option and the bad entry. */
    static Map<String, String> parsePairs(final String option, final String text) {
        final Map<String, String> pairs = new LinkedHashMap<>();
        for (final String entry : text.split(",")) {
            final int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(option + ": '" + entry + "' is not NAME=VALUE (e.g. "
                    + (option.equals("--labels") ? "zone=a,rack=3" : "CPU=16,GPU=4") + ")");
            }
            if (pairs.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(option + ": " + entry.substring(0, eq) + " is given twice");
            }
        }
        return pairs;
    }
}
