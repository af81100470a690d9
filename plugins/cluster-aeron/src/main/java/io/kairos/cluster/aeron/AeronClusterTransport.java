package io.kairos.cluster.aeron;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.kairos.spi.cluster.ClusterListener;
import io.kairos.spi.cluster.ClusterNode;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ObjectSink;
import io.kairos.spi.cluster.ObjectSource;
import io.kairos.spi.scheduling.FixedPoint;
import org.agrona.CloseHelper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A kernel's membership of a Kairos cluster, on Aeron: it registers with the control store (Aeron Cluster, through
 * {@link ControlClient}), heartbeats to it, learns who else is in the cluster when the membership version changes,
 * and moves messages between members over Aeron UDP (one subscription on this member's endpoint, one publication to
 * each other member's).
 *
 * <p>Two threads: the transport thread ({@link TransportDuty}) runs the media driver and polls the data
 * subscription, handing whole messages to the kernel (and then letting the kernel act on them on that thread,
 * {@link ClusterListener#onMessagesDelivered}); the control thread heartbeats, refreshes the membership and tells the
 * kernel who joined and left. A thread that sends runs the driver itself, so its datagram leaves at once. A message longer than one
 * Aeron message is sent in parts and put back together by the receiver (Aeron keeps a publication's messages in
 * order). Each publication starts with a hello naming its sender and endpoint, so a member can answer another
 * before the control store has told it about the newcomer.
 *
 * <p>Data frames: type (byte): {@code HELLO} name (string) endpoint (string) | {@code WHOLE} payload |
 * {@code PART} payload (more follow) | {@code LAST} payload (the message ends) | {@code CHALLENGE} session id (int),
 * nonce (32 bytes) | {@code PROOF} session id (int), HMAC-SHA256(secret, nonce, session id, prover, verifier); strings as length (int) + UTF-8. A
 * member holds another's messages until it answered this member's challenge ({@link InboundSessions}): only
 * members that hold the cluster's secret are heard.
 *
 * <p>Large objects go beside Aeron, on an authenticated TCP connection per pair of members ({@link BulkChannel},
 * {@link #serveObjects}, {@link #pullObject}): its port is in the hello.
 */
public final class AeronClusterTransport implements ClusterTransport {
    /** The longest message {@link #send} takes. */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    /**
     * System property: "false" turns the bulk channel for large objects off ({@link BulkChannel}; they then go in
     * messages over Aeron).
     */
    public static final String BULK_PROP = "kairos.cluster.bulk";

    private static final int FRAGMENT_LIMIT = 64;

    private final Settings settings;
    private final TransportIdle idle;
    private final ControlRequests requests;
    private final Map<String, PeerChannel> peers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private TransportDuty duty;
    private Aeron aeron;
    private Subscription subscription;
    private ControlClient control;
    private ClusterListener listener;
    private ClusterNode self;
    private String endpoint;
    private long incarnation;
    private long membershipVersion = -1;
    private int failedBeats;
    /** A heartbeat's wait for its reply: 5 intervals, at least 2 s, at most the connect timeout. */
    private final long heartbeatReplyNs;
    /** The members the kernel was told about: name to incarnation. */
    private final Map<String, Long> known = new HashMap<>();
    private volatile Map<String, Double> available = Map.of();
    private volatile boolean running;
    /** Control store work asked for from other threads, done by the control thread (the client is its alone). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> controlTasks =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile InboundSessions inbound;
    private Thread controller;
    /** Large objects: served from objectSource and pulled over TCP, beside Aeron (null: off). */
    private volatile ObjectSource objectSource;
    private volatile BulkChannel bulk;
    /** Where other members' bulk channels listen, learnt from their proved hellos. */
    private final Map<String, java.net.InetSocketAddress> bulkEndpoints = new ConcurrentHashMap<>();
    /** The temporary directory this transport made for its media driver, removed on close; null if given one. */
    private Path ownDirectory;

    /** How to reach the control store and where this member listens. */
    public record Settings(String controlEndpoints, String bindHost, int port, Path aeronDirectory,
                           long heartbeatIntervalMs, long connectTimeoutMs, ClusterSecret secret) {
        /**
         * @param controlEndpoints the control store members' client endpoints, "0=host:port,1=host:port,..." (Aeron
         *                         Cluster's ingress endpoints)
         * @param bindHost         the interface this member's messages arrive on, e.g. "localhost"
         * @param port             its port, 0 for any free one
         * @param aeronDirectory   the media driver's directory (deleted on close), or null for a new temporary one
         * @param heartbeatIntervalMs how often to heartbeat to the control store (well under its node timeout)
         * @param connectTimeoutMs how long to try to reach the control store before giving up
         * @param secret           the cluster's secret: the control store admits only members that prove they hold it
         */
        public Settings {
            if (controlEndpoints == null || controlEndpoints.isBlank()) {
                throw new IllegalArgumentException("controlEndpoints must name the control store's members, e.g. "
                    + "0=host:port,1=host:port,2=host:port; was " + (controlEndpoints == null ? "null" : "empty"));
            }
            if (bindHost == null || bindHost.isBlank()) {
                throw new IllegalArgumentException("bindHost must be a host name or address, was "
                    + (bindHost == null ? "null" : "empty"));
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
            if (heartbeatIntervalMs < 10 || heartbeatIntervalMs > 60_000) {
                throw new IllegalArgumentException("heartbeatIntervalMs " + heartbeatIntervalMs + " is outside 10..60000");
            }
            if (connectTimeoutMs < 100) {
                throw new IllegalArgumentException("connectTimeoutMs " + connectTimeoutMs + " must be >= 100");
            }
            if (secret == null) {
                throw new IllegalArgumentException("secret must be the cluster's secret (ClusterSecret.load), was null");
            }
        }

        /** Loopback, any port, a temporary directory, a heartbeat every 500 ms, 10 s to connect. */
        public static Settings loopback(final String controlEndpoints, final ClusterSecret secret) {
            return new Settings(controlEndpoints, "localhost", 0, null, 500, 10_000, secret);
        }
    }

    /**
     * @throws IllegalArgumentException if the system property {@value TransportIdle#PROPERTY} names no mode
     */
    public AeronClusterTransport(final Settings settings) {
        this.settings = settings;
        this.idle = TransportIdle.fromSystemProperty();
        this.heartbeatReplyNs = TimeUnit.MILLISECONDS.toNanos(
            Math.min(settings.connectTimeoutMs(), Math.max(2_000, 5 * settings.heartbeatIntervalMs())));
        this.requests = new ControlRequests(new ControlRequests.Member() {
            @Override
            public ControlClient control() {
                return control;
            }

            @Override
            public long incarnation() {
                return incarnation;
            }

            @Override
            public Map<String, Long> members() {
                final Map<String, Long> members = new HashMap<>(known);
                members.put(self.nodeId(), incarnation);
                return members;
            }

            @Override
            public void onControlThread(final Runnable task) {
                AeronClusterTransport.this.onControlThread(task);
            }
        }, settings.controlEndpoints(), settings.connectTimeoutMs());
    }

    @Override
    public synchronized void join(final ClusterNode node, final ClusterListener events) {
        if (listener != null) {
            throw new IllegalStateException("this transport has joined already, as '" + self.nodeId() + "'");
        }
        this.self = node;
        this.listener = events;
        try {
            final Path dir;
            if (settings.aeronDirectory() != null) {
                dir = settings.aeronDirectory();
            } else {
                dir = Files.createTempDirectory("kairos-aeron-");
                ownDirectory = dir;
            }
            duty = TransportDuty.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir.resolve("driver").toString())
                .termBufferSparseFile(true)
                .publicationTermBufferLength(PeerChannel.TERM_LENGTH)
                // big objects cross in 256 KiB frames: 8 KiB datagrams and a 2 MiB window (not 1408 B and 128 KiB)
                .mtuLength(PeerChannel.MTU)
                .socketRcvbufLength(PeerChannel.WINDOW)
                .socketSndbufLength(PeerChannel.WINDOW)
                .initialWindowLength(PeerChannel.WINDOW)
                .ipcTermBufferLength(PeerChannel.TERM_LENGTH)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true), idle, "kairos-cluster-transport");
            aeron = duty.connectClient();
            if (objectSource != null) {
                bulk = new BulkChannel(node.nodeId(), settings.secret(), objectSource, settings.bindHost(),
                    settings.connectTimeoutMs());
            }
            subscription = aeron.addSubscription("aeron:udp?endpoint=" + settings.bindHost() + ":" + settings.port(),
                PeerChannel.STREAM_ID);
            endpoint = PeerChannel.resolvedEndpoint(subscription, settings.bindHost(), settings.port());
            control = connectControl();
            register();
            refreshMembership();
        } catch (final RuntimeException | java.io.IOException e) {
            closeQuietly();
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new IllegalStateException("node '" + node.nodeId() + "' could not join the cluster at "
                + settings.controlEndpoints() + ": " + e.getMessage(), e);
        }
        running = true;
        inbound = newInbound();
        final InboundSessions sessions = inbound;
        final Subscription from = subscription;
        final ClusterListener kernel = listener;
        final io.aeron.logbuffer.FragmentHandler handler = new io.aeron.FragmentAssembler(sessions::onFrame);
        duty.receiveWith(() -> {
            final int fragments = from.poll(handler, FRAGMENT_LIMIT);
            if (fragments > 0) {
                kernel.onMessagesDelivered();
            }
            return fragments + sessions.retry();
        });
        controller = new Thread(this::heartbeats, "kairos-cluster-control");
        controller.setDaemon(true);
        controller.start();
    }

    /** Where other members reach this one, "host:port" (after {@link #join}). */
    public String endpoint() {
        return endpoint;
    }

    /**
     * Connects to the control store, trying every member until the connect timeout ({@link ControlConnect}); a wrong
     * secret is not tried again.
     */
    private ControlClient connectControl() {
        try {
            return ControlConnect.withRetries(attemptMs -> ControlClient.connect(new AeronCluster.Context()
                .aeronDirectoryName(duty.aeronDirectoryName())
                .egressChannel("aeron:udp?endpoint=" + settings.bindHost() + ":0")
                .ingressChannel("aeron:udp")
                .ingressEndpoints(settings.controlEndpoints())
                .credentialsSupplier(settings.secret().credentials(self.nodeId()))
                .messageTimeoutNs(TimeUnit.MILLISECONDS.toNanos(attemptMs))
                .newLeaderTimeoutNs(TimeUnit.MILLISECONDS.toNanos(Math.max(settings.connectTimeoutMs(), 4_000))),
                TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs())), settings.controlEndpoints(),
                settings.connectTimeoutMs());
        } catch (final io.aeron.security.AuthenticationException e) {
            throw new IllegalStateException("node '" + self.nodeId() + "' was refused by the control store at "
                + settings.controlEndpoints() + ": " + e.getMessage(), e);
        } catch (final IllegalStateException e) {
            throw new IllegalStateException("node '" + self.nodeId() + "' could not join: " + e.getMessage(), e);
        }
    }

    private void register() {
        long id;
        do {
            id = random.nextLong() & Long.MAX_VALUE;
        } while (id == 0);
        final Map<String, Long> totals = new LinkedHashMap<>();
        self.resources().forEach((name, units) -> totals.put(name, FixedPoint.fromUnits(units, "resource '" + name + "'")));
        try {
            control.registerNode(id, self.nodeId(), endpoint, totals, self.labels());
        } catch (final ControlRejection e) {
            throw new IllegalStateException("the control store at " + settings.controlEndpoints() + " refused node '"
                + self.nodeId() + "': " + e.getMessage(), e);
        }
        incarnation = id;
        DriverJobs.register(control, id, self);  // a driver (no resources offered) is a job in the control store
    }

    // ------------------------------------------------------------------------------------------------------------
    // control thread: heartbeats and membership

    private void heartbeats() {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(settings.heartbeatIntervalMs());
        long next = System.nanoTime() + intervalNs;
        while (running) {
            Runnable task;
            while ((task = controlTasks.poll()) != null) {
                try {
                    task.run();
                } catch (final RuntimeException e) {
                    System.err.println("kairos: node '" + self.nodeId() + "': a control store request failed: "
                        + e.getMessage());
                }
            }
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                continue;
            }
            next += intervalNs;
            try {
                beat();
                failedBeats = 0;
            } catch (final RuntimeException e) {
                if (!running) {
                    return;
                }
                System.err.println("kairos: node '" + self.nodeId() + "': heartbeat to the control store failed: "
                    + e.getMessage());
                if (control.isClosed() || ++failedBeats >= 3) {  // else the session follows a new leader by itself
                    reconnect();
                }
            }
        }
    }

    private void beat() {
        final Map<String, Long> amounts = new LinkedHashMap<>();
        available.forEach((name, units) -> {
            if (self.resources().containsKey(name)) {
                final long total = FixedPoint.fromUnits(self.resources().get(name), name);
                amounts.put(name, Math.max(0, Math.min(FixedPoint.fromUnits(Math.max(0, units), name), total)));
            }
        });
        final long version;
        try {
            version = control.heartbeat(incarnation, amounts, heartbeatReplyNs);
        } catch (final ControlRejection e) {
            if (e.status() == ControlStatus.CONFLICT || e.status() == ControlStatus.NOT_FOUND) {
                System.err.println("kairos: node '" + self.nodeId() + "' was declared dead by the control store; "
                    + "joining again");
                for (final String name : new java.util.ArrayList<>(known.keySet())) {  // the kernel runs its work again
                    forget(name, "this member was declared dead by the control store (missed heartbeats), which "
                        + "dropped its work everywhere");
                }
                register();
                refreshMembership();
                return;
            }
            throw e;
        }
        if (version != membershipVersion) {
            refreshMembership();
        }
    }

    /** A member left (for this one): its channels close and the kernel hears it. */
    private void forget(final String name, final String reason) {
        known.remove(name);
        final PeerChannel gone = peers.remove(name);
        if (gone != null) {
            gone.close();
        }
        bulkEndpoints.remove(name);
        final BulkChannel b = bulk;
        if (b != null) {
            b.left(name);
        }
        listener.onNodeLeft(name, reason);
    }

    private void reconnect() {
        CloseHelper.quietClose(control);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs());
        while (running && System.nanoTime() - deadline < 0) {
            try {
                control = connectControl();
                beat();
                return;
            } catch (final RuntimeException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    /** Reads the node table; tells the kernel who joined and who left since the last look. */
    private void refreshMembership() {
        final ControlClient.Membership membership = control.listNodes();
        final Map<String, ControlClient.Member> alive = new HashMap<>();
        for (final ControlClient.Member m : membership.members()) {
            if (m.status().alive() && m.nodeId() != incarnation) {
                alive.put(m.name(), m);
            }
        }
        for (final Map.Entry<String, Long> k : Map.copyOf(known).entrySet()) {
            final ControlClient.Member now = alive.get(k.getKey());
            if (now == null || now.nodeId() != k.getValue()) {
                forget(k.getKey(), now == null ? "it left or missed its heartbeats" : "it restarted");
            }
        }
        for (final ControlClient.Member m : alive.values()) {
            if (!known.containsKey(m.name())) {
                known.put(m.name(), m.nodeId());
                peer(m.name(), m.endpoint());
                final Map<String, Double> resources = new LinkedHashMap<>();
                m.status().totalResources().forEach((name, fixed) -> resources.put(name, FixedPoint.toUnits(fixed)));
                listener.onNodeJoined(new ClusterNode(m.name(), resources, m.status().labels()));
            }
        }
        membershipVersion = membership.version();
    }

    // ------------------------------------------------------------------------------------------------------------
    // sending

    private PeerChannel peer(final String name, final String at) {
        final BulkChannel b = bulk;
        final int bulkPort = b == null ? 0 : b.port();
        return peers.computeIfAbsent(name, n -> new PeerChannel(aeron, n, at, self.nodeId(), endpoint, bulkPort,
            settings.connectTimeoutMs(), channel -> running && peers.get(n) == channel, duty::sendNow));
    }

    @Override
    public int frameBytes() {
        return PeerChannel.FRAME_PAYLOAD;  // delivered from the receiver's term buffer, not joined from parts
    }

    @Override
    public boolean send(final String nodeId, final byte[] message, final int offset, final int length) {
        if (length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message of " + length + " bytes is longer than " + MAX_MESSAGE_BYTES);
        }
        final PeerChannel peer = peers.get(nodeId);
        return peer != null && running && peer.send(message, offset, length);
    }

    /** Large objects go on the bulk channel unless {@link #BULK_PROP} is "false". */
    @Override
    public boolean serveObjects(final ObjectSource source) {
        if ("false".equalsIgnoreCase(System.getProperty(BULK_PROP, "true"))) {
            return false;
        }
        if (listener != null) {
            throw new IllegalStateException("serveObjects must come before join");
        }
        objectSource = source;
        return true;
    }

    @Override
    public boolean pullObject(final String nodeId, final long objectId, final ObjectSink sink) {
        final BulkChannel b = bulk;
        final java.net.InetSocketAddress at = bulkEndpoints.get(nodeId);
        return b != null && at != null && running && peers.containsKey(nodeId) && b.pull(nodeId, at, objectId, sink);
    }

    /** Objects this member pulled whole on its bulk channel, and their bytes ({0, 0} with none). */
    public long[] bulkPulled() {
        final BulkChannel b = bulk;
        return b == null ? new long[2] : b.pulled();
    }

    /** Bulk connections refused: a wrong proof of the secret, a stranger, or too many. */
    public long refusedBulkConnections() {
        final BulkChannel b = bulk;
        return b == null ? 0 : b.refusals();
    }

    @Override
    public int maxMessageBytes() {
        return MAX_MESSAGE_BYTES;
    }

    @Override
    public void publishActor(final String name, final String nodeId, final long actorId) {
        requests.publishActor(name, nodeId, actorId);
    }

    @Override
    public void claimActorName(final String name) {
        requests.claimActorName(name);
    }

    @Override
    public void adoptActor(final String name, final String nodeId, final long actorId) {
        requests.publishActor(name, nodeId, actorId, true);
    }

    @Override
    public void unpublishActor(final String name) {
        requests.unpublishActor(name);
    }

    @Override
    public ActorLocation lookupActor(final String name) {
        return requests.lookupActor(name);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> recordPlacementGroup(final PlacementGroupRecord group) {
        return requests.recordPlacementGroup(group);
    }

    @Override
    public void forgetPlacementGroup(final long groupId) {
        requests.forgetPlacementGroup(groupId);
    }

    /** Control-store work asked for from another thread: done by the control thread (the client is its alone). */
    private void onControlThread(final Runnable task) {
        if (!running) {
            throw new IllegalStateException("the transport of node '" + (self != null ? self.nodeId() : "?")
                + "' is not joined");
        }
        controlTasks.add(task);
        java.util.concurrent.locks.LockSupport.unpark(controller);
    }

    @Override
    public void reportAvailable(final Map<String, Double> amounts) {
        available = Map.copyOf(amounts);
    }

    // ------------------------------------------------------------------------------------------------------------
    // receiving

    /** Sessions of other members' channels this member refused (no proof of the secret). */
    public long refusedSessions() {
        return inbound == null ? 0 : inbound.refusals();
    }

    private InboundSessions newInbound() {
        return new InboundSessions(self.nodeId(), settings.secret(), listener,
            new InboundSessions.Peers() {
                @Override
                public PeerChannel peer(final String name, final String at) {
                    return AeronClusterTransport.this.peer(name, at);
                }

                @Override
                public PeerChannel peer(final String name) {
                    return peers.get(name);
                }

                @Override
                public void proved(final String name, final String at, final int bulkPort) {
                    final int colon = at.lastIndexOf(':');
                    String host = colon < 0 ? at : at.substring(0, colon);
                    if (host.startsWith("[") && host.endsWith("]")) {
                        host = host.substring(1, host.length() - 1);
                    }
                    bulkEndpoints.put(name, new java.net.InetSocketAddress(host, bulkPort));
                }
            }, TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs()));
    }

    // ------------------------------------------------------------------------------------------------------------

    @Override
    public synchronized void close() {
        final boolean wasRunning = running;
        running = false;
        if (wasRunning) {
            duty.stopReceiving();  // nothing more reaches the kernel; the driver runs on for the goodbye below
            join(controller);
            try {
                control.deregisterNode(incarnation);
            } catch (final RuntimeException e) {
                // the control store will declare this member dead after its timeout instead
            }
        }
        closeQuietly();
    }

    private static void join(final Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        final BulkChannel b = bulk;
        bulk = null;
        if (b != null) {
            b.close();  // before the kernel's store goes: no pull writes into it after this
        }
        bulkEndpoints.clear();
        for (final PeerChannel p : peers.values()) {
            p.close();
        }
        peers.clear();
        if (duty != null) {
            duty.stopReceiving();
        }
        CloseHelper.quietCloseAll(control, subscription, aeron, duty);
        control = null;
        subscription = null;
        aeron = null;
        duty = null;
        if (ownDirectory != null) {
            org.agrona.IoUtil.delete(ownDirectory.toFile(), true);  // a failure leaves it in the temporary directory
            ownDirectory = null;
        }
    }
}
