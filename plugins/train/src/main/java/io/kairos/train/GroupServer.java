package io.kairos.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The coordinator served to workers in processes of their own: a socket on loopback, a thread per worker. A worker
 * first sends the group's token (random per group) and its rank; then requests, each answered in order:
 * op (byte) and its body; the answer a status byte (0 ok, 1 error, with the message) and the result.
 *
 * <pre>
 * ALL_REDUCE  n (int), n doubles          -> n doubles
 * HEARTBEAT                               -> nothing
 * REPORT      m (int), m x (name UTF, value double), checkpoint UTF ("" for none) -> kept UTF ("" for none)
 * STAGING                                 -> directory UTF
 * </pre>
 */
final class GroupServer implements AutoCloseable {
    static final byte ALL_REDUCE = 1;
    static final byte HEARTBEAT = 2;
    static final byte REPORT = 3;
    static final byte STAGING = 4;

    private final Coordinator coordinator;
    private final ServerSocket server;
    private final long token = new SecureRandom().nextLong();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    GroupServer(final Coordinator coordinator) throws IOException {
        this.coordinator = coordinator;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "kairos-train-group");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where workers connect, "host:port". */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    long token() {
        return token;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                final Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.add(s);
                final Thread t = new Thread(() -> serve(s), "kairos-train-rank");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return;  // closed
            }
        }
    }

    private void serve(final Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()))) {
            if (in.readLong() != token) {
                return;  // not this group's worker
            }
            final int rank = in.readInt();
            while (true) {
                final byte op;
                try {
                    op = in.readByte();
                } catch (final EOFException e) {
                    return;
                }
                try {
                    switch (op) {
                        case ALL_REDUCE -> {
                            final double[] v = new double[in.readInt()];
                            for (int i = 0; i < v.length; i++) {
                                v[i] = in.readDouble();
                            }
                            final double[] sum = coordinator.allReduce(rank, v);
                            out.writeByte(0);
                            out.writeInt(sum.length);
                            for (final double d : sum) {
                                out.writeDouble(d);
                            }
                        }
                        case HEARTBEAT -> {
                            coordinator.heartbeat(rank);
                            out.writeByte(0);
                        }
                        case REPORT -> {
                            final Map<String, Double> metrics = new HashMap<>();
                            for (int i = 0, m = in.readInt(); i < m; i++) {
                                metrics.put(in.readUTF(), in.readDouble());
                            }
                            final String checkpoint = in.readUTF();
                            final Path kept = coordinator.report(rank, Map.copyOf(metrics),
                                checkpoint.isEmpty() ? null : Path.of(checkpoint));
                            out.writeByte(0);
                            out.writeUTF(kept == null ? "" : kept.toString());
                        }
                        case STAGING -> {
                            final Path dir = coordinator.staging(rank);
                            out.writeByte(0);
                            out.writeUTF(dir.toString());
                        }
                        default -> throw new IOException("unknown request " + op + " from rank " + rank);
                    }
                } catch (final RuntimeException | InterruptedException e) {
                    out.writeByte(1);
                    out.writeUTF(String.valueOf(e.getMessage()));
                }
                out.flush();
            }
        } catch (final IOException e) {
            // the worker's process went: the trainer hears it from the worker's actor
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (final IOException e) {
            // closing
        }
        for (final Socket s : connections) {
            try {
                s.close();
            } catch (final IOException e) {
                // closing
            }
        }
    }
}
