package io.kairos.cluster.aeron;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusterMarkFile;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * One member of the control store's Raft group, run in this process: an embedded {@link MediaDriver}, an
 * {@link Archive}, a {@link ConsensusModule} that admits only holders of the {@link ClusterSecret}, and a
 * {@link ClusteredServiceContainer} running {@link ControlService}. Start one per machine (three for a group that
 * survives the loss of one, one for development); every member is given the same members list.
 *
 * <h2>Port layout</h2>
 * Each member is named by one base endpoint {@code host:P}; it binds to {@code host} and uses the
 * {@value #PORTS_PER_MEMBER} UDP ports from {@code P}:
 * <pre>
 *   P + 0  client ingress   (ControlClient and nodes connect here)
 *   P + 1  consensus        (member to member: votes, appends, commit positions)
 *   P + 2  log              (the replicated log, leader to this follower)
 *   P + 3  catchup          (log replay to a member that was behind)
 *   P + 4  archive control  (the leader's archive, asked by followers for replication)
 * </pre>
 * so members on one host need base ports at least {@value #PORTS_PER_MEMBER} apart. Clients find the group through
 * {@link #ingressEndpoints(List)}.
 *
 * <h2>Directories</h2>
 * Under the caller's directory: {@code aeron/} (the media driver's files; transient, replaced at start and removed
 * at close), {@code archive/} (the recorded log and snapshots) and {@code cluster/} (Raft state). The last two are
 * what a restarted member catches up from; this class never deletes them. A running member holds
 * {@value #LOCK_FILE} locked; {@link #run} also writes {@value #STATUS_FILE}, the member's {@link Status} as
 * {@code key=value} lines.
 *
 * <h2>Security</h2>
 * Client sessions are authenticated by {@link ClusterSecretAuthenticator}. Aeron Cluster 1.51 does not
 * authenticate the member-to-member (consensus, log, catchup) or archive channels: bind them to loopback or to a
 * private interface that only members reach.
 * <p>
 * {@link #close()} is idempotent and stops the parts in reverse order.
 */
public final class ControlMember implements AutoCloseable {
    /** UDP ports each member uses from its base port. */
    public static final int PORTS_PER_MEMBER = 5;
    /** Offset of the client ingress port from the base port. */
    public static final int INGRESS_PORT_OFFSET = 0;
    /** Offset of the consensus port. */
    public static final int CONSENSUS_PORT_OFFSET = 1;
    /** Offset of the log port. */
    public static final int LOG_PORT_OFFSET = 2;
    /** Offset of the catchup port. */
    public static final int CATCHUP_PORT_OFFSET = 3;
    /** Offset of the archive control port. */
    public static final int ARCHIVE_PORT_OFFSET = 4;
    /** File {@link #run} keeps the member's status in, under its directory. */
    public static final String STATUS_FILE = "member-status";
    /** File a running member holds locked, under its directory. */
    public static final String LOCK_FILE = "member.lock";

    private static final System.Logger LOGGER = System.getLogger(ControlMember.class.getName());
    private static final String USAGE = "usage: control --members host:port,host:port,host:port --member-index N " +
        "--dir DIR --secret-file FILE [--node-timeout-ms MS] [--leader-heartbeat-timeout-ms MS] " +
        "[--idle backoff|backoff:US|yielding]";

    /**
     * A member's base endpoint.
     *
     * @param host name or address it binds to and is reached at.
     * @param port base port, 1..65535 - {@value #PORTS_PER_MEMBER} + 1.
     */
    public record Endpoint(String host, int port) {
        /**
         * @param offset one of the {@code *_PORT_OFFSET} constants.
         * @return {@code host:port+offset}.
         */
        public String endpoint(final int offset) {
            return host + ':' + (port + offset);
        }

        @Override
        public String toString() {
            return host + ':' + port;
        }
    }

    /**
     * What a member reports of itself.
     *
     * @param memberId    its id.
     * @param role        LEADER, FOLLOWER, CANDIDATE, or STARTING before its service has started.
     * @param logPosition of the last log entry its service applied; -1 before it started.
     * @param nodeCount   nodes in its state.
     * @param stateDigest CRC32C of its state's snapshot bytes: equal on members at the same log position.
     */
    public record Status(int memberId, String role, long logPosition, int nodeCount, long stateDigest) {
    }

    private final ControlMemberConfig config;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final StatusReportingService service;
    private final AtomicBoolean terminated = new AtomicBoolean();
    private boolean closed;

    private ControlMember(final ControlMemberConfig config) {
        this.config = config;
        this.service = new StatusReportingService(
            new ControlService(config.nodeTimeoutMs(), config.expiryIntervalMs()), config.memberIndex());
    }

    /**
     * Starts a member; returns once its parts run (the election goes on in the background).
     *
     * @param config of the member.
     * @return the running member; close it to stop it.
     */
    public static ControlMember start(final ControlMemberConfig config) {
        final ControlMember member = new ControlMember(config);
        try {
            member.launch();
            return member;
        } catch (final RuntimeException | Error ex) {
            member.close();
            throw ex;
        }
    }

    /**
     * @return the configuration it runs with.
     */
    public ControlMemberConfig config() {
        return config;
    }

    /**
     * @return its latest status; refreshed by the service thread at most every 100 ms.
     */
    public Status status() {
        return service.status();
    }

    /**
     * @return true once the consensus module or the service container has terminated (e.g. by a cluster shutdown).
     */
    public boolean isTerminated() {
        return terminated.get();
    }

    private void launch() {
        final Path dir = config.dir();
        lockDir(dir);
        setAsideStaleMarkFiles(dir);
        final Endpoint self = config.self();
        final int id = config.memberIndex();
        final String aeronDir = dir.resolve("aeron").toString();
        final ErrorHandler errorHandler = ex -> LOGGER.log(System.Logger.Level.WARNING,
            "control member " + id + ": " + ex, ex);
        final Runnable terminationHook = () -> terminated.set(true);

        parts.add(MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(config.newIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler)));
        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(dir.resolve("archive").toFile())
            .archiveId(id)
            .controlChannel("aeron:udp?endpoint=" + self.endpoint(ARCHIVE_PORT_OFFSET))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + self.host() + ":0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(config::newIdleStrategy)
            .deleteArchiveOnStart(false)
            .errorHandler(errorHandler);
        parts.add(Archive.launch(archive));
        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .aeronDirectoryName(aeronDir)
            .controlRequestChannel("aeron:ipc?term-length=64k")
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel("aeron:ipc?term-length=64k");
        final java.io.File clusterDir = dir.resolve("cluster").toFile();
        parts.add(ConsensusModule.launch(new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(id)
            .clusterMembers(clusterMembers(config.members()))
            .clusterDir(clusterDir)
            .ingressChannel("aeron:udp?term-length=64k")
            .logChannel("aeron:udp?term-length=256k")
            .replicationChannel("aeron:udp?endpoint=" + self.host() + ":0")
            .archiveContext(archiveClient.clone())
            .authenticatorSupplier(config.secret().authenticator())
            .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatTimeoutMs()))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatIntervalMs()))
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.electionTimeoutMs()))
            .idleStrategySupplier(config::newIdleStrategy)
            .deleteDirOnStart(false)
            .terminationHook(terminationHook)
            .errorHandler(errorHandler)));
        parts.add(ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .clusterDir(clusterDir)
            .archiveContext(archiveClient.clone())
            .clusteredService(service)
            .idleStrategySupplier(config::newIdleStrategy)
            .terminationHook(terminationHook)
            .errorHandler(errorHandler)));
    }

    /**
     * Takes {@value #LOCK_FILE} for the life of this member, so that two members never share a directory. The lock
     * goes with the process, {@code kill -9} included.
     */
    private void lockDir(final Path dir) {
        try {
            Files.createDirectories(dir);
            final FileChannel channel = FileChannel.open(
                dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = null;
            try {
                lock = channel.tryLock();
            } catch (final OverlappingFileLockException ex) {
                // held by a member in this JVM
            } catch (final IOException | RuntimeException ex) {
                channel.close();
                throw ex;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("dir " + dir + " is in use by another control member (lock " +
                    dir.resolve(LOCK_FILE) + ")");
            }
            parts.add(channel);
        } catch (final IOException ex) {
            throw new UncheckedIOException("dir " + dir + " cannot be locked: " + ex, ex);
        }
    }

    /**
     * A member killed with {@code kill -9} leaves mark files whose recent activity stamps make Aeron refuse to start
     * for a while ("active mark file detected"). Holding the directory's lock proves their owner is gone, so they are
     * renamed to {@code *.prev} (their error logs kept for a post-mortem) and Aeron starts at once.
     */
    private static void setAsideStaleMarkFiles(final Path dir) {
        final Path[] markFiles = {
            dir.resolve("archive").resolve(ArchiveMarkFile.FILENAME),
            dir.resolve("cluster").resolve(ClusterMarkFile.FILENAME),
            dir.resolve("cluster").resolve(ClusterMarkFile.markFilenameForService(0))};
        for (final Path file : markFiles) {
            try {
                if (Files.exists(file)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".prev"),
                        StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (final IOException ex) {
                throw new UncheckedIOException("stale mark file " + file + " cannot be set aside: " + ex, ex);
            }
        }
    }

    /**
     * Stops the service container, consensus module, archive and media driver, in that order. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = parts.size() - 1; i >= 0; i--) {
            CloseHelper.quietClose(parts.get(i));
        }
        parts.clear();
    }

    /**
     * Parses a members list.
     *
     * @param members comma-separated {@code host:port} base endpoints, in member-id order; an IPv6 host in brackets.
     * @return the endpoints.
     * @throws IllegalArgumentException naming the bad entry and the expected form.
     */
    public static List<Endpoint> parseMembers(final String members) {
        if (members == null || members.isBlank()) {
            throw new IllegalArgumentException("members is empty: expected host:port,host:port,... (port 1..65535)");
        }
        final String[] entries = members.split(",", -1);
        final List<Endpoint> endpoints = new ArrayList<>(entries.length);
        for (int i = 0; i < entries.length; i++) {
            endpoints.add(parseEndpoint(i, entries[i].strip()));
        }
        validateMembers(endpoints);
        return endpoints;
    }

    private static Endpoint parseEndpoint(final int index, final String entry) {
        final int colon = entry.lastIndexOf(':');
        final String host = colon > 0 ? entry.substring(0, colon) : "";
        final String portText = colon >= 0 ? entry.substring(colon + 1) : "";
        int port = -1;
        if (portText.length() > 0 && portText.length() <= 5 && portText.chars().allMatch(Character::isDigit)) {
            port = Integer.parseInt(portText);
        }
        final boolean ipv6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        if (host.isEmpty() || port < 1 || port > 65535 || (!ipv6 && host.indexOf(':') >= 0) ||
            host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '|' || c == '=' || c == '?')) {
            throw new IllegalArgumentException("members: entry " + index + " '" + entry + "' is not host:port " +
                "(port 1..65535)");
        }
        return new Endpoint(host, port);
    }

    /**
     * Checks a members list: at least one, every base port leaves room for {@value #PORTS_PER_MEMBER} ports, and
     * members on one host do not share ports.
     *
     * @param members to check.
     * @throws IllegalArgumentException naming the entry and the limit.
     */
    static void validateMembers(final List<Endpoint> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members is empty: at least 1 member is needed (3 to survive a loss)");
        }
        for (int i = 0; i < members.size(); i++) {
            final Endpoint e = members.get(i);
            if (e.port() < 1 || e.port() > 65536 - PORTS_PER_MEMBER) {
                throw new IllegalArgumentException("members: entry " + i + " '" + e + "' has base port " + e.port() +
                    ", must be 1.." + (65536 - PORTS_PER_MEMBER) + " (each member uses " + PORTS_PER_MEMBER +
                    " ports from its base port)");
            }
            for (int j = 0; j < i; j++) {
                final Endpoint o = members.get(j);
                if (o.host().equalsIgnoreCase(e.host()) && Math.abs(o.port() - e.port()) < PORTS_PER_MEMBER) {
                    throw new IllegalArgumentException("members: entries " + j + " '" + o + "' and " + i + " '" + e +
                        "' share ports: each member uses " + PORTS_PER_MEMBER + " ports from its base port");
                }
            }
        }
    }

    /**
     * @param members base endpoints in member-id order.
     * @return Aeron's {@code clusterMembers} string for them.
     */
    public static String clusterMembers(final List<Endpoint> members) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            final Endpoint e = members.get(i);
            sb.append(i == 0 ? "" : "|").append(i)
                .append(',').append(e.endpoint(INGRESS_PORT_OFFSET))
                .append(',').append(e.endpoint(CONSENSUS_PORT_OFFSET))
                .append(',').append(e.endpoint(LOG_PORT_OFFSET))
                .append(',').append(e.endpoint(CATCHUP_PORT_OFFSET))
                .append(',').append(e.endpoint(ARCHIVE_PORT_OFFSET));
        }
        return sb.toString();
    }

    /**
     * @param members base endpoints in member-id order.
     * @return the {@code AeronCluster.Context.ingressEndpoints} string a client connects with.
     */
    public static String ingressEndpoints(final List<Endpoint> members) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(i).append('=').append(members.get(i).endpoint(INGRESS_PORT_OFFSET));
        }
        return sb.toString();
    }

    /**
     * Runs a member until the process is asked to stop (SIGINT, SIGTERM) or the member terminates: prints its role
     * changes to standard out and keeps {@value #STATUS_FILE} in its directory up to date. The entry point of
     * {@code kairos control}.
     *
     * @param config of the member.
     * @param out    where role changes are printed.
     */
    public static void run(final ControlMemberConfig config, final PrintStream out) {
        final AtomicBoolean running = new AtomicBoolean(true);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            running.set(false);
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "kairos-control-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final Path statusFile = config.dir().resolve(STATUS_FILE);
        try (ControlMember member = start(config)) {
            out.println("control member " + config.memberIndex() + " of " + config.members().size() + " started: " +
                "base " + config.self() + ", dir " + config.dir() + ", clients connect to " +
                ingressEndpoints(config.members()));
            out.flush();
            final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(20);
            Status last = null;
            while (running.get() && !member.isTerminated()) {
                final Status status = member.status();
                if (!status.equals(last)) {
                    if (last == null || !status.role().equals(last.role())) {
                        out.println("control member " + status.memberId() + " role " + status.role());
                        out.flush();
                    }
                    writeStatus(statusFile, status);
                    last = status;
                }
                idle.idle();
            }
            out.println("control member " + config.memberIndex() + " stopping");
            out.flush();
        } finally {
            stopped.countDown();
        }
        if (running.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException ignore) {
                // shutting down already
            }
        }
    }

    private static void writeStatus(final Path file, final Status status) {
        final String text = "memberId=" + status.memberId() + "\nrole=" + status.role() + "\nlogPosition=" +
            status.logPosition() + "\nnodeCount=" + status.nodeCount() + "\nstateDigest=" +
            Long.toHexString(status.stateDigest()) + "\n";
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException ex) {
            LOGGER.log(System.Logger.Level.WARNING, "status file " + file + " not written: " + ex);
        }
    }

    /**
     * {@code control --members h:p,h:p,h:p --member-index N --dir DIR --secret-file FILE [--node-timeout-ms MS]
     * [--leader-heartbeat-timeout-ms MS]}; exits 2 on bad arguments and 1 if the member fails, with the reason on
     * standard error.
     *
     * @param args the command line.
     */
    public static void main(final String[] args) {
        final ControlMemberConfig config;
        try {
            config = parseArgs(args);
        } catch (final IllegalArgumentException | UncheckedIOException ex) {
            System.err.println("error: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            run(config, System.out);
        } catch (final RuntimeException ex) {
            System.err.println("error: control member " + config.memberIndex() + " failed: " + ex.getMessage());
            ex.printStackTrace();
            System.exit(1);
        }
    }

    static ControlMemberConfig parseArgs(final String[] args) {
        final ControlMemberConfig.Builder builder = ControlMemberConfig.builder();
        String members = null;
        String index = null;
        String dir = null;
        String secretFile = null;
        for (int i = 0; i < args.length; i++) {
            final String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            final String value = args[++i];
            switch (name) {
                case "--members" -> members = value;
                case "--member-index" -> index = value;
                case "--dir" -> dir = value;
                case "--secret-file" -> secretFile = value;
                case "--node-timeout-ms" -> builder.nodeTimeoutMs(parseLong(name, value));
                case "--idle" -> builder.idleStrategy(value);
                case "--leader-heartbeat-timeout-ms" -> builder.leaderHeartbeatTimeoutMs(parseLong(name, value))
                    .leaderHeartbeatIntervalMs(Math.max(1, parseLong(name, value) / 10));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        required("--members", members);
        required("--member-index", index);
        required("--dir", dir);
        required("--secret-file", secretFile);
        return builder
            .members(parseMembers(members))
            .memberIndex((int)Math.max(-1, Math.min(Integer.MAX_VALUE, parseLong("--member-index", index))))
            .dir(Path.of(dir))
            .secret(ClusterSecret.load(Path.of(secretFile)))
            .build();
    }

    private static void required(final String name, final String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static long parseLong(final String name, final String value) {
        try {
            return Long.parseLong(value);
        } catch (final NumberFormatException ex) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }
}
