package io.kairos.cli;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.kairos.cluster.aeron.TransportDuty;
import io.kairos.cluster.aeron.TransportIdle;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * {@code kairos bench peer}: the far side of the cluster section's raw peers ({@link ClusterBench}), a process of its
 * own: a TCP server (echo, or a source of N bytes) or an Aeron UDP echo. Hidden: the bench starts it.
 */
@Command(name = "peer", hidden = true, description = "The far side of a raw peer of the cluster benchmarks.")
final class BenchPeerCommand implements Callable<Integer> {
    @Option(names = "--tcp", paramLabel = "PORT", description = "Serve TCP on this loopback port.")
    int tcpPort;

    @Option(names = "--aeron", paramLabel = "DIR", description = "An Aeron echo with its media driver in DIR.")
    Path aeronDir;

    @Option(names = "--listen", paramLabel = "PORT", description = "Aeron: the UDP port this echo subscribes on.")
    int listen;

    @Option(names = "--reply", paramLabel = "PORT", description = "Aeron: the UDP port the echo replies to.")
    int reply;

    @Option(names = "--spin", description = "Aeron: one busy-spinning thread drives an invoker driver and polls "
        + "(else the transport's settings: a shared driver and backoff idle strategies).")
    boolean spin;

    static final int STREAM_ID = 7001;

    @Override
    public Integer call() throws IOException {
        if (aeronDir != null) {
            aeronEcho();
        } else {
            tcp();
        }
        return 0;
    }

    /**
     * One connection at a time; each request is an int: n > 0, n bytes follow and are echoed; n < 0, -n bytes are
     * sent (from one array, filled once); 0 ends the connection.
     */
    private void tcp() throws IOException {
        try (ServerSocket server = new ServerSocket(tcpPort, 4, InetAddress.getLoopbackAddress())) {
            byte[] buffer = new byte[1 << 16];
            while (true) {
                try (Socket socket = server.accept()) {
                    socket.setTcpNoDelay(true);
                    final DataInputStream in = new DataInputStream(socket.getInputStream());
                    final OutputStream out = socket.getOutputStream();
                    while (true) {
                        final int n = in.readInt();
                        if (n == 0) {
                            break;
                        }
                        if (buffer.length < Math.abs(n)) {
                            buffer = new byte[Math.abs(n)];
                        }
                        if (n > 0) {
                            in.readFully(buffer, 0, n);
                        }
                        out.write(buffer, 0, Math.abs(n));
                        out.flush();
                    }
                } catch (final IOException e) {
                    // the client went away: wait for the next one
                }
            }
        }
    }

    /** Echoes every message back until the process is killed. */
    private void aeronEcho() {
        final AeronEndpoint end = AeronEndpoint.open(aeronDir, spin, listen, reply);
        try {
            final FragmentHandler echo = (buffer, offset, length, header) -> {
                while (end.publication.offer(buffer, offset, length) < 0) {
                    end.sent();
                    end.idle(0);
                }
                end.sent();
            };
            if (end.spins()) {
                while (true) {
                    end.idle(end.subscription.poll(echo, 16));
                }
            }
            end.receiveOnTransport(() -> end.subscription.poll(echo, 16));
            while (true) {
                LockSupport.park(this);  // the transport thread echoes
            }
        } finally {
            end.close();
        }
    }

    /**
     * One side of an Aeron UDP ping-pong: a media driver of its own, a subscription on loopback:listen and a
     * publication to loopback:reply. With spin, the driver and the client's conductor are invokers driven by the
     * polling thread, which never idles; else as a member's transport: one {@link TransportDuty} thread runs the
     * driver and polls, idling as {@link TransportIdle} says, and the sender runs the driver after its offer.
     */
    static final class AeronEndpoint implements AutoCloseable {
        final Aeron aeron;
        final Subscription subscription;
        final Publication publication;
        /** Spin: the driver, run by the polling thread; else null. */
        private final MediaDriver driver;
        private final AgentInvoker invoker;
        private final AgentInvoker clientInvoker;
        /** Else: the driver and its thread, as a member's transport runs them. */
        private final TransportDuty duty;

        private AeronEndpoint(final MediaDriver driver, final TransportDuty duty, final Aeron aeron,
                              final Subscription subscription, final Publication publication) {
            this.driver = driver;
            this.duty = duty;
            this.aeron = aeron;
            this.subscription = subscription;
            this.publication = publication;
            this.invoker = driver != null ? driver.sharedAgentInvoker() : null;
            this.clientInvoker = driver != null ? aeron.conductorAgentInvoker() : null;
        }

        static AeronEndpoint open(final Path dir, final boolean spin, final int listen, final int reply) {
            final MediaDriver.Context context = new MediaDriver.Context()
                .aeronDirectoryName(dir.toString())
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
            MediaDriver driver = null;
            TransportDuty duty = null;
            Aeron aeron = null;
            try {
                if (spin) {
                    driver = MediaDriver.launch(context.threadingMode(ThreadingMode.INVOKER));
                    aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())
                        .driverAgentInvoker(driver.sharedAgentInvoker()).useConductorAgentInvoker(true));
                } else {
                    duty = TransportDuty.launch(context, TransportIdle.fromSystemProperty(), "kairos-peer-transport");
                    aeron = duty.connectClient();
                }
                final Subscription sub = aeron.addSubscription("aeron:udp?endpoint=localhost:" + listen, STREAM_ID);
                final Publication pub = aeron.addPublication("aeron:udp?endpoint=localhost:" + reply, STREAM_ID);
                return new AeronEndpoint(driver, duty, aeron, sub, pub);
            } catch (final RuntimeException e) {
                CloseHelper.quietCloseAll(aeron, driver, duty);
                throw e;
            }
        }

        /** Without spin: what the transport thread polls after each of its duty cycles. */
        void receiveOnTransport(final IntSupplier poll) {
            duty.receiveWith(poll);
        }

        boolean spins() {
            return duty == null;
        }

        /** After an offer: the datagram leaves now (without spin, as a member's send does). */
        void sent() {
            if (duty != null) {
                duty.sendNow();
            }
        }

        /** One idle step: with spin, the invokers' duty cycles; else a yield (the transport thread polls). */
        void idle(final int work) {
            if (invoker != null) {
                invoker.invoke();
                clientInvoker.invoke();
            } else if (work == 0) {
                Thread.yield();
            }
        }

        @Override
        public void close() {
            CloseHelper.quietCloseAll(publication, subscription, aeron, driver, duty);
        }
    }
}
