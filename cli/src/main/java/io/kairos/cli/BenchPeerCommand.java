package io.kairos.cli;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
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
                    end.idle(0);
                }
            };
            while (true) {
                end.idle(end.subscription.poll(echo, 16));
            }
        } finally {
            end.close();
        }
    }

    /**
     * One side of an Aeron UDP ping-pong: a media driver of its own, a subscription on loopback:listen and a
     * publication to loopback:reply. With spin, the driver and the client's conductor are invokers driven by the polling thread, which never
     * idles; else the transport's settings: a shared driver with its default backoff, the poller backing off as
     * AeronClusterTransport's receiver does (up to 100 µs parks).
     */
    static final class AeronEndpoint implements AutoCloseable {
        final MediaDriver driver;
        final Aeron aeron;
        final Subscription subscription;
        final Publication publication;
        private final AgentInvoker invoker;
        private final AgentInvoker clientInvoker;
        private final IdleStrategy idle;

        private AeronEndpoint(final MediaDriver driver, final Aeron aeron, final Subscription subscription,
                              final Publication publication, final boolean spin) {
            this.driver = driver;
            this.aeron = aeron;
            this.subscription = subscription;
            this.publication = publication;
            this.invoker = spin ? driver.sharedAgentInvoker() : null;
            this.clientInvoker = spin ? aeron.conductorAgentInvoker() : null;
            this.idle = spin ? null : new BackoffIdleStrategy(64, 16, 1_000, 100_000);
        }

        static AeronEndpoint open(final Path dir, final boolean spin, final int listen, final int reply) {
            final MediaDriver.Context context = new MediaDriver.Context()
                .aeronDirectoryName(dir.toString())
                .termBufferSparseFile(true)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
            if (spin) {
                context.threadingMode(ThreadingMode.INVOKER);
            } else {
                context.threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new BackoffIdleStrategy());
            }
            final MediaDriver driver = MediaDriver.launch(context);
            Aeron aeron = null;
            try {
                final Aeron.Context client = new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName());
                if (spin) {
                    client.driverAgentInvoker(driver.sharedAgentInvoker()).useConductorAgentInvoker(true);
                }
                aeron = Aeron.connect(client);
                final Subscription sub = aeron.addSubscription("aeron:udp?endpoint=localhost:" + listen, STREAM_ID);
                final Publication pub = aeron.addPublication("aeron:udp?endpoint=localhost:" + reply, STREAM_ID);
                return new AeronEndpoint(driver, aeron, sub, pub, spin);
            } catch (final RuntimeException e) {
                CloseHelper.quietCloseAll(aeron, driver);
                throw e;
            }
        }

        /** One idle step after work items of work: the invoker's duty cycle when spinning, else a backoff. */
        void idle(final int work) {
            if (invoker != null) {
                invoker.invoke();
                clientInvoker.invoke();
            } else {
                idle.idle(work);
            }
        }

        @Override
        public void close() {
            CloseHelper.quietCloseAll(publication, subscription, aeron, driver);
        }
    }
}
