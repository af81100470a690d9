package io.kairos.cluster.aeron;

import io.aeron.logbuffer.Header;
import io.kairos.spi.cluster.ClusterListener;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What arrives on a member's data subscription, one Aeron session (one other member's channel) at a time: a hello
 * names the sender (and its bulk channel's port); this member answers with a challenge (the session's id and a fresh random nonce) on its own
 * channel to the member the hello names, and holds the session's messages until a proof comes on that session
 * (HMAC-SHA256 over the nonce, the session id and both names), then hands them to the kernel in order. A member
 * answers only challenges for its own channel's session, so a sender that names a real member but is not it is
 * never proved. A wrong proof ends the session: its messages are dropped
 * and the refusal is logged. Challenges from others are answered here too. The secret never goes on the wire.
 *
 * <p>Receiver thread only.
 */
final class InboundSessions {
    /** The most bytes of messages held for a session that has not proved itself yet. */
    static final int MAX_HELD_BYTES = 64 << 20;
    static final int NONCE_BYTES = 32;

    private static final System.Logger LOG = System.getLogger(InboundSessions.class.getName());

    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    /** Challenges and proofs the other member's channel could not take yet, tried again on each poll. */
    private final ArrayDeque<Pending> unsent = new ArrayDeque<>();
    private final AtomicLong refusals = new AtomicLong();
    private final long giveUpNs;
    private final SecureRandom random = new SecureRandom();
    private final String self;
    private final ClusterSecret secret;
    private final ClusterListener listener;
    private final Peers peers;

    /** The channels to other members, to answer on. */
    interface Peers {
        PeerChannel peer(String name, String endpoint);

        PeerChannel peer(String name);

        /** The member proved itself on its channel; its bulk channel listens on bulkPort at its endpoint's host. */
        void proved(String name, String endpoint, int bulkPort);
    }

    /** @param giveUpNs how long a challenge may wait for its channel before the session is refused */
    InboundSessions(final String self, final ClusterSecret secret, final ClusterListener listener, final Peers peers,
                    final long giveUpNs) {
        this.giveUpNs = giveUpNs;
        this.self = self;
        this.secret = secret;
        this.listener = listener;
        this.peers = peers;
    }

    void onFrame(final DirectBuffer buffer, final int offset, final int length, final Header header) {
        final int id = header.sessionId();
        final byte type = buffer.getByte(offset);
        if (type == PeerChannel.HELLO) {
            hello(id, buffer, offset, length);
            return;
        }
        final Session from = sessions.get(id);
        if (from == null || from.refused) {
            return;  // no hello (a channel greeted an earlier incarnation of this member), or refused
        }
        if (type == PeerChannel.CHALLENGE) {
            final int challenged = buffer.getInt(offset + 1, java.nio.ByteOrder.BIG_ENDIAN);
            final byte[] nonce = new byte[NONCE_BYTES];
            buffer.getBytes(offset + 5, nonce);
            final PeerChannel mine = peers.peer(from.name);
            if (mine != null && mine.sessionId() == challenged) {  // else: a challenge of a session that is not ours
                send(new Pending(from, mine, PeerChannel.PROOF, withSession(challenged,
                    proof(nonce, challenged, self, from.name))));
            }
            return;
        }
        if (type == PeerChannel.PROOF) {
            verify(from, id, buffer, offset, length);
            return;
        }
        try {
            from.onData(type, buffer, offset + 1, length - 1);
        } catch (final RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a message from node '" + from.name + "' failed: " + e);
        }
    }

    private void hello(final int id, final DirectBuffer buffer, final int offset, final int length) {
        final int nameLength = buffer.getInt(offset + 1);
        final String name = buffer.getStringWithoutLengthUtf8(offset + 5, nameLength);
        final int atLength = buffer.getInt(offset + 5 + nameLength);
        final String at = buffer.getStringWithoutLengthUtf8(offset + 9 + nameLength, atLength);
        final Session session = new Session(name);
        session.endpoint = at;
        if (length >= 13 + nameLength + atLength) {
            session.bulkPort = buffer.getInt(offset + 9 + nameLength + atLength);
        }
        random.nextBytes(session.nonce);
        sessions.put(id, session);
        send(new Pending(session, peers.peer(name, at), PeerChannel.CHALLENGE, withSession(id, session.nonce)));
    }

    private static byte[] withSession(final int sessionId, final byte[] bytes) {
        final byte[] framed = new byte[4 + bytes.length];
        ByteBuffer.wrap(framed).putInt(sessionId).put(bytes);
        return framed;
    }

    private void send(final Pending frame) {
        if (frame.channel != null && (!unsent.isEmpty() || !frame.channel.trySendControl(frame.type, frame.payload))) {
            unsent.add(frame);
        }
    }

