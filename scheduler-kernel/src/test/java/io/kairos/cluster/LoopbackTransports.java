package io.kairos.cluster;

import io.kairos.spi.cluster.ClusterListener;
import io.kairos.spi.cluster.ClusterNode;
import io.kairos.spi.cluster.ClusterTransport;
import io.kairos.spi.cluster.ClusterTransport.ActorLocation;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Cluster transports joined in one JVM, for testing the kernel's side of a cluster without a network: each member
 * gets its events on a thread of its own, in order, as a real transport delivers them. A member can be made to
 * vanish ({@link #kill}): the others are told it left, as a control store would after missed heartbeats.
 */
final class LoopbackTransports {
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, ActorLocation> actors = new ConcurrentHashMap<>();

    ClusterTransport transport() {
        return new Member();
    }

    /** The member vanishes: nothing more reaches it or comes from it, and the others hear it left. */
    void kill(final String nodeId) {
        final Member gone = members.remove(nodeId);
        if (gone != null) {
            gone.stop();
            for (final Member m : members.values()) {
                m.deliver(() -> m.listener.onNodeLeft(nodeId, "killed by the test"));
            }
        }
    }

    private final class Member implements ClusterTransport {
        private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
        private volatile ClusterListener listener;
        private volatile ClusterNode self;
        private volatile boolean stopped;
        private Thread thread;

        @Override
        public synchronized void join(final ClusterNode node, final ClusterListener events) {
            this.self = node;
            this.listener = events;
            thread = new Thread(this::run, "loopback-" + node.nodeId());
            thread.setDaemon(true);
            thread.start();
            synchronized (LoopbackTransports.this) {
                for (final Member other : members.values()) {
                    events.onNodeJoined(other.self);
                    other.deliver(() -> other.listener.onNodeJoined(node));
                }
                members.put(node.nodeId(), this);
            }
        }

        private void run() {
            while (!stopped) {
                try {
                    inbox.take().run();
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }

        void deliver(final Runnable event) {
            if (!stopped) {
                inbox.add(event);
            }
        }

        void stop() {
            stopped = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        @Override
        public boolean send(final String nodeId, final byte[] message, final int offset, final int length) {
            final Member to = members.get(nodeId);
            if (to == null || stopped) {
                return false;
            }
            final byte[] copy = Arrays.copyOfRange(message, offset, offset + length);
            final String from = self.nodeId();
            to.deliver(() -> to.listener.onMessage(from, ByteBuffer.wrap(copy)));
            return true;
        }

        @Override
        public int maxMessageBytes() {
            return 64 << 20;
        }

        @Override
        public void reportAvailable(final Map<String, Double> available) {
        }

        @Override
        public void publishActor(final String name, final String nodeId, final long actorId) {
            actors.put(name, new ActorLocation(nodeId, actorId));
        }

        @Override
        public void unpublishActor(final String name) {
            actors.remove(name);
        }

        @Override
        public ActorLocation lookupActor(final String name) {
            return actors.get(name);
        }

        @Override
        public void close() {
            if (self != null && members.remove(self.nodeId(), this)) {
                for (final Member m : members.values()) {
                    m.deliver(() -> m.listener.onNodeLeft(self.nodeId(), "said goodbye"));
                }
            }
            stop();
        }
    }
}
