package io.kairos.cli;

import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlMember;
import io.kairos.store.SharedObjectStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code kairos cluster up} and {@code kairos cluster down}: a whole cluster on this machine, on loopback (control
 * store members and nodes as separate processes), for development and tests.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Starts (up) or stops (down) a cluster of separate processes on this machine, on loopback.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
final class ClusterCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("kairos cluster up | down (see kairos cluster up --help)");
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts the control store's members and the nodes as separate processes on loopback, waits "
            + "until every node has joined, prints how to connect and how to stop.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--control-members", defaultValue = "3",
            description = "How many control store members: 3 survive the loss of one, 1 is for development "
                + "(default ${DEFAULT-VALUE}).")
        int members;

        @Option(names = "--cpus", defaultValue = "2", description = "CPUs each node offers (default ${DEFAULT-VALUE}).")
        double cpus;

        @Option(names = "--store-bytes", defaultValue = "134217728",
            description = "Each node's object store (default ${DEFAULT-VALUE}).")
        long storeBytes;

        @Option(names = "--node-timeout-ms", defaultValue = "5000",
            description = "A node silent this long is declared dead (default ${DEFAULT-VALUE}).")
        long nodeTimeoutMs;

        @Option(names = "--cluster-dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}/kairos-cluster",
            description = "Where logs, state and the secret go (default ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--timeout-s", defaultValue = "60", description = "How long to wait for the nodes to join.")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            if (nodes < 1 || nodes > 64) {
                throw new IllegalArgumentException("--nodes " + nodes + " is outside 1..64");
            }
            if (members != 1 && members != 3 && members != 5) {
                throw new IllegalArgumentException("--control-members " + members + " must be 1, 3 or 5");
            }
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve(LocalCluster.FILE)) && !LocalCluster.read(dir).live().isEmpty()) {
                throw new IllegalStateException("a cluster is already up in " + dir + " (processes "
                    + LocalCluster.read(dir).live().stream().map(p -> Long.toString(p.pid())).toList()
                    + "); stop it with kairos cluster down --cluster-dir " + dir);
            }
            final Path secret = writeSecret(dir.resolve("cluster.secret"));
            final String control = loopbackMembers(members);
            final List<Long> pids = new ArrayList<>();
            final List<Process> started = new ArrayList<>();
            try {
                started.addAll(startMembers(dir, control, members, secret, "--node-timeout-ms",
                    Long.toString(nodeTimeoutMs)));
                for (int i = 0; i < nodes; i++) {
                    started.add(ChildJvm.start(dir.resolve("node-" + i + ".log"), "node", "--control", control,
                        "--secret-file", secret.toString(), "--node-id", "node-" + i, "--resources", "CPU=" + cpus,
                        "--dir", dir.resolve("node-" + i).toString(), "--store-bytes", Long.toString(storeBytes)));
                }
                started.forEach(p -> pids.add(p.pid()));
                new LocalCluster(dir, control, secret, pids).write();
                awaitNodes(ControlMember.ingressEndpoints(ControlMember.parseMembers(control)),
                    ClusterSecret.load(secret), started);
            } catch (final RuntimeException | IOException e) {
                for (final Process p : started) {
                    p.destroyForcibly();
                }
                throw e;
            }
            System.out.println("cluster up: " + members + " control store member(s) at " + control + ", " + nodes
                + " node(s) with " + cpus + " CPU(s) each; logs and state in " + dir);
            System.out.println("  status:  kairos status --cluster-dir " + dir);
            System.out.println("  connect: kairos node --control " + control + " --secret-file " + secret
                + "   (or, embedded: new KernelContext().cluster(new AeronClusterTransport(...)))");
            System.out.println("  stop:    kairos cluster down --cluster-dir " + dir);
            return 0;
        }

        private void awaitNodes(final String ingress, final ClusterSecret secret, final List<Process> started) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            RuntimeException last = null;
            while (System.nanoTime() - deadline < 0) {
                for (final Process p : started) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a process of the cluster exited with " + p.exitValue()
                            + " while starting; see the logs in " + dir);
                    }
                }
                try (ControlStoreQuery query = new ControlStoreQuery(ingress, secret, 2_000)) {
                    while (System.nanoTime() - deadline < 0) {
                        final long alive = query.client().listNodes().members().stream()
                            .filter(m -> m.status().alive()).count();
                        if (alive >= nodes) {
                            return;
                        }
                        Thread.onSpinWait();
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                } catch (final RuntimeException e) {
                    last = e;  // the control store is still electing its leader: ask again
                }
            }
            throw new IllegalStateException("the cluster's " + nodes + " node(s) did not all join within "
                + timeoutSeconds + " s; see the logs in " + dir + (last != null ? " (" + last.getMessage() + ")" : ""));
        }

        /** "localhost:base,..." for count control-store members, each base with its 5 ports free now. */
        static String loopbackMembers(final int count) {
            final StringBuilder control = new StringBuilder();
            for (final int base : freeBasePorts(count)) {
                control.append(control.length() == 0 ? "" : ",").append("localhost:").append(base);
            }
            return control.toString();
        }

        /** Starts the control store's members as processes (kairos control), logs and directories under dir. */
        static List<Process> startMembers(final Path dir, final String control, final int count, final Path secret,
                                          final String... more) throws IOException {
            final List<Process> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final List<String> args = new ArrayList<>(List.of("control", "--members", control, "--member-index",
                    Integer.toString(i), "--dir", dir.resolve("control-" + i).toString(), "--secret-file",
                    secret.toString()));
                args.addAll(List.of(more));
                try {
                    started.add(ChildJvm.start(dir.resolve("control-" + i + ".log"), args.toArray(new String[0])));
                } catch (final IOException | RuntimeException e) {
                    started.forEach(Process::destroyForcibly);
                    throw e;
                }
            }
            return started;
        }

        static Path writeSecret(final Path file) throws IOException {
            final byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getEncoder().encodeToString(random) + "\n", StandardCharsets.US_ASCII);
            return file;
        }

        /** Base ports for the members, each with its 5 ports free on loopback now. */
        static List<Integer> freeBasePorts(final int count) {
            final List<Integer> bases = new ArrayList<>();
            final SecureRandom random = new SecureRandom();
            for (int attempt = 0; bases.size() < count && attempt < 1_000; attempt++) {
                final int base = 20_000 + random.nextInt(30_000) / 10 * 10;
                if (bases.stream().noneMatch(b -> Math.abs(b - base) < ControlMember.PORTS_PER_MEMBER) && free(base)) {
                    bases.add(base);
                }
            }
            if (bases.size() < count) {
                throw new IllegalStateException("no free ports on loopback for " + count + " control store members");
            }
            return bases;
        }

        private static boolean free(final int base) {
            for (int p = base; p < base + ControlMember.PORTS_PER_MEMBER; p++) {
                try (DatagramSocket socket = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                    socket.getLocalPort();
                } catch (final IOException e) {
                    return false;
                }
            }
            return true;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops the processes kairos cluster up started (SIGTERM, then SIGKILL after 15 s).")
    static final class Down implements Callable<Integer> {
        @Option(names = "--cluster-dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}/kairos-cluster",
            description = "The cluster's directory (default ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            final LocalCluster cluster = LocalCluster.read(dir);
            final List<ProcessHandle> live = cluster.live();
            for (int i = live.size() - 1; i >= 0; i--) {  // nodes first: they say goodbye to the control store
                live.get(i).destroy();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            for (final ProcessHandle p : live) {
                try {
                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (final Exception e) {
                    p.destroyForcibly();
                }
            }
            SharedObjectStore.removeStaleSegments();
            Files.deleteIfExists(dir.resolve(LocalCluster.FILE));
            System.out.println("cluster down: stopped " + live.size() + " process(es) of " + dir);
            return 0;
        }
    }
}