    /** Tries the challenges and proofs not sent yet; a session whose challenge waits too long is refused. */
    int retry() {
        int sent = 0;
        for (int n = unsent.size(); n > 0; n--) {
            final Pending frame = unsent.poll();
            if (frame.session.refused) {
                continue;
            }
            if (frame.channel.trySendControl(frame.type, frame.payload)) {
                sent++;
            } else if (System.nanoTime() - frame.sinceNs > giveUpNs) {
                frame.session.refuse("its channel could not be reached to " + (frame.type == PeerChannel.CHALLENGE
                    ? "challenge it" : "answer its challenge"));
            } else {
                unsent.add(frame);
            }
        }
        return sent;
    }

    /** How many sessions were refused: a wrong proof, too much before one, or a channel that could not be reached. */
    long refusals() {
        return refusals.get();
    }

    private record Pending(Session session, PeerChannel channel, byte type, byte[] payload, long sinceNs) {
        Pending(final Session session, final PeerChannel channel, final byte type, final byte[] payload) {
            this(session, channel, type, payload, System.nanoTime());
        }
    }

    private void verify(final Session from, final int id, final DirectBuffer buffer, final int offset,
                        final int length) {
        final byte[] answer = new byte[Math.max(0, length - 5)];
        buffer.getBytes(offset + 5, answer);
        if (length < 5 || buffer.getInt(offset + 1, java.nio.ByteOrder.BIG_ENDIAN) != id || !MessageDigest.isEqual(answer, proof(from.nonce, id,
            from.name, self))) {
            from.refuse("its proof of the cluster secret is wrong");
            return;
        }
        from.proved = true;
        if (from.bulkPort > 0) {
            peers.proved(from.name, from.endpoint, from.bulkPort);
        }
        for (final byte[] held : from.held) {
            deliver(from.name, ByteBuffer.wrap(held));
        }
        from.held.clear();
        from.heldBytes = 0;
    }

    /** HMAC-SHA256(secret, nonce | session id | prover | verifier). */
    byte[] proof(final byte[] nonce, final int sessionId, final String prover, final String verifier) {
        final byte[] names = (sessionId + "\n" + prover + "\n" + verifier).getBytes(StandardCharsets.UTF_8);
        final byte[] signed = new byte[nonce.length + names.length];
        System.arraycopy(nonce, 0, signed, 0, nonce.length);
        System.arraycopy(names, 0, signed, nonce.length, names.length);
        return secret.sign(signed);
    }

    private void deliver(final String from, final ByteBuffer message) {
        try {
            listener.onMessage(from, message);
        } catch (final RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a message from node '" + from + "' failed: " + e);
        }
    }

    private final class Session {
        final String name;
        final byte[] nonce = new byte[NONCE_BYTES];
        final ExpandableArrayBuffer parts = new ExpandableArrayBuffer(PeerChannel.FRAME_PAYLOAD);
        final List<byte[]> held = new ArrayList<>();
        String endpoint;
        int bulkPort;
        int assembled;
        long heldBytes;
        boolean proved;
        boolean refused;

        Session(final String name) {
            this.name = name;
        }

        void onData(final byte type, final DirectBuffer buffer, final int offset, final int length) {
            if (type == PeerChannel.WHOLE && assembled == 0) {
                if (proved) {
                    deliver(name, view(buffer, offset, length));
                } else {
                    hold(buffer, offset, length);
                }
                return;
            }
            parts.putBytes(assembled, buffer, offset, length);
            assembled += length;
            if (type == PeerChannel.LAST || type == PeerChannel.WHOLE) {
                final int whole = assembled;
                assembled = 0;
                if (proved) {
                    deliver(name, ByteBuffer.wrap(parts.byteArray(), 0, whole));
                } else {
                    hold(parts, 0, whole);
                }
            }
        }

        private void hold(final DirectBuffer buffer, final int offset, final int length) {
            heldBytes += length;
            if (heldBytes > MAX_HELD_BYTES) {
                refuse("it sent more than " + MAX_HELD_BYTES + " bytes before proving it holds the cluster secret");
                return;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            held.add(copy);
        }

        void refuse(final String why) {
            refused = true;
            refusals.incrementAndGet();
            held.clear();
            LOG.log(System.Logger.Level.WARNING, "refused messages from '" + name + "': " + why);
        }
    }

    private static ByteBuffer view(final DirectBuffer buffer, final int offset, final int length) {
        final ByteBuffer bytes = buffer.byteBuffer();
        if (bytes != null) {
            final ByteBuffer slice = bytes.duplicate();
            slice.limit(buffer.wrapAdjustment() + offset + length).position(buffer.wrapAdjustment() + offset);
            return slice;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return ByteBuffer.wrap(copy);
    }
}
