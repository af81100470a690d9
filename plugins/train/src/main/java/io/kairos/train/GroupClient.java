package io.kairos.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

/** A worker process's side of {@link GroupServer}: one connection, one request at a time. */
final class GroupClient implements Group, AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    GroupClient(final String address, final long token, final int rank) throws IOException {
        final int colon = address.lastIndexOf(':');
        socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        out.writeLong(token);
        out.writeInt(rank);
        out.flush();
    }

    @Override
    public synchronized double[] allReduce(final int rank, final double[] values) throws IOException {
        out.writeByte(GroupServer.ALL_REDUCE);
        out.writeInt(values.length);
        for (final double v : values) {
            out.writeDouble(v);
        }
        answer();
        final double[] sum = new double[in.readInt()];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = in.readDouble();
        }
        return sum;
    }

    @Override
    public synchronized void heartbeat(final int rank) throws IOException {
        out.writeByte(GroupServer.HEARTBEAT);
        answer();
    }

    @Override
    public synchronized Path report(final int rank, final Map<String, Double> metrics, final Path checkpoint)
        throws IOException {
        out.writeByte(GroupServer.REPORT);
        out.writeInt(metrics.size());
        for (final Map.Entry<String, Double> e : metrics.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
        out.writeUTF(checkpoint == null ? "" : checkpoint.toString());
        answer();
        final String kept = in.readUTF();
        return kept.isEmpty() ? null : Path.of(kept);
    }

    @Override
    public synchronized Path staging(final int rank) throws IOException {
        out.writeByte(GroupServer.STAGING);
        answer();
        return Path.of(in.readUTF());
    }

    /** Sends the request and reads its status: an error is thrown as the group's. */
    private void answer() throws IOException {
        out.flush();
        if (in.readByte() != 0) {
            throw new IllegalStateException(in.readUTF());
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
