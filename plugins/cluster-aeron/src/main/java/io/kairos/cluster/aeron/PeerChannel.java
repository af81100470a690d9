package io.kairos.cluster.aeron;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One member's channel to another: an Aeron publication to the other's endpoint, opened with a hello that names
 * this member and its endpoint. A message longer than one frame goes in parts; the other's receiver puts it back
 * together ({@link AeronClusterTransport} lists the frames). Sends are serialised: parts of two messages never mix.
 */
final class PeerChannel {
    static final byte HELLO = 0;
    static final byte WHOLE = 1;
    static final byte PART = 2;
    static final byte LAST = 3;

    static final int STREAM_ID = 1001;
    static final int TERM_LENGTH = 4 << 20;
    /** The payload of one frame: well under the largest Aeron message (term length / 8). */
    static final int FRAME_PAYLOAD = 256 << 10;
    /** Datagram size on the data channels. */
    static final int MTU = 8 << 10;
    /** Receiver window and socket buffers of the data channels (Linux caps them at net.core.rmem_max). */
    static final int WINDOW = 2 << 20;

    final String name;
    final String endpoint;
    final ConcurrentPublication publication;
    final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(FRAME_PAYLOAD + 64));
    private final String selfName;
    private final String selfEndpoint;
    private final long connectTimeoutMs;
    private final java.util.function.Predicate<PeerChannel> wanted;
    private final IdleStrategy idle = new BackoffIdleStrategy(16, 16, 1_000, 1_000_000);
    boolean greeted;

    /**
     * @param wanted whether this channel is still the one to its peer (false: the peer left, stop waiting)
     */
    PeerChannel(final Aeron aeron, final String name, final String endpoint, final String selfName,
                final String selfEndpoint, final long connectTimeoutMs,
                final java.util.function.Predicate<PeerChannel> wanted) {
        this.name = name;
        this.endpoint = endpoint;
        this.selfName = selfName;
        this.selfEndpoint = selfEndpoint;
        this.connectTimeoutMs = connectTimeoutMs;
        this.wanted = wanted;
        this.publication = aeron.addPublication("aeron:udp?endpoint=" + endpoint + "|term-length=" + TERM_LENGTH,
            STREAM_ID);
    }

    synchronized boolean send(final byte[] message, final int offset, final int length) {
        if (!greeted) {
            final byte[] me = selfName.getBytes(StandardCharsets.UTF_8);
            final byte[] at = selfEndpoint.getBytes(StandardCharsets.UTF_8);
            frame.putByte(0, HELLO);
            frame.putInt(1, me.length);
            frame.putBytes(5, me);
            frame.putInt(5 + me.length, at.length);
            frame.putBytes(9 + me.length, at);
            if (!offer(frame, 0, 9 + me.length + at.length)) {
                return false;
            }
            greeted = true;
        }
        if (length <= FRAME_PAYLOAD) {
            frame.putByte(0, WHOLE);
            frame.putBytes(1, message, offset, length);
            return offer(frame, 0, length + 1);
        }
        for (int at = 0; at < length; at += FRAME_PAYLOAD) {
            final int part = Math.min(FRAME_PAYLOAD, length - at);
            frame.putByte(0, at + part == length ? LAST : PART);
            frame.putBytes(1, message, offset + at, part);
            if (!offer(frame, 0, part + 1)) {
                return false;
            }
        }
        return true;
    }

    /** Offers one frame, waiting while the channel is full or not yet connected; false if the peer is gone. */
    private boolean offer(final DirectBuffer buffer, final int at, final int length) {
        idle.reset();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs);
        while (true) {
            final long result = publication.offer(buffer, at, length);
            if (result > 0) {
                return true;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || !wanted.test(this)) {
                return false;
            }
            if (result == Publication.NOT_CONNECTED && System.nanoTime() - deadline > 0) {
                return false;  // no receiver at its endpoint for the whole connect timeout
            }
            idle.idle();
        }
    }

    void close() {
        CloseHelper.quietClose(publication);
    }
}
