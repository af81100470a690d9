package io.kairos.cli;

import io.aeron.Publication;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.kairos.bench.plan.Cluster;

/**
 * The round-trip peers of the cluster section, each the other end in a JVM of its own ({@code kairos bench peer}):
 * a TCP echo and Aeron UDP ping-pongs (with the transport's idle settings, or one busy-spinning thread).
 */
final class ClusterPeers {
    private final Path dir;
    private final List<Process> processes;
    private Process tcpPeer;
    private int tcpPort;

    /** @param processes where the peers' processes are listed, for the section to stop them */
    ClusterPeers(final Path dir, final List<Process> processes) {
        this.dir = dir;
        this.processes = processes;
    }

    /** A connection to the TCP echo peer (started on first use), TCP_NODELAY. */
    Socket tcpConnect() throws IOException {
        if (tcpPeer == null) {
            tcpPort = freeTcpPort();
            tcpPeer = ChildJvm.start(dir.resolve("tcp-peer.log"), "bench", "peer", "--tcp", Integer.toString(tcpPort));
            synchronized (processes) {
                processes.add(tcpPeer);
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                final Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpPort);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (final IOException e) {
                if (!tcpPeer.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IOException("the TCP peer did not listen on " + tcpPort + "; see "
                        + dir.resolve("tcp-peer.log"), e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    /** An Aeron ping-pong with a peer process of its own; closing it stops the peer. */
    AeronPing aeron(final boolean spin) throws Exception {
        final int mine = freeUdpPort();
        final int theirs = freeUdpPort();
        final String name = spin ? "aeron-spin" : "aeron";
        final List<String> args = new ArrayList<>(List.of("bench", "peer", "--aeron",
            dir.resolve(name + "-peer").toString(), "--listen", Integer.toString(theirs), "--reply",
            Integer.toString(mine)));
        if (spin) {
            args.add("--spin");
        }
        final Process peer = ChildJvm.start(dir.resolve(name + "-peer.log"), args.toArray(new String[0]));
        synchronized (processes) {
            processes.add(peer);
        }
        final BenchPeerCommand.AeronEndpoint end;
        try {
            end = BenchPeerCommand.AeronEndpoint.open(dir.resolve(name + "-bench"), spin, mine, theirs);
        } catch (final RuntimeException e) {
            peer.destroyForcibly();
            throw e;
        }
        final AeronPing ping = new AeronPing(end, peer);
        try {
            ClusterBench.awaitCondition("the Aeron peer connected", 60, () -> {
                end.idle(0);
                return end.publication.isConnected() && end.subscription.isConnected() || !peer.isAlive();
            });
            if (!peer.isAlive()) {
                throw new IllegalStateException("the Aeron peer exited; see " + dir.resolve(name + "-peer.log"));
            }
            return ping;
        } catch (final RuntimeException e) {
            ping.close();
            throw e;
        }
    }

    /** One open Aeron ping-pong: {@link #ping()} is one round trip of a {@link Cluster#MESSAGE_BYTES} message. */
    static final class AeronPing implements AutoCloseable {
        private final BenchPeerCommand.AeronEndpoint end;
        private final Process peer;
        private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(Cluster.MESSAGE_BYTES));
        private volatile boolean got;
        private final FragmentHandler handler = (buffer, offset, length, header) -> got = true;

        AeronPing(final BenchPeerCommand.AeronEndpoint end, final Process peer) {
            this.end = end;
            this.peer = peer;
            if (!end.spins()) {
                end.receiveOnTransport(() -> end.subscription.poll(handler, 1));  // as a member receives
            }
        }

        void ping() {
            got = false;
            long result;
            while ((result = end.publication.offer(message, 0, Cluster.MESSAGE_BYTES)) < 0) {
                if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED) {
                    throw new IllegalStateException("the Aeron peer went away");
                }
                end.sent();
                end.idle(0);
            }
            end.sent();
            if (end.spins()) {
                while (!got) {
                    end.idle(end.subscription.poll(handler, 1));
                }
            } else {
                while (!got) {
                    Thread.yield();  // the transport thread polls
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                end.close();
            } finally {
                peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
