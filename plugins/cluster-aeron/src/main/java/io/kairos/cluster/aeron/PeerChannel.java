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
 * this member, its endpoint and its bulk channel's port ({@link BulkChannel}; 0 for none). A message longer than one frame goes in parts; the other's receiver puts it back
 * together ({@link AeronClusterTransport} lists the frames). Sends hold a lock: parts of two messages never mix.
 */
final class PeerChannel {
    static final byte HELLO = 0;
    static final byte WHOLE = 1;
    static final byte PART = 2;
    static final byte LAST = 3;
    static final byte CHALLENGE = 4;
    static final byte PROOF = 5;

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
    private final int selfBulkPort;
    private final long connectTimeoutMs;
    private final java.util.function.Predicate<PeerChannel> wanted;
    /** Runs the media driver's duty cycle so that what was offered leaves now ({@link TransportDuty#sendNow}). */
    private final Runnable sendNow;
    private final IdleStrategy idle = new BackoffIdleStrategy(16, 16, 1_000, 1_000_000);
    boolean greeted;
    /** Parts of two messages never mix; the receiver's thread only tries it ({@link #trySendControl}). */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    /**
     * @param wanted  whether this channel is still the one to its peer (false: the peer left, stop waiting)
     * @param sendNow runs the media driver after each offer (and while the channel is full, so it drains)
     */
    PeerChannel(final Aeron aeron, final String name, final String endpoint, final String selfName,
                final String selfEndpoint, final int selfBulkPort, final long connectTimeoutMs,
                final java.util.function.Predicate<PeerChannel> wanted, final Runnable sendNow) {
        this.sendNow = sendNow;
        this.name = name;
        this.endpoint = endpoint;
        this.selfName = selfName;
        this.selfEndpoint = selfEndpoint;
        this.selfBulkPort = selfBulkPort;
        this.connectTimeoutMs = connectTimeoutMs;
        this.wanted = wanted;
        this.publication = aeron.addPublication("aeron:udp?endpoint=" + endpoint + "|term-length=" + TERM_LENGTH,
            STREAM_ID);
    }

    /** Sends a challenge or a proof (after the hello, like every frame), waiting while the channel is full. */
    boolean sendControl(final byte type, final byte[] payload) {
        lock.lock();
        try {
            if (!greet()) {
                return false;
            }
            frame.putByte(0, type);
            frame.putBytes(1, payload);
            return offer(frame, 0, payload.length + 1);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a challenge or a proof now or not at all (the receiver's thread must not wait on a channel that is not
     * connected yet, nor on a sender that holds the channel: two members sending each other big messages would
     * otherwise wait on each other's receivers): false if the channel cannot take it now, to be tried again.
     */
    boolean trySendControl(final byte type, final byte[] payload) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (!greeted) {
                if (publication.offer(frame, 0, putHello()) < 0) {
                    return false;
                }
                greeted = true;
            }
            frame.putByte(0, type);
            frame.putBytes(1, payload);
            final boolean sent = publication.offer(frame, 0, payload.length + 1) > 0;
            sendNow.run();
            return sent;
        } finally {
            lock.unlock();
        }
    }

    private int putHello() {
        final byte[] me = selfName.getBytes(StandardCharsets.UTF_8);
        final byte[] at = selfEndpoint.getBytes(StandardCharsets.UTF_8);
        frame.putByte(0, HELLO);
        frame.putInt(1, me.length);
        frame.putBytes(5, me);
        frame.putInt(5 + me.length, at.length);
        frame.putBytes(9 + me.length, at);
        frame.putInt(9 + me.length + at.length, selfBulkPort);
        return 13 + me.length + at.length;
    }

    boolean send(final byte[] message, final int offset, final int length) {
        lock.lock();
        try {
            return greet() && sendData(message, offset, length);
        } finally {
            lock.unlock();
        }
    }

    private boolean greet() {
        if (!greeted) {
            if (!offer(frame, 0, putHello())) {
                return false;
            }
            greeted = true;
        }
        return true;
    }

    private boolean sendData(final byte[] message, final int offset, final int length) {
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
            sendNow.run();
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

    /** The session id the other member sees this channel's frames under. */
    int sessionId() {
        return publication.sessionId();
    }

    void close() {
        CloseHelper.quietClose(publication);
    }

    /** The "host:port" a subscription bound to (port 0: the one the system chose), waiting up to 5 s for it. */
    static String resolvedEndpoint(final io.aeron.Subscription subscription, final String bindHost, final int port) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String channel;
        while ((channel = subscription.tryResolveChannelEndpointPort()) == null
            || !channel.contains(":") || channel.endsWith(":0")) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the data endpoint on " + bindHost + ":" + port
                    + " did not bind (is the port in use?)");
            }
            Thread.onSpinWait();
        }
        final String marker = "endpoint=";
        final int start = channel.indexOf(marker) + marker.length();
        int end = channel.indexOf('|', start);
        end = end < 0 ? channel.length() : end;
        return channel.substring(start, end);
    }
}
