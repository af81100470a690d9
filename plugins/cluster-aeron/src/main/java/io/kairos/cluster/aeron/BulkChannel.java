package io.kairos.cluster.aeron;

import io.kairos.spi.cluster.ObjectSink;
import io.kairos.spi.cluster.ObjectSource;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large objects between members over TCP, beside the Aeron channels (Ray moves objects on a channel of their own
 * too): one connection from a puller to a holder, opened on the first pull and kept while both stay members. The
 * holder writes an object straight from its store's memory and the puller reads it straight into its own: the kernel
 * copies nothing, and no message goes through Aeron's term buffers, media drivers and 8 KiB datagrams.
 *
 * <p>Only members are heard: each side proves it holds the cluster's secret over the other's fresh nonce (as the
 * Aeron channels do, {@link InboundSessions}), the holder serves only objects held for the member that proved its
 * name, and a connection that does not prove itself within the connect timeout is closed. The server binds to the
 * member's interface (its {@code bindHost}), takes at most {@link #MAX_CONNECTIONS} connections, and closes them all
 * on {@link #close}; a member's connections close when it leaves.
 *
 * <p>Wire (big-endian; strings as length (int) + UTF-8):
 * <pre>
 * puller -> holder  HELLO  magic "KBLK" (int), version (byte), puller's name, nonce (32 bytes)
 * holder -> puller         holder's name, nonce (32), HMAC-SHA256(secret, puller's nonce | "bulk-holder\n" holder
 *                          "\n" puller)
 * puller -> holder         HMAC-SHA256(secret, holder's nonce | "bulk-puller\n" puller "\n" holder)
 * then, one pull at a time:
 * puller -> holder  PULL   object id (long)
 * holder -> puller         status (byte: 0 the object follows, 1 not held), length (long), the object's bytes
 * </pre>
 *
 * <p>Threads: an acceptor, one per connection served, one per member pulled from (its pulls go one after another).
 */
final class BulkChannel implements AutoCloseable {
    static final int MAGIC = 0x4B424C4B;  // "KBLK"
    static final byte VERSION = 1;
    static final int NONCE_BYTES = 32;
    static final int MAX_CONNECTIONS = 256;
    static final byte OBJECT = 0;
    static final byte NOT_HELD = 1;
    /** Heap buffers go through the socket in slices of this (the JDK copies a heap buffer into a direct one first). */
    private static final int HEAP_SLICE = 1 << 20;
    private static final int MAX_NAME_BYTES = 4096;
    private static final System.Logger LOG = System.getLogger(BulkChannel.class.getName());

    private final String self;
    private final ClusterSecret secret;
    private final ObjectSource source;
    private final int timeoutMs;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final SecureRandom random = new SecureRandom();
    /** Connections served, by the member that proved its name (closed when it leaves). */
    private final Set<Served> served = ConcurrentHashMap.newKeySet();
    /** Members pulled from: a connection and a thread each. */
    private final Map<String, Puller> pullers = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong pulledObjects = new AtomicLong();
    private final AtomicLong pulledBytes = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts serving source on bindHost (any free port).
     *
     * @param timeoutMs how long a connect and a handshake may take
     */
    BulkChannel(final String self, final ClusterSecret secret, final ObjectSource source, final String bindHost,
                final long timeoutMs) throws IOException {
        this.self = self;
        this.secret = secret;
        this.source = source;
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
        this.server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(bindHost, 0), 64);
        } catch (final IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        acceptor = new Thread(this::accept, "kairos-bulk-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port other members connect to. */
    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Connections refused: a wrong proof, a bad hello, or too many. */
    long refusals() {
        return refusals.get();
    }

    /** Objects pulled whole over this channel, and their bytes. */
    long[] pulled() {
        return new long[] {pulledObjects.get(), pulledBytes.get()};
    }

    // ------------------------------------------------------------------------------------------------------------
    // holder side

    private void accept() {
        while (!closed) {
            final SocketChannel channel;
            try {
                channel = server.accept();
            } catch (final IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "bulk channel of '" + self + "' stopped accepting: " + e);
                }
                return;
            }
            if (closed || served.size() >= MAX_CONNECTIONS) {
                refusals.incrementAndGet();
                quietClose(channel);
                continue;
            }
            final Served s = new Served(channel);
            served.add(s);
            final Thread t = new Thread(s, "kairos-bulk-serve");
            t.setDaemon(true);
            s.thread = t;
            t.start();
        }
    }

    /** One connection from a puller: the handshake, then its pulls until it closes. */
    private final class Served implements Runnable {
        final SocketChannel channel;
        volatile String peer;
        Thread thread;

        Served(final SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void run() {
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                peer = proveBoth();
                if (peer == null) {
                    return;
                }
                final ByteBuffer request = ByteBuffer.allocateDirect(8);
                final ByteBuffer header = ByteBuffer.allocateDirect(9);
                while (!closed) {
                    request.clear();
                    if (!readFully(channel, request)) {
                        return;  // the puller closed it
                    }
                    serve(request.getLong(0), header);
                }
            } catch (final IOException | RuntimeException e) {
                if (peer == null && !closed) {
                    refuse("a connection that did not prove itself in time: " + e);
                } else if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "bulk connection from '" + peer + "' ended: " + e);
                }
            } finally {
                served.remove(this);
                quietClose(channel);
            }
        }

        /** The puller's name once both sides proved the secret; null (and refused) otherwise. */
        private String proveBoth() throws IOException {
            channel.socket().setSoTimeout(timeoutMs);
            final DataInputStream in = new DataInputStream(channel.socket().getInputStream());
            final DataOutputStream out = new DataOutputStream(channel.socket().getOutputStream());
            if (in.readInt() != MAGIC || in.readByte() != VERSION) {
                return refuse("a connection that is not a Kairos bulk channel (or another version)");
            }
            final String puller = readName(in);
            final byte[] theirNonce = in.readNBytes(NONCE_BYTES);
            if (theirNonce.length != NONCE_BYTES) {
                return refuse("a connection that ended in its hello");
            }
            final byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            writeName(out, self);
            out.write(nonce);
            out.write(proof(theirNonce, "bulk-holder", self, puller));
            out.flush();
            final byte[] answer = in.readNBytes(32);
            if (!MessageDigest.isEqual(answer, proof(nonce, "bulk-puller", puller, self))) {
                return refuse("'" + puller + "' did not prove it holds the cluster secret");
            }
            channel.socket().setSoTimeout(0);
            return puller;
        }

        private String refuse(final String why) {
            refusals.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "bulk channel of '" + self + "' refused " + why);
            return null;
        }

        private void serve(final long objectId, final ByteBuffer header) throws IOException {
            final ObjectSource.Held held = source.open(peer, objectId);
            header.clear();
            if (held == null) {
                header.put(NOT_HELD).putLong(0).flip();
                writeFully(channel, header);
                return;
            }
            try {
                final ByteBuffer bytes = held.bytes().duplicate();
                bytes.position(0);
                header.put(OBJECT).putLong(bytes.remaining()).flip();
                writeFully(channel, header);
                writeFully(channel, bytes);
            } finally {
                held.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // puller side

    /**
     * Pulls an object from a member listening at host:port; the sink hears on the member's pull thread.
     *
     * @return false if this channel is closed (the sink hears nothing)
     */
    boolean pull(final String holder, final InetSocketAddress at, final long objectId, final ObjectSink sink) {
        while (!closed) {
            final Puller p = pullers.computeIfAbsent(holder, h -> new Puller(h, at));
            if (!p.at.equals(at)) {  // a new incarnation of the member, listening elsewhere
                if (pullers.remove(holder, p)) {
                    p.close();
                }
                continue;
            }
            try {
                p.executor.execute(new Pull(p, objectId, sink));
                return true;
            } catch (final RejectedExecutionException e) {
                pullers.remove(holder, p);  // it left just now: a fresh one for its next incarnation
            }
        }
        return false;
    }

    /** A member left: its connections close, and pulls from it fail. */
    void left(final String member) {
        final Puller p = pullers.remove(member);
        if (p != null) {
            p.close();
        }
        for (final Served s : served) {
            if (member.equals(s.peer)) {
                quietClose(s.channel);
            }
        }
    }

    /** A member pulled from: its connection (opened on the first pull) and the thread its pulls run on, in order. */
    private final class Puller {
        final String holder;
        final InetSocketAddress at;
        final ThreadPoolExecutor executor;
        final ByteBuffer request = ByteBuffer.allocateDirect(8);
        final ByteBuffer header = ByteBuffer.allocateDirect(9);
        volatile SocketChannel channel;

        Puller(final String holder, final InetSocketAddress at) {
            this.holder = holder;
            this.at = at;
            this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, "kairos-bulk-pull-" + holder);
                t.setDaemon(true);
                return t;
            });
        }

        /** The open connection, or a new one, proved both ways. */
        SocketChannel connection() throws IOException {
            SocketChannel c = channel;
            if (c != null && c.isOpen()) {
                return c;
            }
            c = SocketChannel.open();
            channel = c;
            if (closed || executor.isShutdown()) {
                quietClose(c);
                throw new IOException("the bulk channel to '" + holder + "' is closed");
            }
            try {
                c.socket().connect(at, timeoutMs);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.socket().setSoTimeout(timeoutMs);
                final DataInputStream in = new DataInputStream(c.socket().getInputStream());
                final DataOutputStream out = new DataOutputStream(c.socket().getOutputStream());
                final byte[] nonce = new byte[NONCE_BYTES];
                random.nextBytes(nonce);
                out.writeInt(MAGIC);
                out.writeByte(VERSION);
                writeName(out, self);
                out.write(nonce);
                out.flush();
                final String name = readName(in);
                final byte[] theirNonce = in.readNBytes(NONCE_BYTES);
                final byte[] answer = in.readNBytes(32);
                if (!name.equals(holder) || theirNonce.length != NONCE_BYTES
                    || !MessageDigest.isEqual(answer, proof(nonce, "bulk-holder", holder, self))) {
                    refusals.incrementAndGet();
                    throw new IOException("the bulk channel at " + at + " did not prove it is member '" + holder
                        + "' (it said '" + name + "')");
                }
                out.write(proof(theirNonce, "bulk-puller", self, holder));
                out.flush();
                c.socket().setSoTimeout(0);
                return c;
            } catch (final IOException | RuntimeException e) {
                quietClose(c);
                throw e;
            }
        }

        void close() {
            final List<Runnable> waiting = executor.shutdownNow();
            final SocketChannel c = channel;
            if (c != null) {
                quietClose(c);  // a pull blocked on it fails at once
            }
            for (final Runnable r : waiting) {
                ((Pull) r).sink.failed(false, "member '" + holder + "' left or this member closes");
            }
        }

        void awaitStopped() {
            try {
                executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One pull: exactly one of the sink's ends is called. */
    private final class Pull implements Runnable {
        final Puller from;
        final long objectId;
        final ObjectSink sink;

        Pull(final Puller from, final long objectId, final ObjectSink sink) {
            this.from = from;
            this.objectId = objectId;
            this.sink = sink;
        }

        @Override
        public void run() {
            boolean wrote = false;
            boolean ended = false;
            try {
                final SocketChannel open = from.channel;
                SocketChannel c = from.connection();
                if (!ask(c)) {
                    if (c != open) {
                        throw new IOException("member '" + from.holder + "' closed the bulk channel");
                    }
                    quietClose(c);  // a kept connection its holder had closed meanwhile: once more, on a new one
                    c = from.connection();
                    if (!ask(c)) {
                        throw new IOException("member '" + from.holder + "' closed the bulk channel");
                    }
                }
                final byte status = from.header.get(0);
                final long length = from.header.getLong(1);
                if (status == NOT_HELD) {
                    ended = true;
                    sink.failed(true, "not held at '" + from.holder + "'");
                    return;
                }
                if (status != OBJECT || length < 0) {
                    throw new IOException("member '" + from.holder + "' answered a pull with status " + status);
                }
                final ByteBuffer to = sink.destination(length);
                if (to == null) {
                    from.channel = null;
                    quietClose(c);  // the rest of the object is not read: this connection cannot go on
                    ended = true;
                    sink.failed(false, "no room for " + length + " bytes");
                    return;
                }
                wrote = true;
                if (!readFully(c, to)) {
                    throw new IOException("member '" + from.holder + "' closed the bulk channel mid-object");
                }
                ended = true;
                pulledObjects.incrementAndGet();
                pulledBytes.addAndGet(length);
                sink.completed();
            } catch (final IOException | RuntimeException e) {
                final SocketChannel c = from.channel;
                if (c != null) {
                    quietClose(c);
                }
                if (ended) {
                    LOG.log(System.Logger.Level.WARNING, "a pull from '" + from.holder + "' failed: " + e);
                    return;
                }
                sink.failed(false, "bulk channel to '" + from.holder + "': " + e + (wrote ? " (mid-object)" : ""));
            }
        }

        /** Sends the pull and reads the answer's header; false if the connection ended (or broke) before it. */
        private boolean ask(final SocketChannel c) throws IOException {
            from.request.clear();
            from.request.putLong(0, objectId);
            from.header.clear();
            try {
                writeFully(c, from.request);
                return readFully(c, from.header);
            } catch (final IOException e) {
                if (closed || from.header.position() > 0) {
                    throw e;
                }
                return false;  // reset, or a broken pipe: the holder closed it before answering
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /** HMAC-SHA256(secret, nonce | role "\n" prover "\n" verifier). */
    private byte[] proof(final byte[] nonce, final String role, final String prover, final String verifier) {
        final byte[] names = (role + "\n" + prover + "\n" + verifier).getBytes(StandardCharsets.UTF_8);
        final byte[] signed = new byte[nonce.length + names.length];
        System.arraycopy(nonce, 0, signed, 0, nonce.length);
        System.arraycopy(names, 0, signed, nonce.length, names.length);
        return secret.sign(signed);
    }

    private static void writeName(final DataOutputStream out, final String name) throws IOException {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readName(final DataInputStream in) throws IOException {
        final int n = in.readInt();
        if (n < 0 || n > MAX_NAME_BYTES) {
            throw new IOException("a name of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** Fills the buffer; false at end of stream before anything was read. Heap buffers go in slices. */
    static boolean readFully(final SocketChannel channel, final ByteBuffer to) throws IOException {
        final int end = to.limit();
        boolean any = false;
        while (to.position() < end) {
            if (!to.isDirect()) {
                to.limit(Math.min(end, to.position() + HEAP_SLICE));
            }
            final int n = channel.read(to);
            to.limit(end);
            if (n < 0) {
                if (!any) {
                    return false;
                }
                throw new IOException("end of stream after " + to.position() + " of " + end + " bytes");
            }
            any |= n > 0;
        }
        return true;
    }

    static void writeFully(final SocketChannel channel, final ByteBuffer from) throws IOException {
        final int end = from.limit();
        while (from.position() < end) {
            if (!from.isDirect()) {
                from.limit(Math.min(end, from.position() + HEAP_SLICE));
            }
            channel.write(from);
            from.limit(end);
        }
    }

    private static void quietClose(final SocketChannel channel) {
        try {
            channel.close();
        } catch (final IOException e) {
            // closing anyway
        }
    }

    /** Stops serving and pulling: every connection closes, pulls under way fail, the threads end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (final IOException e) {
            // closing anyway
        }
        final List<Puller> all = new ArrayList<>(pullers.values());
        pullers.clear();
        for (final Puller p : all) {
            p.close();
        }
        for (final Served s : served) {
            quietClose(s.channel);
        }
        join(acceptor);
        for (final Puller p : all) {
            p.awaitStopped();
        }
        for (final Served s : List.copyOf(served)) {
            if (s.thread != null) {
                join(s.thread);
            }
        }
    }

    private void join(final Thread t) {
        try {
            t.join(timeoutMs);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
